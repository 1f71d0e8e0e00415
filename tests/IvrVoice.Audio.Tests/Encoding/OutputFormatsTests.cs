// Not IvrVoice.Audio.Tests.Encoding: a namespace of that name would hide System.Text.Encoding from every test.
namespace IvrVoice.Audio.Tests;

public sealed class OutputFormatsTests
{
    [Theory]
    [InlineData("mulaw-wav", OutputFormat.MuLawWav, ".wav", "audio/wav")]
    [InlineData("alaw-wav", OutputFormat.ALawWav, ".wav", "audio/wav")]
    [InlineData("pcm16-wav", OutputFormat.Pcm16Wav, ".wav", "audio/wav")]
    [InlineData("ulaw", OutputFormat.RawMuLaw, ".ulaw", "audio/basic")]
    [InlineData("alaw", OutputFormat.RawALaw, ".alaw", "application/octet-stream")]
    [InlineData("sln", OutputFormat.RawSln, ".sln", "application/octet-stream")]
    public void TryParse_CliName_RoundTripsWithExtensionAndContentType(string name, OutputFormat expected, string extension, string contentType)
    {
        Assert.True(OutputFormats.TryParse(name, out OutputFormat format));
        Assert.Equal(expected, format);
        Assert.Equal(name, format.Name());
        Assert.Equal(extension, format.FileExtension());
        Assert.Equal(contentType, format.ContentType());
        Assert.Equal(extension == ".wav", format.IsWav());
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
    public void FileExtension_UndefinedValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((OutputFormat)42).FileExtension());
    }
}
