using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;
using NAudio.Codecs;
using NAudio.Dsp;

namespace IvrVoice.Audio.Tests.Codecs;

/// <summary>
/// NAudio 3.3.0, what a .NET developer would otherwise pick, as a differential oracle: its μ-law encoder agrees with ours
/// on nearly every input, and wherever the two disagree the G.711 reference (audioop's vectors) sides with ours; its WDL
/// resampler agrees with ours within 1 dB up to 1 kHz and falls away above (about 2 dB down at 2 kHz, more at 3.4 kHz),
/// where ours stays flat.
/// </summary>
public sealed class NAudioDifferentialTests
{
    [Fact]
    public void MuLaw_EveryInt16_WhereNAudioDiffersTheReferenceSidesWithUs()
    {
        int disagreements = 0;
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            byte ours = G711.LinearToMuLaw((short)sample);
            byte theirs = MuLawEncoder.LinearToMuLawSample((short)sample);
            if (ours != theirs)
            {
                disagreements++;
                Assert.True(G711Vectors.Reference.MuLaw(sample) == ours, $"μ-law of {sample}: reference {G711Vectors.Reference.MuLaw(sample)}, ours {ours}, NAudio {theirs}");
            }
        }

        // A real oracle: it agrees on more than 99% of the 65,536 inputs.
        Assert.InRange(disagreements, 1, 65_536 / 100);
    }

    [Fact]
    public void MuLaw_Minus32768_NAudioEncodesSilenceTheReferenceDoesNot()
    {
        byte ours = G711.LinearToMuLaw(short.MinValue);
        byte theirs = MuLawEncoder.LinearToMuLawSample(short.MinValue);

        Assert.Equal(G711Vectors.Reference.MuLaw(short.MinValue), ours);
        Assert.True(G711.MuLawToLinear(ours) < -30_000);
        Assert.Equal(0, G711.MuLawToLinear(theirs));   // the known NAudio difference: full-scale negative becomes silence
    }

    [Theory]
    [InlineData(300.0)]
    [InlineData(500.0)]
    [InlineData(1000.0)]
    public void Resample24kTo8k_SpeechBandTone_SameLevelAsNAudioWdl(double hz)
    {
        float[] input = SignalGenerator.Sine(24_000, hz, 24_000, 10_000);

        double ours = SteadyRmsDb(Resampler.Resample(input, 24_000));
        double theirs = SteadyRmsDb(Wdl(input, 24_000, 8_000));
        double expected = 20 * Math.Log10(10_000 / Math.Sqrt(2));

        Assert.InRange(ours - expected, -0.01, 0.01);
        Assert.InRange(theirs - ours, -1.0, 0.5);
    }

    [Fact]
    public void Resample24kTo8k_ToneAt3400Hz_OursFlatNAudioWdlAttenuated()
    {
        float[] input = SignalGenerator.Sine(24_000, 3_400, 24_000, 10_000);
        double expected = 20 * Math.Log10(10_000 / Math.Sqrt(2));

        double ours = SteadyRmsDb(Resampler.Resample(input, 24_000));
        double theirs = SteadyRmsDb(Wdl(input, 24_000, 8_000));

        Assert.InRange(ours - expected, -0.01, 0.01);
        Assert.True(theirs - expected < -3, $"NAudio's WDL at 3.4 kHz: {theirs - expected:0.0} dB (the known difference; ours {ours - expected:0.000} dB)");
    }

    /// <summary>NAudio's WDL resampler as its WdlResamplingSampleProvider drives it (sinc off, 2 IIR filters, output-driven).</summary>
    private static float[] Wdl(float[] input, int inRate, int outRate)
    {
        WdlResampler resampler = new();
        resampler.SetMode(true, 2, false);
        resampler.SetFilterParms();
        resampler.SetFeedMode(false);
        resampler.SetRates(inRate, outRate);
        int wanted = (int)((long)input.Length * outRate / inRate);
        float[] output = new float[wanted];
        int read = 0;
        int written = 0;
        while (written < wanted)
        {
            int frames = Math.Min(512, wanted - written);
            int needed = resampler.ResamplePrepare(frames, 1, out Span<float> inBuffer);
            int available = Math.Min(needed, input.Length - read);
            input.AsSpan(read, Math.Max(0, available)).CopyTo(inBuffer);
            inBuffer[Math.Max(0, available)..needed].Clear();
            read += Math.Max(0, available);
            int produced = resampler.ResampleOut(output.AsSpan(written), needed, frames, 1);
            if (produced <= 0)
            {
                break;
            }

            written += produced;
        }

        return output[..written];
    }

    /// <summary>RMS level in dB of the middle half, past either resampler's start-up and tail.</summary>
    private static double SteadyRmsDb(float[] signal)
    {
        int from = signal.Length / 4;
        int to = signal.Length * 3 / 4;
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += (double)signal[i] * signal[i];
        }

        return 10 * Math.Log10(sum / (to - from));
    }
}
