using System.Globalization;

namespace IvrVoice.Audio;

/// <summary>How the samples of headerless audio are stored.</summary>
public enum RawSampleEncoding
{
    /// <summary>Signed 16-bit little-endian (Gemini's and OpenRouter's PCM, Asterisk's .sln).</summary>
    S16LE,
    /// <summary>Signed 16-bit big-endian (RFC 3551 L16 as written).</summary>
    S16BE,
    /// <summary>32-bit IEEE float little-endian, full scale ±1.0.</summary>
    F32LE,
    /// <summary>G.711 μ-law, one byte a sample.</summary>
    MuLaw,
    /// <summary>G.711 A-law, one byte a sample.</summary>
    ALaw,
}

/// <summary>The format of headerless PCM, which carries none of its own.</summary>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="Channels">Interleaved channels; decoding downmixes them to mono.</param>
/// <param name="Encoding">Sample encoding.</param>
public readonly record struct RawPcmFormat(int SampleRate, int Channels = 1, RawSampleEncoding Encoding = RawSampleEncoding.S16LE)
{
    /// <summary>Bytes in one sample of one channel.</summary>
    public int BytesPerSample => Encoding switch
    {
        RawSampleEncoding.S16LE or RawSampleEncoding.S16BE => 2,
        RawSampleEncoding.F32LE => 4,
        _ => 1,
    };

    /// <summary>
    /// Reads the format from a provider's Content-Type or MIME type: Gemini's <c>audio/L16;codec=pcm;rate=24000</c>,
    /// OpenRouter's <c>audio/pcm;rate=24000;channels=1</c>, <c>audio/PCMU</c>/<c>audio/PCMA</c> (rate 8000 unless given)
    /// and <c>audio/basic</c> (8 kHz μ-law). A rate is required for L16 and pcm.
    /// </summary>
    /// <remarks>
    /// RFC 3551 defines L16 as big-endian, but Gemini's L16 bytes are little-endian (every official sample writes
    /// them straight into a WAV), so L16 reads as <see cref="RawSampleEncoding.S16LE"/> unless
    /// <c>endianness=big-endian</c> is given.
    /// </remarks>
    public static bool TryParseContentType(string? contentType, out RawPcmFormat format)
    {
        format = default;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        string[] parts = contentType.Split(';');
        string mediaType = parts[0].Trim().ToLowerInvariant();
        int? rate = null;
        int channels = 1;
        bool bigEndian = false;
        for (int i = 1; i < parts.Length; i++)
        {
            int equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            string name = parts[i][..equals].Trim().ToLowerInvariant();
            string value = parts[i][(equals + 1)..].Trim().Trim('"');
            switch (name)
            {
                case "rate":
                    if (!TryParsePositive(value, out int parsedRate))
                    {
                        return false;
                    }

                    rate = parsedRate;
                    break;
                case "channels":
                    if (!TryParsePositive(value, out channels))
                    {
                        return false;
                    }

                    break;
                case "codec" when !value.Equals("pcm", StringComparison.OrdinalIgnoreCase):
                    return false;
                case "endianness":
                    bigEndian = value.Equals("big-endian", StringComparison.OrdinalIgnoreCase);
                    break;
            }
        }

        RawSampleEncoding encoding;
        switch (mediaType)
        {
            case "audio/l16":
                encoding = bigEndian ? RawSampleEncoding.S16BE : RawSampleEncoding.S16LE;
                break;
            case "audio/pcm" or "audio/x-pcm" or "audio/raw" or "audio/x-raw":
                encoding = bigEndian ? RawSampleEncoding.S16BE : RawSampleEncoding.S16LE;
                break;
            case "audio/pcmu" or "audio/basic" or "audio/x-mulaw" or "audio/mulaw" or "audio/ulaw":
                encoding = RawSampleEncoding.MuLaw;
                rate ??= 8000;
                break;
            case "audio/pcma" or "audio/x-alaw" or "audio/alaw" or "audio/x-alaw-basic":
                encoding = RawSampleEncoding.ALaw;
                rate ??= 8000;
                break;
            default:
                return false;
        }

        if (rate is null)
        {
            return false;
        }

        format = new RawPcmFormat(rate.Value, channels, encoding);
        return true;
    }

    /// <summary>Reads an encoding name as the CLI spells it: s16le, s16be, f32le, mulaw (ulaw), alaw.</summary>
    public static bool TryParseEncoding(string? name, out RawSampleEncoding encoding)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "s16le" or "s16" or "sln" or "pcm":
                encoding = RawSampleEncoding.S16LE;
                return true;
            case "s16be":
                encoding = RawSampleEncoding.S16BE;
                return true;
            case "f32le" or "f32":
                encoding = RawSampleEncoding.F32LE;
                return true;
            case "mulaw" or "ulaw" or "u-law" or "pcmu":
                encoding = RawSampleEncoding.MuLaw;
                return true;
            case "alaw" or "a-law" or "pcma":
                encoding = RawSampleEncoding.ALaw;
                return true;
            default:
                encoding = default;
                return false;
        }
    }

    private static bool TryParsePositive(string value, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result > 0;
}
