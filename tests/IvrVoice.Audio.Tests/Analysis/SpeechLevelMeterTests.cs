using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Analysis;

/// <summary>The P.56 meter fed in pieces: the same bits as measuring the whole, and still the Recommendation's level.</summary>
public sealed class SpeechLevelMeterTests
{
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

        (double level, double activity) = SpeechLevel.Measure(x, rate);
        (double expected, double expectedActivity) = P56Oracle.Measure(x, rate);

        // The stated tolerance: the block-parallel recursion differs from the sequential one by rounding only.
        Assert.InRange(level - expected, -1e-9, 1e-9);
        Assert.InRange((activity - expectedActivity) * x.Length / rate, -1e-9, 1e-9);
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
