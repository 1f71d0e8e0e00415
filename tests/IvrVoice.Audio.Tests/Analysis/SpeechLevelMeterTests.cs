using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;
using Xunit.Abstractions;

namespace IvrVoice.Audio.Tests.Analysis;

/// <summary>The P.56 meter fed in pieces: the same bits as measuring the whole, and still the Recommendation's level.</summary>
public sealed class SpeechLevelMeterTests(ITestOutputHelper output)
{
    /// <summary>
    /// The stated tolerance of the single-precision envelope (docs/audio.md, "Analysis") against the double-precision,
    /// sample-by-sample transcription of P.56: the active level within this many dB ...
    /// </summary>
    public const double LevelToleranceDb = 1e-3;

    /// <summary>... and the active time within this many seconds.</summary>
    public const double ActiveToleranceSeconds = 1e-3;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Add_RandomPieces_SameLevelAndActivityBitForBitAsWhole(int seed)
    {
        float[] x = Signal(8000, 9 * 8000 + 1234, seed);
        (double level, double activity) = SpeechLevel.Measure(x, 8000, 1.7);
        Random random = new(seed);
        SpeechLevelMeter meter = new(8000, 1.7);
        for (int at = 0; at < x.Length;)
        {
            int n = Math.Min(x.Length - at, random.Next(0, 5000));
            meter.Add(x.AsSpan(at, n));
            at += n;
        }

        (double streamed, double streamedActivity) = meter.Finish();

        Assert.Equal(level, streamed);
        Assert.Equal(activity, streamedActivity);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2047)]
    [InlineData(2048)]
    [InlineData(5 * 2048)]
    [InlineData((5 * 2048) + 1)]
    [InlineData((70 * 2048) + 999)]   // long enough to share blocks between two cores
    public void MeasureAll_AnyLength_SameBitsAsAddThenFinish(int length)
    {
        float[] x = Signal(8000, length, 5);
        SpeechLevelMeter fed = new(8000, 1.3);
        fed.Add(x);

        (double level, double activity) = new SpeechLevelMeter(8000, 1.3).MeasureAll(x);

        (double expected, double expectedActivity) = fed.Finish();
        Assert.Equal(expected, level);
        Assert.Equal(expectedActivity, activity);
    }

    [Fact]
    public void MeasureAll_BetweenAnotherMetersPieces_LeavesItsPartialBlockAlone()
    {
        // The per-thread envelope and last-block buffers are scratch: a meter fed in pieces keeps its own partial block.
        float[] x = Signal(8000, (3 * 2048) + 700, 9), other = Signal(8000, 2048 + 300, 4);
        (double expected, double expectedActivity) = SpeechLevel.Measure(x, 8000);
        SpeechLevelMeter pieces = new(8000);
        pieces.Add(x.AsSpan(0, 1000));

        (double otherLevel, _) = new SpeechLevelMeter(8000).MeasureAll(other);
        pieces.Add(x.AsSpan(1000));
        (double level, double activity) = pieces.Finish();

        Assert.True(double.IsFinite(otherLevel));
        Assert.Equal(expected, level);
        Assert.Equal(expectedActivity, activity);
    }

    [Fact]
    public void MeasureAll_OnAMeterAlreadyFed_Throws()
    {
        SpeechLevelMeter meter = new(8000);
        meter.Add(Signal(8000, 10, 1));

        Assert.Throws<InvalidOperationException>(() => meter.MeasureAll(Signal(8000, 100, 1)));
    }

    [Theory]
    [InlineData(8000, 40 * 2048)]
    [InlineData(8000, (300 * 2048) + 1234)]
    [InlineData(24000, 600_000)]
    public void Add_LongPieceOnTwoCores_SameLevelAndActivityBitForBitAsOneCore(int rate, int length)
    {
        float[] x = Signal(rate, length, 7);
        SpeechLevelMeter shared = new(rate, 0.8);
        SpeechLevelMeter alone = new(rate, 0.8) { Parallel = false };
        shared.Add(x.AsSpan(0, 100));   // a partial block first, so the long piece starts by completing it
        shared.Add(x.AsSpan(100));
        alone.Add(x);

        (double level, double activity) = alone.Finish();
        (double sharedLevel, double sharedActivity) = shared.Finish();

        Assert.Equal(level, sharedLevel);
        Assert.Equal(activity, sharedActivity);
        Assert.True(double.IsFinite(level) && activity > 0.1, $"{level} {activity}");
    }

    [Theory]
    [InlineData(8000, 0)]
    [InlineData(8000, 2047)]
    [InlineData(8000, 2048)]
    [InlineData(8000, 2049)]
    [InlineData(8000, 40_961)]
    [InlineData(24000, 100_000)]
    public void Measure_AnyLength_MatchesTheStepByStepRecommendation(int rate, int extra)
    {
        float[] x = Signal(rate, rate + extra, 5);

        AssertWithinTolerance($"{rate} Hz, {x.Length} samples", x, rate, 1);
    }

    public static TheoryData<string> Corpus => [.. CorpusSignals().Select(c => c.Name)];

    // Speech, tones, noise; quiet and loud; shorter than a block to a minute; measured at unit and other gains.
    [Theory, MemberData(nameof(Corpus))]
    public void Measure_VariedCorpus_WithinTheStatedToleranceOfTheDoublePrecisionRecommendation(string name)
    {
        (_, float[] x, int rate, double gain) = CorpusSignals().Single(c => c.Name == name);

        AssertWithinTolerance(name, x, rate, gain);
    }

    [SkippableTheory]
    [InlineData(1.0)]
    [InlineData(0.003)]
    [InlineData(7.5)]
    public void Measure_EspeakNgSpeech_WithinTheStatedToleranceOfTheDoublePrecisionRecommendation(double gain)
    {
        ExternalTools.Require(ExternalTools.EspeakNg);
        byte[] wav = ExternalTools.RunEspeakNg("--stdout", "Thank you for calling. For billing, press one. For appointments, press two. "
            + "To hear these options again, press star.").EnsureSuccess().StandardOutputBytes;
        PcmAudio speech = AudioDecoder.Decode(wav);
        float[] telephone = Resampler.Resample(speech.Samples, speech.SampleRate, 8000);

        AssertWithinTolerance($"espeak-ng {speech.SampleRate} Hz", speech.Samples, speech.SampleRate, gain);
        AssertWithinTolerance("espeak-ng 8 kHz", telephone, 8000, gain);
    }

    // Per lane, every width does the same operations in the same order: the same bits on AVX-512, AVX2 and without SIMD.
    [Theory]
    [InlineData(8000, 80_000, 1.0)]
    [InlineData(8000, (70 * 2048) + 5, 3.3)]
    [InlineData(24000, 100_000, 0.05)]
    public void Measure_EveryVectorWidth_SameLevelAndActivityBitForBit(int rate, int length, double gain)
    {
        float[] x = Signal(rate, length, 11);
        (double level, double activity) = SpeechLevel.Measure(x, rate, gain);
        foreach (int width in new[] { 512, 256, 0 })
        {
            if (width == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                continue;   // the scalar and Vector256 passes still run, and those are the fallbacks of such machines
            }

            SpeechLevelMeter meter = new(rate, gain) { Width = width };
            meter.Add(x);
            (double widthLevel, double widthActivity) = meter.Finish();

            Assert.Equal(level, widthLevel);
            Assert.Equal(activity, widthActivity);
        }
    }

    private void AssertWithinTolerance(string name, float[] x, int rate, double gain)
    {
        (double level, double activity) = SpeechLevel.Measure(x, rate, gain);
        (double expected, double expectedActivity) = P56Oracle.Measure(x, rate, gain);
        double activeError = (activity - expectedActivity) * x.Length / rate;
        output.WriteLine($"{name}: {level:F6} dBov against {expected:F6} ({level - expected:E2} dB), active time {activeError:E2} s apart");

        Assert.InRange(level - expected, -LevelToleranceDb, LevelToleranceDb);
        Assert.InRange(activeError, -ActiveToleranceSeconds, ActiveToleranceSeconds);
    }

    private static IEnumerable<(string Name, float[] Samples, int Rate, double Gain)> CorpusSignals()
    {
        yield return ("speech with pauses, 8 kHz, 12 s", Signal(8000, 12 * 8000, 21), 8000, 1);
        yield return ("speech with pauses, 8 kHz, 12 s, quiet (-50 dB)", Signal(8000, 12 * 8000, 22), 8000, 0.003);
        yield return ("speech with pauses, 8 kHz, 12 s, loud gain 12", Signal(8000, 12 * 8000, 23), 8000, 12);
        yield return ("speech, 16 kHz, 5 s", SignalGenerator.SpeechLike(5 * 16000, 16000, 24), 16000, 1);
        yield return ("speech, 48 kHz, 3 s", SignalGenerator.SpeechLike(3 * 48000, 48000, 25, peak: 30000), 48000, 1);
        yield return ("speech, 8 kHz, 100 samples", SignalGenerator.SpeechLike(100, 8000, 26), 8000, 1);
        yield return ("speech, 8 kHz, a minute", Signal(8000, 60 * 8000, 27), 8000, 0.7);
        yield return ("tone 1 kHz, loud", SignalGenerator.Sine(3 * 8000, 1000, 8000, 30000), 8000, 1);
        yield return ("tone 440 Hz, quiet", SignalGenerator.Sine(3 * 8000, 440, 8000, 40), 8000, 1);
        yield return ("tone 300 Hz, mid", SignalGenerator.Sine(2 * 16000, 300, 16000, 2500), 16000, 1.9);
        yield return ("tone bursts", [.. Enumerable.Range(0, 4).SelectMany(k => SignalGenerator.Sine(1600, 300 + (200 * k), 8000, 3000 * (k + 1)).Concat(new float[2666]))], 8000, 1);
        yield return ("white noise, loud", SignalGenerator.RandomFloats(4 * 8000, 31, 20000), 8000, 1);
        yield return ("white noise, quiet", SignalGenerator.RandomFloats(4 * 8000, 32, 30), 8000, 1);
        yield return ("band-limited noise", SignalGenerator.BandLimitedNoise(4 * 8000, 8000, 300, 3400, 3000, 33), 8000, 1);
        yield return ("noise bursts in silence", NoiseBursts(8000, 6 * 8000, 34), 8000, 2.2);
    }

    private static float[] NoiseBursts(int rate, int length, int seed)
    {
        float[] noise = SignalGenerator.RandomFloats(length, seed, 8000);
        for (int i = 0; i < length; i++)
        {
            noise[i] *= (i / (rate / 4)) % 3 == 0 ? 1 : 0;
        }

        return noise;
    }

    // Speech with pauses and a loud burst, so the envelope crosses many powers of two in every block.
    private static float[] Signal(int rate, int length, int seed)
    {
        float[] speech = SignalGenerator.SpeechLike(length, rate, seed);
        for (int i = 0; i < length; i++)
        {
            double syllable = Math.Sin(2 * Math.PI * 3.1 * i / rate);
            speech[i] *= (float)(syllable > 0.3 ? 1 : syllable > -0.5 ? 0.05 : 0.001);
        }

        return speech;
    }
}
