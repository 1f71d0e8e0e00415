using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Resampling;

/// <summary>The resampler's physics at 8 kHz output, for every input rate the product meets.</summary>
public class ResamplerQualityTests
{
    public static TheoryData<int> DownsamplingRates => [24_000, 11_025, 16_000, 22_050, 32_000, 44_100, 48_000];

    [Theory, MemberData(nameof(DownsamplingRates))]
    public void Resample_PassbandTones_FlatWithin0p05Db(int inputRate)
    {
        double worst = 0;
        for (double f = 50; f <= 3400; f += 50)
        {
            float[] tone = SignalGenerator.Sine(inputRate / 4, f, inputRate, 10_000, phase: 0.3);
            float[] output = Resampler.Resample(tone, inputRate);
            double gain = Spectrum.ToneAmplitude(Middle(output), f, Resampler.TelephonyRate) / 10_000;
            worst = Math.Max(worst, Math.Abs(Spectrum.Db(gain)));
        }

        Assert.True(worst <= 0.05, $"{inputRate} Hz: passband deviates by {worst:F4} dB");
    }

    [Theory, MemberData(nameof(DownsamplingRates))]
    public void Resample_TonesFrom4p6kHzToNyquist_AttenuatedAtLeast100Db(int inputRate)
    {
        // Every 37 Hz (so the tones do not sit on a grid the filter might favour) up to just below the input Nyquist.
        double worst = double.NegativeInfinity, worstFrequency = 0;
        for (double f = 4600; f < (inputRate / 2.0) - 20; f += 37)
        {
            double level = AliasLevelDb(inputRate, f);
            if (level > worst)
            {
                (worst, worstFrequency) = (level, f);
            }
        }

        Assert.True(worst <= -100, $"{inputRate} Hz: a {worstFrequency} Hz tone leaks at {worst:F1} dB");
    }

    [Theory, MemberData(nameof(DownsamplingRates))]
    public void Resample_TonesFrom4p0To4p6kHz_AttenuatedAtLeast60Db(int inputRate)
    {
        double worst = double.NegativeInfinity, worstFrequency = 0;
        for (double f = 4000; f <= 4600 && f < inputRate / 2.0; f += 10)
        {
            double level = AliasLevelDb(inputRate, f);
            if (level > worst)
            {
                (worst, worstFrequency) = (level, f);
            }
        }

        Assert.True(worst <= -60, $"{inputRate} Hz: a {worstFrequency} Hz tone leaks at {worst:F1} dB");
    }

    [Theory]
    [InlineData(24_000, 8_000)]
    [InlineData(44_100, 8_000)]
    [InlineData(11_025, 8_000)]
    [InlineData(8_000, 16_000)]
    [InlineData(8_000, 24_000)]
    public void Resample_Dc_StaysDc(int inputRate, int outputRate)
    {
        float[] output = Resampler.Resample(SignalGenerator.Dc(inputRate, 12_345f), inputRate, outputRate);

        // Away from the ends (where the signal starts and stops), every output is the input level.
        foreach (float y in output.AsSpan(outputRate / 10, output.Length - (outputRate / 5)))
        {
            Assert.InRange(y, 12_344.99f, 12_345.01f);
        }
    }

    [Theory]
    [InlineData(16_000)]
    [InlineData(24_000)]
    public void Resample_UpsamplingFrom8kHz_PassesTheBandAndRejectsImages(int outputRate)
    {
        double worstPassband = 0, worstImage = double.NegativeInfinity;
        for (double f = 100; f <= 3400; f += 100)
        {
            float[] output = Resampler.Resample(SignalGenerator.Sine(2000, f, 8000, 10_000, 0.7), 8000, outputRate);
            ReadOnlySpan<float> middle = Middle(output);
            worstPassband = Math.Max(worstPassband, Math.Abs(Spectrum.Db(Spectrum.ToneAmplitude(middle, f, outputRate) / 10_000)));
            // Whatever is not the tone (images at 8 kHz - f, 8 kHz + f, ...) relative to the tone's RMS.
            double residual = Spectrum.Rms(Spectrum.RemoveTone(middle, f, outputRate));
            worstImage = Math.Max(worstImage, Spectrum.Db(residual / (10_000 / Math.Sqrt(2))));
        }

        Assert.True(worstPassband <= 0.05, $"passband deviates by {worstPassband:F4} dB");
        Assert.True(worstImage <= -100, $"images at {worstImage:F1} dB");
    }

    [Theory]
    [InlineData(24_000)]
    [InlineData(44_100)]
    [InlineData(16_000)]
    [InlineData(48_000)]
    [InlineData(22_050)]
    [InlineData(11_025)]
    [InlineData(32_000)]
    public void ResampleToMuLaw_SpeechWithNothingIn3p4To4p6kHz_MatchesIdealResamplerAndExactG711(int inputRate)
    {
        int length = inputRate * 3 / 2;
        short[] speech = SignalGenerator.ToPcm16(SignalGenerator.SpeechLike(length, inputRate, seed: 11));
        float[] speechFloat = SignalGenerator.ToFloat(speech);

        byte[] actual = Resampler.ResampleToMuLaw(speech, inputRate);
        double[] ideal = IdealResampler.Resample(speechFloat, inputRate, Resampler.TelephonyRate);

        Assert.Equal(ideal.Length, actual.Length);
        int equal = 0, farthest = 0;
        for (int j = 0; j < actual.Length; j++)
        {
            int distance = Math.Abs(IdealResampler.Level(actual[j]) - IdealResampler.Level(IdealResampler.ExactMuLaw(ideal[j])));
            equal += distance == 0 ? 1 : 0;
            farthest = Math.Max(farthest, distance);
        }

        double share = (double)equal / actual.Length;
        Assert.True(share >= 0.997, $"{inputRate} Hz: {share:P3} of codes equal the ideal's");
        Assert.True(farthest <= 1, $"{inputRate} Hz: a code is {farthest} steps from the ideal's");
    }

    [Fact]
    public void IdealResampler_SpeechLike_MatchesTheSignalEvaluatedBelowTheGap()
    {
        // Checks the oracle itself: an ideal lowpass keeps the harmonics below the gap and drops those above, so its
        // output must equal the closed form evaluated at 8 kHz without the upper harmonics.
        const int rate = 24_000, length = 24_000;
        float[] speech = SignalGenerator.SpeechLike(length, rate, seed: 5);
        double[] oracle = IdealResampler.Resample(speech, rate, 8000);
        double[] exact = SignalGenerator.SpeechLikeBelowGap(length, rate, 5, 8000, oracle.Length);

        double error = 0;
        for (int j = 0; j < oracle.Length; j++)
        {
            error = Math.Max(error, Math.Abs(oracle[j] - exact[j]));
        }

        Assert.True(error < 0.05, $"oracle differs from the closed form by up to {error}");   // float input rounding: ~1e-3
    }

    private static double AliasLevelDb(int inputRate, double frequency)
    {
        const double amplitude = 30_000;
        float[] output = Resampler.Resample(SignalGenerator.Sine(inputRate / 8, frequency, inputRate, amplitude, 1.1), inputRate);
        return Spectrum.Db(Spectrum.Rms(Middle(output)) / (amplitude / Math.Sqrt(2)));
    }

    // The steady state: skips the filter's run-in and run-out (well under 40 ms) at both ends.
    private static ReadOnlySpan<float> Middle(float[] output)
    {
        int skip = output.Length / 5;
        return output.AsSpan(skip, output.Length - (2 * skip));
    }
}
