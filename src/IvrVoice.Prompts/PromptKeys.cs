using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IvrVoice.Caching;

namespace IvrVoice.Prompts;

/// <summary>
/// Computes a prompt's cache key: SHA-256 over a versioned, length-prefixed encoding of the normalised spec.
/// Length prefixes make ("ab","c") and ("a","bc") differ; field names make a value in one field unable to
/// collide with the same value in another; the version lets the encoding change without silent collisions.
/// </summary>
public static class PromptKeys
{
    /// <summary>Bump when the resampler, encoder, mastering or WAV layout changes what a spec sounds like.</summary>
    public const int PipelineVersion = 1;

    /// <summary>Bump when the encoding below changes.</summary>
    private const string EncodingTag = "ivrvoice.prompt-key/1";

    /// <summary>The spec's key: computed on the first call for each spec instance, then returned from the spec itself.</summary>
    public static PromptKey For(PromptSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Key;
    }

    internal static PromptKey Compute(PromptSpec spec) => PromptKey.FromSha256(SHA256.HashData(CanonicalBytes(spec)));

    /// <summary>The exact bytes hashed; public so golden tests can pin them.</summary>
    public static byte[] CanonicalBytes(PromptSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        List<(string Name, string Value)> fields =
        [
            ("encoding", EncodingTag),
            ("pipeline", PipelineVersion.ToString(CultureInfo.InvariantCulture)),
            ("text", NormalizeText(spec.Text)),
            ("voice", spec.Voice.Trim()),
            ("style", NormalizeText(spec.Style ?? "")),
            ("language", NormalizeLanguage(spec.Language)),
            ("model", spec.Model.Trim().ToLowerInvariant()),
            ("temperature", spec.Temperature is { } t ? t.ToString("R", CultureInfo.InvariantCulture) : ""),
            ("speakers", spec.Speakers.Count.ToString(CultureInfo.InvariantCulture)),
        ];
        foreach (PromptSpeaker speaker in spec.Speakers)
        {
            fields.Add(("speaker.name", speaker.Name.Trim()));
            fields.Add(("speaker.voice", speaker.Voice.Trim()));
        }
        fields.Add(("mastering", spec.Mastering.CanonicalForm()));
        fields.Add(("output", spec.OutputFormat.Trim().ToLowerInvariant()));

        using MemoryStream buffer = new();
        Span<byte> length = stackalloc byte[4];
        foreach ((string name, string value) in fields)
        {
            foreach (string part in (ReadOnlySpan<string>)[name, value])
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(part);
                BinaryPrimitives.WriteInt32BigEndian(length, utf8.Length);
                buffer.Write(length);
                buffer.Write(utf8);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// NFC; within each line every run of white space becomes one space; blank lines go; lines join with "\n".
    /// Line breaks stay because they carry meaning (a two-speaker dialogue is one turn per line); their kind
    /// (CR, LF, CRLF, U+2028) does not.
    /// </summary>
    public static string NormalizeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string nfc = text.Normalize(NormalizationForm.FormC);
        StringBuilder result = new(nfc.Length);
        bool pendingSpace = false, pendingLine = false;
        foreach (char c in nfc)
        {
            if (c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029')
            {
                pendingLine = result.Length > 0;
                pendingSpace = false;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = result.Length > 0 && !pendingLine;
                continue;
            }
            if (pendingLine)
            {
                result.Append('\n');
            }
            else if (pendingSpace)
            {
                result.Append(' ');
            }
            pendingSpace = pendingLine = false;
            result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>BCP-47 casing: language lower case, script title case, region upper case (en-us → en-US).</summary>
    public static string NormalizeLanguage(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return "";
        }
        string[] parts = language.Trim().Replace('_', '-').Split('-');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            parts[i] = i == 0 ? part.ToLowerInvariant()
                : part.Length == 2 ? part.ToUpperInvariant()
                : part.Length == 4 ? char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()
                : part.ToLowerInvariant();
        }
        return string.Join('-', parts);
    }
}
