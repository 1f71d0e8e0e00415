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
        PcmLayout layout = Locate(data, rawFormat, limits);
        return new PcmAudio(PcmConverter.ToMono(data.Slice(layout.Offset, layout.Length), layout.Sample, layout.Channels), layout.SampleRate);
    }

    /// <summary>
    /// Finds 16-bit little-endian mono samples in the body without converting them, for paths that resample straight
    /// from int16 (16-bit mono WAV, or raw s16le mono). The same input is rejected with the same
    /// <see cref="AudioFormatException"/> as <see cref="Decode"/>; valid audio in any other layout returns false,
    /// and the caller uses <see cref="Decode"/>.
    /// </summary>
    /// <param name="samples">The byte range of whole samples: <c>MemoryMarshal.Cast&lt;byte, short&gt;(data[samples])</c>.</param>
    public static bool TryLocatePcm16Mono(
        ReadOnlySpan<byte> data, RawPcmFormat? rawFormat, out Range samples, out int sampleRate, AudioDecodeLimits? limits = null)
    {
        PcmLayout layout = Locate(data, rawFormat, limits ?? AudioDecodeLimits.Default);
        bool pcm16Mono = layout.Sample == SampleFormat.S16LE && layout.Channels == 1 && BitConverter.IsLittleEndian;
        samples = pcm16Mono ? new Range(layout.Offset, layout.Offset + layout.Length) : default;
        sampleRate = pcm16Mono ? layout.SampleRate : 0;
        return pcm16Mono;
    }

    internal static PcmLayout Locate(ReadOnlySpan<byte> data, RawPcmFormat? rawFormat, AudioDecodeLimits limits)
    {
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
                return WavReader.ReadLayout(data, limits);
            case AudioContainer.Unknown when rawFormat is { } format:
                return RawPcmReader.ReadLayout(data, format, limits);
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
