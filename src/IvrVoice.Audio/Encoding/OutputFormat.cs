namespace IvrVoice.Audio;

/// <summary>The files IvrVoice writes. Telephony output is 8 kHz mono.</summary>
public enum OutputFormat
{
    /// <summary>μ-law WAV (format tag 7, with a fact chunk): what Twilio plays without converting.</summary>
    MuLawWav,
    /// <summary>A-law WAV (format tag 6, with a fact chunk): European trunks.</summary>
    ALawWav,
    /// <summary>16-bit PCM WAV.</summary>
    Pcm16Wav,
    /// <summary>Headerless μ-law, Asterisk's <c>.ulaw</c>.</summary>
    RawMuLaw,
    /// <summary>Headerless A-law, Asterisk's <c>.alaw</c>.</summary>
    RawALaw,
    /// <summary>Headerless signed 16-bit little-endian, Asterisk's <c>.sln</c> (8 kHz).</summary>
    RawSln,
}

/// <summary>Names and content types of <see cref="OutputFormat"/>.</summary>
public static class OutputFormats
{
    /// <summary>The CLI names, in <see cref="OutputFormat"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mulaw-wav", "alaw-wav", "pcm16-wav", "ulaw", "alaw", "sln"];

    /// <summary>Reads a CLI name (<c>mulaw-wav|alaw-wav|pcm16-wav|ulaw|alaw|sln</c>), ignoring case.</summary>
    public static bool TryParse(string? name, out OutputFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "mulaw-wav" or "ulaw-wav":
                format = OutputFormat.MuLawWav;
                return true;
            case "alaw-wav":
                format = OutputFormat.ALawWav;
                return true;
            case "pcm16-wav" or "wav":
                format = OutputFormat.Pcm16Wav;
                return true;
            case "ulaw" or "mulaw":
                format = OutputFormat.RawMuLaw;
                return true;
            case "alaw":
                format = OutputFormat.RawALaw;
                return true;
            case "sln":
                format = OutputFormat.RawSln;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>The CLI name, as <see cref="TryParse"/> reads it.</summary>
    public static string Name(this OutputFormat format) => Names[Index(format)];

    /// <summary>
    /// The HTTP content type: <c>audio/wav</c> for WAV, <c>audio/basic</c> (8 kHz μ-law, RFC 2046) for raw μ-law,
    /// and <c>application/octet-stream</c> for raw A-law and .sln, which have no type players agree on.
    /// </summary>
    public static string ContentType(this OutputFormat format) => format switch
    {
        OutputFormat.RawMuLaw => "audio/basic",
        OutputFormat.RawALaw or OutputFormat.RawSln => "application/octet-stream",
        _ => Index(format) >= 0 ? "audio/wav" : "application/octet-stream",
    };

    private static int Index(OutputFormat format) =>
        (uint)format < (uint)Names.Count ? (int)format : throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format.");
}
