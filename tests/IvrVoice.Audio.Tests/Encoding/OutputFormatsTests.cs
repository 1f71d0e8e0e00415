// Not IvrVoice.Audio.Tests.Encoding: a namespace of that name would hide System.Text.Encoding from every test.
namespace IvrVoice.Audio.Tests;

public sealed class OutputFormatsTests
{
    [Theory]
    [InlineData("mulaw-wav", OutputFormat.MuLawWav, "audio/wav")]
    [InlineData("alaw-wav", OutputFormat.ALawWav, "audio/wav")]
    [InlineData("pcm16-wav", OutputFormat.Pcm16Wav, "audio/wav")]
    [InlineData("ulaw", OutputFormat.RawMuLaw, "audio/basic")]
    [InlineData("alaw", OutputFormat.RawALaw, "application/octet-stream")]
    [InlineData("sln", OutputFormat.RawSln, "application/octet-stream")]
    public void TryParse_CliName_RoundTripsWithContentType(string name, OutputFormat expected, string contentType)
    {
        Assert.True(OutputFormats.TryParse(name, out OutputFormat format));
        Assert.Equal(expected, format);
        Assert.Equal(name, format.Name());
        Assert.Equal(contentType, format.ContentType());
    }

    [Fact]
    public void TryParse_IgnoresCaseAndSpace()
    {
        Assert.True(OutputFormats.TryParse(" MuLaw-WAV ", out OutputFormat format));
        Assert.Equal(OutputFormat.MuLawWav, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mp3")]
    [InlineData("mulaw-wave")]
    public void TryParse_UnknownName_ReturnsFalse(string? name)
    {
        Assert.False(OutputFormats.TryParse(name, out _));
    }

    [Fact]
    public void Names_ListEveryFormatOnce()
    {
        Assert.Equal(Enum.GetValues<OutputFormat>().Length, OutputFormats.Names.Count);
        Assert.Equal(OutputFormats.Names.Count, OutputFormats.Names.Distinct().Count());
    }

    [Fact]
    public void ContentTypeAndName_UndefinedValue_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((OutputFormat)42).Name());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((OutputFormat)42).ContentType());
    }
}
