using IvrVoice.Audio;
using IvrVoice.Providers.Mp3;

namespace IvrVoice.Providers;

/// <summary>
/// <see cref="AudioDecoder"/> plus the compressed formats this layer decodes (MP3, through <see cref="Mp3Decoder"/>).
/// Provider answers and <c>ivrvoice transcode</c> decode through this; other compressed formats stay named, not decoded.
/// </summary>
public static class ProviderAudioDecoder
{
    /// <summary>Decodes WAV, MP3, or headerless PCM in <paramref name="rawFormat"/>, to mono floats on the 16-bit scale.</summary>
    /// <exception cref="AudioFormatException">The bytes are not audio this decoder reads.</exception>
    public static PcmAudio Decode(ReadOnlySpan<byte> data, RawPcmFormat? rawFormat = null, AudioDecodeLimits? limits = null) =>
        IsMp3(data, rawFormat) ? Mp3Decoder.Decode(data, limits) : AudioDecoder.Decode(data, rawFormat, limits);

    /// <summary>
    /// True for MP3: an ID3v2 tag always; a bare MPEG frame sync only when no raw format is declared (headerless PCM can
    /// start with bytes that look like one).
    /// </summary>
    public static bool IsMp3(ReadOnlySpan<byte> data, RawPcmFormat? rawFormat) =>
        rawFormat is null
            ? AudioSniffer.Identify(data) == AudioContainer.Mp3
            : data.Length >= 5 && data.StartsWith("ID3"u8) && data[3] is >= 2 and <= 4;
}
