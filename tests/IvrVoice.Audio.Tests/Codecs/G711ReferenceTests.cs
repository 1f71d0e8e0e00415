using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio.Tests.Codecs;

public sealed class G711ReferenceTests
{
    private static G711VectorSet Vectors => G711Vectors.Reference;

    [Fact]
    public void LinearToMuLaw_EveryInt16_MatchesAudioop()
    {
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            Assert.True(Vectors.MuLaw(sample) == G711.LinearToMuLaw((short)sample), $"μ-law of {sample}");
        }
    }

    [Fact]
    public void LinearToALaw_EveryInt16_MatchesAudioop()
    {
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            Assert.True(Vectors.ALaw(sample) == G711.LinearToALaw((short)sample), $"A-law of {sample}");
        }
    }

    [Fact]
    public void MuLawToLinear_EveryCode_MatchesAudioop()
    {
        for (int code = 0; code < 256; code++)
        {
            Assert.Equal(Vectors.MuLawDecoded[code], G711.MuLawToLinear((byte)code));
            Assert.Equal(Vectors.MuLawDecoded[code], G711.DecodeMuLaw((byte)code));
        }
    }

    [Fact]
    public void ALawToLinear_EveryCode_MatchesAudioop()
    {
        for (int code = 0; code < 256; code++)
        {
            Assert.Equal(Vectors.ALawDecoded[code], G711.ALawToLinear((byte)code));
            Assert.Equal(Vectors.ALawDecoded[code], G711.DecodeALaw((byte)code));
        }
    }

    [Fact]
    public void LinearToMuLaw_MinusFullScale_IsCodeZero()
    {
        // NAudio's encoder negates a short and returns 0x7F here; the reference gives the full-scale negative code.
        Assert.Equal(0x00, G711.LinearToMuLaw(short.MinValue));
        Assert.Equal(0x80, G711.LinearToMuLaw(short.MaxValue));
    }

    [Fact]
    public void EncodeScalar_EveryInt16_MatchesAudioop()
    {
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            Assert.True(Vectors.MuLaw(sample) == G711.EncodeMuLaw((short)sample), $"μ-law table of {sample}");
            Assert.True(Vectors.ALaw(sample) == G711.EncodeALaw((short)sample), $"A-law table of {sample}");
        }
    }
}
