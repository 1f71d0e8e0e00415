using System.Text.RegularExpressions;

namespace IvrVoice.Prompts.Ssml;

/// <summary>
/// The one gate every incoming text passes before it is rendered (API, announcements, flows, CLI): SSML is translated
/// to plain text the engine reads, or refused; it is never read aloud tag by tag. Plain text passes unchanged.
/// </summary>
public static partial class SpeechText
{
    /// <summary>The SSML elements translated; everything else is refused by name.</summary>
    public static IReadOnlyList<string> SupportedElements { get; } = ["speak", "say-as", "break", "sub", "p", "s"];

    /// <summary>
    /// True when the text looks like SSML: it starts with <c>&lt;speak</c> or <c>&lt;?xml</c>, or holds a tag named
    /// like an SSML element (<c>say-as</c>, <c>break</c>, <c>prosody</c>, …), a tag with attributes, or a self-closing
    /// tag. Gemini 3.8 audio tags such as <c>&lt;sigh&gt;</c> or <c>&lt;/whisper&gt;</c> are not SSML.
    /// </summary>
    public static bool LooksLikeSsml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.TrimStart();
        return trimmed.StartsWith("<speak", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase)
            || SsmlElement().IsMatch(text)
            || TagWithAttributes().IsMatch(text);
    }

    /// <summary>
    /// Returns the text to render: plain text unchanged, or SSML translated. <c>say-as</c> becomes words in
    /// <paramref name="language"/> (interpret-as cardinal/number, ordinal, digits, telephone, characters/spell-out,
    /// date with format, time, currency); <c>break</c> becomes the pause <paramref name="model"/> understands
    /// (Gemini 3.1 <c>[short pause]</c>/<c>[long pause]</c>, Gemini 3.8 <c>&lt;short pause&gt;</c>/<c>&lt;long pause&gt;</c>,
    /// punctuation for espeak-ng or an unknown model); <c>sub</c> becomes its alias; <c>p</c>/<c>s</c> end sentences.
    /// </summary>
    /// <exception cref="PromptRequestException">Malformed XML, an unsupported element, attribute or say-as value; the message names it.</exception>
    public static string Prepare(string text, string? language, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return LooksLikeSsml(text) ? SsmlTranslator.Translate(text, language, model) : text;
    }

    [GeneratedRegex(@"<\s*/?\s*(?:speak|say-as|break|prosody|emphasis|sub|phoneme|audio|p|s|voice|lang|mark|w|lexicon|meta|metadata|desc|token|par|seq|media|(?:amazon|mstts|google):[A-Za-z-]+)\b[^<>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SsmlElement();

    [GeneratedRegex(@"<\s*[A-Za-z][\w:.-]*(?:\s+[\w:.-]+\s*=\s*(?:""[^""]*""|'[^']*'))+\s*/?\s*>|<\s*[A-Za-z][\w:.-]*\s*/>", RegexOptions.CultureInvariant)]
    private static partial Regex TagWithAttributes();
}
