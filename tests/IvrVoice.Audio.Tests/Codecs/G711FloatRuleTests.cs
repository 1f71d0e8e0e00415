using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio.Tests.Codecs;

/// <summary>
/// The rule for real samples: the reference code of the sample truncated toward zero (floor(|y|) with y's sign),
/// saturated to int16, NaN as 0. Expected codes come from audioop's vectors at the integer the rule names.
/// </summary>
public sealed class G711FloatRuleTests
{
    private static G711VectorSet Vectors => G711Vectors.Reference;

    public static TheoryData<float> Fractions => [0.25f, 0.5f, 0.75f, 0.999f];

    [Fact]
    public void MuLawFromFloat_EveryInteger_MatchesAudioop()
    {
        for (int n = short.MinValue; n <= short.MaxValue; n++)
        {
            Assert.True(Vectors.MuLaw(n) == G711.MuLawFromFloat(n), $"μ-law of {n}.0");
            Assert.True(Vectors.ALaw(n) == G711.ALawFromFloat(n), $"A-law of {n}.0");
        }
    }

    [Theory]
    [MemberData(nameof(Fractions))]
    public void MuLawFromFloat_FractionAwayFromZero_TruncatesTowardZero(float fraction)
    {
        for (int n = 0; n <= short.MaxValue; n++)
        {
            Assert.True(Vectors.MuLaw(n) == G711.MuLawFromFloat(n + fraction), $"μ-law of {n} + {fraction}");
            Assert.True(Vectors.MuLaw(-n) == G711.MuLawFromFloat(-n - fraction), $"μ-law of -{n} - {fraction}");
        }
    }

    [Theory]
    [MemberData(nameof(Fractions))]
    public void ALawFromFloat_FractionAwayFromZero_TruncatesTowardZero(float fraction)
    {
        for (int n = 0; n <= short.MaxValue; n++)
        {
            Assert.True(Vectors.ALaw(n) == G711.ALawFromFloat(n + fraction), $"A-law of {n} + {fraction}");
            Assert.True(Vectors.ALaw(-n) == G711.ALawFromFloat(-n - fraction), $"A-law of -{n} - {fraction}");
        }
    }

    [Fact]
    public void MuLawFromFloat_JustBelowNextInteger_StaysInInteger()
    {
        for (int n = 0; n < short.MaxValue; n++)
        {
            float below = MathF.BitDecrement(n + 1);
            Assert.True(Vectors.MuLaw(n) == G711.MuLawFromFloat(below), $"μ-law just below {n + 1}");
            Assert.True(Vectors.MuLaw(-n) == G711.MuLawFromFloat(-below), $"μ-law just above -{n + 1}");
            Assert.True(Vectors.ALaw(-n) == G711.ALawFromFloat(-below), $"A-law just above -{n + 1}");
        }
    }

    [Theory]
    [InlineData(32767.5f)]
    [InlineData(32768f)]
    [InlineData(40000f)]
    [InlineData(1e30f)]
    [InlineData(float.PositiveInfinity)]
    public void FromFloat_AbovePositiveFullScale_Saturates(float sample)
    {
        Assert.Equal(Vectors.MuLaw(32767), G711.MuLawFromFloat(sample));
        Assert.Equal(Vectors.ALaw(32767), G711.ALawFromFloat(sample));
    }

    [Theory]
    [InlineData(-32768.5f)]
    [InlineData(-32769f)]
    [InlineData(-40000f)]
    [InlineData(-1e30f)]
    [InlineData(float.NegativeInfinity)]
    public void FromFloat_BelowNegativeFullScale_Saturates(float sample)
    {
        Assert.Equal(Vectors.MuLaw(-32768), G711.MuLawFromFloat(sample));
        Assert.Equal(Vectors.ALaw(-32768), G711.ALawFromFloat(sample));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0f)]
    [InlineData(0.5f)]
    [InlineData(-0.5f)]
    [InlineData(float.Epsilon)]
    [InlineData(-float.Epsilon)]
    public void FromFloat_NaNOrBelowOneInMagnitude_IsCodeOfZero(float sample)
    {
        Assert.Equal(Vectors.MuLaw(0), G711.MuLawFromFloat(sample));
        Assert.Equal(Vectors.ALaw(0), G711.ALawFromFloat(sample));
    }

    [Fact]
    public void MuLawFromFloat_MinusOneAndAHalf_IsCodeOfMinusOneNotZero()
    {
        // The reference maps -1 (its >> 2 floors to -1) to a negative code, distinct from the code of 0.
        Assert.NotEqual(Vectors.MuLaw(0), Vectors.MuLaw(-1));
        Assert.Equal(Vectors.MuLaw(-1), G711.MuLawFromFloat(-1.5f));
    }
}
