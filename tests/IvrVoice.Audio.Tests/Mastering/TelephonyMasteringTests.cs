using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Mastering;

public sealed class TelephonyMasteringTests
{
    private const int Rate = 24_000;

    private static float[] Concat(params float[][] parts) => [.. parts.SelectMany(p => p)];

    private static float[] Silence(double seconds) => new float[(int)(seconds * Rate)];

    private static float[] Tone(double seconds, double dbfs) =>
        SignalGenerator.Sine((int)(seconds * Rate), 440, Rate, 32768 * Math.Sqrt(2) * Math.Pow(10, dbfs / 20));

    [Fact]
    public void Apply_Disabled_ReturnsInputUnchanged()
    {
        PcmAudio input = new(Tone(0.5, -30), Rate);
        Assert.Same(input, TelephonyMastering.Apply(input, MasteringOptions.Disabled));
    }

    [Fact]
    public void Apply_LongSilenceAroundSpeech_TrimsEachEndToThePad()
    {
        PcmAudio input = new(Concat(Silence(1.0), Tone(1.0, -30), Silence(2.0)), Rate);

        PcmAudio output = TelephonyMastering.Apply(input, MasteringOptions.Default);

        AudioStats stats = AudioAnalysis.Analyze(output);
        double pad = MasteringOptions.Default.PadMilliseconds / 1000.0;
        Assert.InRange(output.Duration.TotalSeconds, 1.0 + (2 * pad) - 0.011, 1.0 + (2 * pad) + 0.011);
        Assert.InRange(stats.LeadingSilence.TotalSeconds, pad - 0.011, pad + 0.011);
        Assert.InRange(stats.TrailingSilence.TotalSeconds, pad - 0.011, pad + 0.011);
    }

    [Fact]
    public void Apply_SpeechWithNoLeadingSilence_PadsWithZeros()
    {
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(Tone(1.0, -30), Rate), MasteringOptions.Default);

        int pad = Rate * MasteringOptions.Default.PadMilliseconds / 1000;
        Assert.All(output.Samples.Take(pad), s => Assert.Equal(0f, s));
        Assert.All(output.Samples.TakeLast(pad), s => Assert.Equal(0f, s));
        Assert.NotEqual(0f, output.Samples[pad + 10]);
    }

    [Theory]
    [InlineData(-35.0)]
    [InlineData(-12.0)]
    public void Apply_QuietOrLoudTone_ReachesTargetLevel(double inputDbfs)
    {
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(Tone(1.0, inputDbfs), Rate), MasteringOptions.Default);

        Assert.InRange(AudioAnalysis.Analyze(output).ActiveLevelDbfs, -20.3, -19.7);
    }

    [Fact]
    public void Apply_VeryQuietSpeech_GainCappedAtMaxGain()
    {
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(Tone(1.0, -50), Rate), MasteringOptions.Default);

        Assert.InRange(AudioAnalysis.Analyze(output).ActiveLevelDbfs, -50 + 24 - 0.3, -50 + 24 + 0.3);
    }

    [Fact]
    public void Apply_PeaksAboveCeiling_LimitedLocallyWithoutClipping()
    {
        // A steady tone with short bursts 20 dB louder every 100 ms: normalising the tone pushes the bursts past the ceiling.
        float[] signal = Tone(2.0, -30);
        for (int burst = Rate / 20; burst + 48 < signal.Length; burst += Rate / 10)
        {
            for (int i = 0; i < 48; i++)
            {
                signal[burst + i] *= 10;
            }
        }
        double inputLevel = AudioAnalysis.Analyze(new PcmAudio(signal, Rate)).ActiveLevelDbfs;
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(signal, Rate), MasteringOptions.Default);

        float ceiling = (float)(32768 * Math.Pow(10, MasteringOptions.Default.PeakCeilingDbfs / 20));
        float peak = output.Samples.Max(Math.Abs);
        Assert.True(peak <= ceiling, $"peak {peak} above ceiling {ceiling}");
        Assert.True(peak > ceiling * 0.9f, $"peak {peak}: the bursts should reach the ceiling, not be squashed far below it");
        // Away from the bursts the gain is the normalising gain alone (target minus the measured input level).
        int pad = Rate * MasteringOptions.Default.PadMilliseconds / 1000;
        ReadOnlySpan<float> between = output.Samples.AsSpan(pad + (Rate / 10) + 200, 480);
        double rms = Math.Sqrt(between.ToArray().Average(s => (double)s * s));
        double expected = -30 + (MasteringOptions.Default.TargetLevelDbfs - inputLevel);
        Assert.InRange(20 * Math.Log10(rms / 32768), expected - 0.3, expected + 0.3);
    }

    [Fact]
    public void CanonicalForm_DiffersWhenAnySettingDiffers()
    {
        MasteringOptions d = MasteringOptions.Default;
        string[] forms =
        [
            d.CanonicalForm(), MasteringOptions.Disabled.CanonicalForm(), (d with { PadMilliseconds = 100 }).CanonicalForm(),
            (d with { TargetLevelDbfs = -18 }).CanonicalForm(), (d with { PeakCeilingDbfs = -1 }).CanonicalForm(),
            (d with { MaxGainDb = 12 }).CanonicalForm(),
        ];
        Assert.Equal(forms.Length, forms.Distinct().Count());
        Assert.Equal("off", MasteringOptions.Disabled.CanonicalForm());
    }

    [Fact]
    public void ToTelephony_LoudSpeech_MuLawNeverSaturates()
    {
        float[] speech = SignalGenerator.SpeechLike(Rate * 2, Rate, seed: 3, peak: 32000);
        byte[] wav = Transcoder.ToTelephony(new PcmAudio(speech, Rate));

        PcmAudio decoded = AudioDecoder.Decode(wav);
        Assert.Equal(Resampler.TelephonyRate, decoded.SampleRate);
        Assert.True(decoded.Samples.Max(Math.Abs) < 32124, "μ-law's largest code means the signal clipped");
    }
}
