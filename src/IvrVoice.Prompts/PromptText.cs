using System.Globalization;
using System.Text.RegularExpressions;

namespace IvrVoice.Prompts;

/// <summary>
/// The text and language rules every way into a render shares: the library loader, the API, announcements, the call flows'
/// &lt;Say&gt; fallback. One place, so a text the library refuses is refused everywhere, and the other way round.
/// </summary>
public static partial class PromptText
{
    /// <summary>The first control character other than tab and line breaks (a NUL, an escape, …), or -1.</summary>
    public static int IndexOfControl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]) && text[i] is not ('\t' or '\n' or '\r'))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when the text has something to speak: more than white space and invisible format characters (U+200B, U+FEFF, …).</summary>
    public static bool HasVisibleText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Why <paramref name="text"/> cannot be spoken (empty or invisible only, over <paramref name="maxLength"/> characters, a
    /// control character), or null when it can. The message names the character by code point, never quotes the text.
    /// </summary>
    public static string? Problem(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasVisibleText(text))
        {
            return "Prompt text is empty.";
        }

        if (text.Length > maxLength)
        {
            return $"Prompt text is {text.Length} characters; the limit is {maxLength} (Prompts:MaxTextLength).";
        }

        int control = IndexOfControl(text);
        return control >= 0
            ? $"Prompt text contains the control character U+{(int)text[control]:X4} at position {control + 1}; remove it."
            : null;
    }

    /// <summary>
    /// True for a BCP 47 tag with a language, an optional script and an optional region, in any case or with '_' for '-':
    /// <c>en-US</c>, <c>es-419</c>, <c>zh-Hant-TW</c>, <c>fr</c>. <paramref name="canonical"/> is its canonical spelling.
    /// </summary>
    public static bool TryCanonicalLanguage(string? language, out string canonical)
    {
        canonical = PromptKeys.NormalizeLanguage(language);
        return LanguagePattern().IsMatch(canonical);
    }

    /// <summary>The error for a language tag that is not BCP 47, with a suggestion.</summary>
    public static string LanguageProblem(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        string first = language.Trim().Split('-', '_')[0].ToLowerInvariant();
        string suggestion = first.Length is 2 or 3 && first.All(char.IsAsciiLetterLower) && CommonRegions.TryGetValue(first, out string? region)
            ? $"{first}-{region}"
            : "en-US";
        return $"Language must be a BCP 47 tag such as en-US or es-419 (language, optional script, optional region); did you mean {suggestion}?";
    }

    private static readonly Dictionary<string, string> CommonRegions = new(StringComparer.Ordinal)
    {
        ["en"] = "US", ["es"] = "US", ["fr"] = "FR", ["de"] = "DE", ["it"] = "IT", ["pt"] = "BR", ["nl"] = "NL", ["ja"] = "JP",
        ["ko"] = "KR", ["zh"] = "CN", ["hi"] = "IN", ["ar"] = "EG", ["ru"] = "RU", ["pl"] = "PL", ["tr"] = "TR", ["sv"] = "SE",
    };

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();
}
