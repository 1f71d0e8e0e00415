using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Mastering;

/// <summary>
/// The limiter, which skips runs of unit gain, against its definition run sample by sample (four plain loops written here
/// from the description in TelephonyMastering: needed gain, forward release, backward attack, scaled and clamped output).
/// </summary>
public sealed class LimiterGainsTests
{
    [Theory]
    [InlineData(1, 40, 4000)]      // sparse peaks in quiet speech-level noise: long runs of unit gain between them
    [InlineData(2, 2000, 4000)]    // dense peaks: the recursions run almost everywhere
    [InlineData(3, 3, 0)]          // silence with three peaks: a gain run reaches the signal's ends
    [InlineData(4, 0, 12000)]      // nothing above the ceiling
    public void Limit_AnySignal_SameSamplesBitForBitAsTheDefinition(int seed, int peaks, float amplitude)
    {
        const float ceiling = 8000;
        float[] x = SignalGenerator.RandomFloats(30_000, seed, amplitude: amplitude);
        Random random = new(seed);
        for (int i = 0; i < peaks; i++)
        {
            x[random.Next(x.Length)] = (random.Next(2) == 0 ? -1 : 1) * (8000 + random.Next(24_000));
        }

        x[0] = peaks > 0 ? 30_000 : x[0];   // a peak at the very start and end: the passes' edges
        x[^1] = peaks > 0 ? -30_000 : x[^1];
        float[] expected = Definition(x, 8000, ceiling);
        float[] limited = (float[])x.Clone();

        TelephonyMastering.Limit(limited, 8000, ceiling);

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), limited.Select(BitConverter.SingleToInt32Bits));
        Assert.All(limited, v => Assert.InRange(v, -ceiling, ceiling));
    }

    [Fact]
    public void Limit_NaNSample_StaysNaNAndLeavesItsNeighboursAsTheDefinition()
    {
        float[] x = SignalGenerator.RandomFloats(2_000, 5, amplitude: 9000);
        x[700] = float.NaN;
        float[] expected = Definition(x, 8000, 8000);

        TelephonyMastering.Limit(x, 8000, 8000);

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), x.Select(BitConverter.SingleToInt32Bits));
        Assert.True(float.IsNaN(x[700]));
    }

    private static float[] Definition(float[] x, int rate, float ceiling)
    {
        float[] gain = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float magnitude = Math.Abs(x[i]);
            gain[i] = magnitude > ceiling ? ceiling / magnitude : 1f;
        }

        float release = 1f / (int)(TelephonyMastering.ReleaseSeconds * rate);
        for (int i = 1; i < gain.Length; i++)
        {
            gain[i] = Math.Min(gain[i], gain[i - 1] + release);
        }

        float attack = 1f / (int)(TelephonyMastering.AttackSeconds * rate);
        for (int i = gain.Length - 2; i >= 0; i--)
        {
            gain[i] = Math.Min(gain[i], gain[i + 1] + attack);
        }

        float[] output = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            output[i] = Math.Clamp(x[i] * gain[i], -ceiling, ceiling);
        }

        return output;
    }
}
