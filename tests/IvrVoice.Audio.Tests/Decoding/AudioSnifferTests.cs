using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Decoding;

public sealed class AudioSnifferTests
{
    [SkippableTheory]
    [InlineData("52494646000000005741564566", AudioContainer.Wav)]      // RIFF....WAVE
    [InlineData("5246363400000000574156456473", AudioContainer.Wav)]    // RF64....WAVE
    [InlineData("4944330400000000000a", AudioContainer.Mp3)]            // ID3v2.4
    [InlineData("fffb9064000000", AudioContainer.Mp3)]                  // MPEG-1 layer III, 128 kb/s, 44.1 kHz
    [InlineData("fff3a8c4000000", AudioContainer.Mp3)]                  // MPEG-2 layer III
    [InlineData("fff15080002000", AudioContainer.Aac)]                  // ADTS, 44.1 kHz
    [InlineData("4f67675300020000", AudioContainer.Ogg)]
    [InlineData("664c614300000022", AudioContainer.Flac)]
    [InlineData("1a45dfa3a3428681", AudioContainer.Webm)]
    [InlineData("0000001c667479704d344120", AudioContainer.Mp4)]        // ....ftypM4A
    [InlineData("464f524d00000000414946464f", AudioContainer.Aiff)]
    public void Identify_KnownSignature_ReturnsContainer(string hex, AudioContainer expected)
    {
        Assert.Equal(expected, AudioSniffer.Identify(Convert.FromHexString(hex)));
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("52494646")]                     // RIFF cut short
    [InlineData("524946460000000041564920")]     // RIFF....AVI
    [InlineData("0000000000000000")]             // PCM silence
    [InlineData("ffe0000000")]                   // frame sync with reserved layer
    [InlineData("fffbf00000")]                   // MPEG frame sync with bad bitrate index 15
    [InlineData("fffb9c0000")]                   // MPEG frame sync with reserved sample rate
    [InlineData("4944330900")]                   // "ID3" with an impossible version
    public void Identify_NoValidSignature_ReturnsUnknown(string hex)
    {
        Assert.Equal(AudioContainer.Unknown, AudioSniffer.Identify(Convert.FromHexString(hex)));
    }

    [SkippableTheory]
    [InlineData(".mp3", "-c:a", "libmp3lame", AudioContainer.Mp3, "MP3")]
    [InlineData(".mp3", "-c:a", "libmp3lame", AudioContainer.Mp3, "MP3", "-write_xing", "0", "-id3v2_version", "0")]
    [InlineData(".ogg", "-c:a", "libopus", AudioContainer.Ogg, "Ogg")]
    [InlineData(".flac", "-c:a", "flac", AudioContainer.Flac, "FLAC")]
    [InlineData(".aac", "-c:a", "aac", AudioContainer.Aac, "AAC")]
    [InlineData(".webm", "-c:a", "libopus", AudioContainer.Webm, "WebM")]
    [InlineData(".m4a", "-c:a", "aac", AudioContainer.Mp4, "MP4")]
    [InlineData(".aiff", "-c:a", "pcm_s16be", AudioContainer.Aiff, "AIFF")]
    [Trait("Category", "Integration")]
    public void Decode_CompressedFileFromFfmpeg_IsNamedInTheError(string extension, string codecFlag, string codec, AudioContainer expected, string name, params string[] extra)
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);

        using TempDirectory temp = new();
        string path = temp.File("tone" + extension);
        ExternalTools.RunFfmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=0.5:sample_rate=48000", codecFlag, codec, .. extra, path]).EnsureSuccess();
        byte[] bytes = File.ReadAllBytes(path);

        Assert.Equal(expected, AudioSniffer.Identify(bytes));
        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(bytes));
        Assert.Equal(AudioErrorKind.UnsupportedCodec, error.Kind);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("ask the provider for WAV or PCM", error.Message, StringComparison.Ordinal);
    }
}
