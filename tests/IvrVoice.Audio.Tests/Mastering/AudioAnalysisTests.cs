using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Mastering;

public sealed class AudioAnalysisTests
{
    private const int Rate = 16_000;

    [Fact]
    public void Analyze_FullScaleSine_RmsIsMinus3AndPeakIs0()
    {
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(SignalGenerator.Sine(Rate, 1000, Rate, 32767), Rate));

        Assert.InRange(stats.PeakDbfs, -0.01, 0.0);
        Assert.InRange(stats.RmsDbfs, -3.02, -3.00);
        Assert.InRange(stats.ActiveSpeechSeconds, 0.99, 1.0);
    }

    [Fact]
    public void Analyze_DigitalSilence_AllSilent()
    {
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(new float[Rate], Rate));

        Assert.Equal(double.NegativeInfinity, stats.RmsDbfs);
        Assert.Equal(0, stats.ActiveSpeechSeconds);
        Assert.Equal(stats.Duration, stats.LeadingSilence);
    }

    [Fact]
    public void Analyze_HardClippedSquare_ReportsClipping()
    {
        float[] square = [.. Enumerable.Range(0, Rate).Select(i => (i / 40 % 2 == 0) ? 32767f : -32768f)];

        Assert.True(AudioAnalysis.Analyze(new PcmAudio(square, Rate)).ClippedSampleRatio > 0.99);
    }

    [Fact]
    public void Analyze_ToneBetweenSilences_MeasuresLeadingAndTrailingSilence()
    {
        float[] signal = [.. new float[Rate / 2], .. SignalGenerator.Sine(Rate, 500, Rate, 8000), .. new float[Rate / 4]];
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(signal, Rate));

        Assert.InRange(stats.LeadingSilence.TotalSeconds, 0.49, 0.51);
        Assert.InRange(stats.TrailingSilence.TotalSeconds, 0.24, 0.26);
        Assert.InRange(stats.ActiveLevelDbfs - stats.RmsDbfs, 2.33, 2.53); // active 1 s of 1.75 s: 10·log10(1.75) = 2.43 dB apart
    }
}
