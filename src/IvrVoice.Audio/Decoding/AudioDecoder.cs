using IvrVoice.Audio.Wav;

namespace IvrVoice.Audio;

/// <summary>
/// Turns a provider's audio body into mono PCM. RIFF/WAVE is recognised by its bytes whatever the caller
/// believes; anything else needs the raw format (from the provider's Content-Type). Compressed containers are
/// named in the error so the provider can be asked for WAV or PCM instead.
/// </summary>
public static class AudioDecoder
{
    /// <summary>Decodes WAV, or headerless PCM in <paramref name="rawFormat"/>, to mono floats on the 16-bit scale.</summary>
    /// <param name="data">The whole body.</param>
    /// <param name="rawFormat">The format of headerless PCM; ignored when the bytes are WAV.</param>
    /// <param name="limits">Size caps; <see cref="AudioDecodeLimits.Default"/> when null.</param>
    /// <exception cref="AudioFormatException">The bytes are not audio this decoder reads; the only exception input can cause.</exception>
    public static PcmAudio Decode(ReadOnlySpan<byte> data, RawPcmFormat? rawFormat = null, AudioDecodeLimits? limits = null)
    {
        limits ??= AudioDecodeLimits.Default;
        limits.Validate();
        if (data.IsEmpty)
        {
            throw new AudioFormatException(AudioErrorKind.Empty, "The audio body is empty.");
        }

        if (data.Length > limits.MaxInputBytes)
        {
            throw new AudioFormatException(AudioErrorKind.TooLarge, $"The audio body is {data.Length} bytes; the limit is {limits.MaxInputBytes} bytes.");
        }

        // Headerless PCM may begin with any two bytes, including an MPEG frame sync, so a declared raw format
        // yields only to the long signatures.
        AudioContainer container = rawFormat is null ? AudioSniffer.Identify(data) : AudioSniffer.IdentifyBySignature(data);
        switch (container)
        {
            case AudioContainer.Wav:
                return WavReader.Read(data, limits);
            case AudioContainer.Unknown when rawFormat is { } format:
                return RawPcmReader.Read(data, format, limits);
            case AudioContainer.Unknown when data.StartsWith("RIFF"u8):
                throw data.Length < 12
                    ? new AudioFormatException(AudioErrorKind.Truncated, "The RIFF header is cut short.")
                    : new AudioFormatException(AudioErrorKind.UnrecognisedContainer, "The RIFF file is not WAVE audio.");
            case AudioContainer.Unknown:
                throw new AudioFormatException(
                    AudioErrorKind.UnrecognisedContainer,
                    $"The audio is not WAV and no raw PCM format was given (it starts with {Convert.ToHexString(data[..Math.Min(4, data.Length)])}).");
            default:
                throw new AudioFormatException(AudioErrorKind.UnsupportedCodec, $"The audio is {Describe(container)}; ask the provider for WAV or PCM.");
        }
    }

    private static string Describe(AudioContainer container) => container switch
    {
        AudioContainer.Mp3 => "MP3",
        AudioContainer.Aac => "AAC (ADTS)",
        AudioContainer.Ogg => "Ogg (Opus or Vorbis)",
        AudioContainer.Flac => "FLAC",
        AudioContainer.Webm => "WebM/Matroska",
        AudioContainer.Mp4 => "MP4/M4A",
        AudioContainer.Aiff => "AIFF",
        _ => container.ToString(),
    };
}
