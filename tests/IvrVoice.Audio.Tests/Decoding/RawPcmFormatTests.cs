namespace IvrVoice.Audio.Tests.Decoding;

public sealed class RawPcmFormatTests
{
    [Theory]
    [InlineData("audio/L16;codec=pcm;rate=24000", 24000, 1, RawSampleEncoding.S16LE)]        // Gemini's inlineData mimeType
    [InlineData("audio/pcm;rate=24000;channels=1", 24000, 1, RawSampleEncoding.S16LE)]       // OpenRouter's Content-Type
    [InlineData("Audio/L16; rate=\"16000\"; channels=2", 16000, 2, RawSampleEncoding.S16LE)]
    [InlineData("audio/L16;rate=8000;endianness=big-endian", 8000, 1, RawSampleEncoding.S16BE)]
    [InlineData("audio/PCMU", 8000, 1, RawSampleEncoding.MuLaw)]
    [InlineData("audio/basic", 8000, 1, RawSampleEncoding.MuLaw)]
    [InlineData("audio/PCMA;rate=16000", 16000, 1, RawSampleEncoding.ALaw)]
    public void TryParseContentType_KnownRawType_ReturnsFormat(string contentType, int rate, int channels, RawSampleEncoding encoding)
    {
        Assert.True(RawPcmFormat.TryParseContentType(contentType, out RawPcmFormat format));
        Assert.Equal(new RawPcmFormat(rate, channels, encoding), format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("audio/wav")]
    [InlineData("audio/mpeg")]
    [InlineData("audio/pcm")]                         // no rate: cannot be decoded
    [InlineData("audio/L16;rate=0")]
    [InlineData("audio/L16;rate=-8000")]
    [InlineData("audio/L16;rate=fast")]
    [InlineData("audio/L16;rate=24000;channels=0")]
    [InlineData("audio/L16;codec=opus;rate=24000")]
    [InlineData("audio/pcm;rate=99999999999")]
    public void TryParseContentType_NotADecodableRawType_ReturnsFalse(string? contentType)
    {
        Assert.False(RawPcmFormat.TryParseContentType(contentType, out _));
    }

    [Theory]
    [InlineData("s16le", RawSampleEncoding.S16LE)]
    [InlineData("S16BE", RawSampleEncoding.S16BE)]
    [InlineData("f32le", RawSampleEncoding.F32LE)]
    [InlineData("ulaw", RawSampleEncoding.MuLaw)]
    [InlineData("mulaw", RawSampleEncoding.MuLaw)]
    [InlineData("alaw", RawSampleEncoding.ALaw)]
    public void TryParseEncoding_CliName_ReturnsEncoding(string name, RawSampleEncoding expected)
    {
        Assert.True(RawPcmFormat.TryParseEncoding(name, out RawSampleEncoding encoding));
        Assert.Equal(expected, encoding);
    }

    [Fact]
    public void TryParseEncoding_UnknownName_ReturnsFalse()
    {
        Assert.False(RawPcmFormat.TryParseEncoding("s24le", out _));
        Assert.False(RawPcmFormat.TryParseEncoding(null, out _));
    }
}
