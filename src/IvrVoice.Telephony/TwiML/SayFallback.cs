using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace IvrVoice.Telephony.TwiML;

/// <summary>
/// Turns a prompt meant for a Gemini voice into a Twilio <c>&lt;Say&gt;</c>, for when the rendered audio is not ready in time:
/// strips Gemini audio tags (Twilio would read them aloud) and picks the closest Twilio voice. The tables are documented in docs/twilio.md.
/// </summary>
public static partial class SayFallback
{
    private const string DefaultLocale = "en-US";

    /// <summary>The 30 Gemini prebuilt voices and whether each sounds female (Google's published genders for the same names).</summary>
    private static readonly FrozenDictionary<string, bool> GeminiVoiceIsFemale = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase)
    {
        ["Achernar"] = true, ["Aoede"] = true, ["Autonoe"] = true, ["Callirrhoe"] = true, ["Despina"] = true,
        ["Erinome"] = true, ["Gacrux"] = true, ["Kore"] = true, ["Laomedeia"] = true, ["Leda"] = true,
        ["Pulcherrima"] = true, ["Sulafat"] = true, ["Vindemiatrix"] = true, ["Zephyr"] = true,
        ["Achird"] = false, ["Algenib"] = false, ["Algieba"] = false, ["Alnilam"] = false, ["Charon"] = false,
        ["Enceladus"] = false, ["Fenrir"] = false, ["Iapetus"] = false, ["Orus"] = false, ["Puck"] = false,
        ["Rasalgethi"] = false, ["Sadachbia"] = false, ["Sadaltager"] = false, ["Schedar"] = false,
        ["Umbriel"] = false, ["Zubenelgenubi"] = false,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Polly neural voices Twilio offers, by locale: (female, male); null where Polly has no neural voice of that gender.</summary>
    private static readonly FrozenDictionary<string, (string? Female, string? Male)> PollyNeural = new Dictionary<string, (string?, string?)>(StringComparer.OrdinalIgnoreCase)
    {
        ["en-US"] = ("Joanna", "Matthew"), ["en-GB"] = ("Amy", "Brian"), ["en-AU"] = ("Olivia", null), ["en-IN"] = ("Kajal", null),
        ["en-IE"] = ("Niamh", null), ["en-NZ"] = ("Aria", null), ["en-ZA"] = ("Ayanda", null),
        ["de-DE"] = ("Vicki", "Daniel"), ["de-AT"] = ("Hannah", null),
        ["fr-FR"] = ("Lea", "Remi"), ["fr-CA"] = ("Gabrielle", "Liam"),
        ["es-ES"] = ("Lucia", "Sergio"), ["es-US"] = ("Lupe", "Pedro"), ["es-MX"] = ("Mia", "Andres"),
        ["it-IT"] = ("Bianca", "Adriano"), ["pt-BR"] = ("Camila", "Thiago"), ["pt-PT"] = ("Ines", null),
        ["nl-NL"] = ("Laura", null), ["nl-BE"] = ("Lisa", null), ["ja-JP"] = ("Kazuha", "Takumi"),
        ["ko-KR"] = ("Seoyeon", null), ["cmn-CN"] = ("Zhiyu", null), ["ar-AE"] = ("Hala", "Zayd"),
        ["hi-IN"] = ("Kajal", null), ["sv-SE"] = ("Elin", null), ["nb-NO"] = ("Ida", null), ["pl-PL"] = ("Ola", null),
        ["da-DK"] = ("Sofie", null), ["fi-FI"] = ("Suvi", null), ["ca-ES"] = ("Arlet", null), ["tr-TR"] = ("Burcu", null),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Locales in which Twilio offers the Google Chirp 3 HD voices.</summary>
    private static readonly FrozenSet<string> Chirp3Locales = new[]
    {
        "ar-XA", "bn-IN", "cmn-CN", "de-DE", "en-AU", "en-GB", "en-IN", "en-US", "es-ES", "es-US", "fr-CA", "fr-FR", "gu-IN", "hi-IN",
        "id-ID", "it-IT", "ja-JP", "kn-IN", "ko-KR", "ml-IN", "mr-IN", "nl-NL", "pl-PL", "pt-BR", "ru-RU", "ta-IN", "te-IN", "th-TH",
        "tr-TR", "vi-VN",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The eight Chirp 3 HD voices Twilio offers; other Gemini voices borrow one of the same gender.</summary>
    private static readonly FrozenSet<string> Chirp3Voices =
        new[] { "Aoede", "Kore", "Leda", "Zephyr", "Charon", "Fenrir", "Orus", "Puck" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Locale used when only a language (or an unsupported region) is given.</summary>
    private static readonly FrozenDictionary<string, string> DefaultRegion = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "en-US", ["de"] = "de-DE", ["fr"] = "fr-FR", ["es"] = "es-ES", ["it"] = "it-IT", ["pt"] = "pt-BR", ["nl"] = "nl-NL",
        ["ja"] = "ja-JP", ["ko"] = "ko-KR", ["zh"] = "cmn-CN", ["cmn"] = "cmn-CN", ["ar"] = "ar-AE", ["hi"] = "hi-IN",
        ["sv"] = "sv-SE", ["nb"] = "nb-NO", ["no"] = "nb-NO", ["pl"] = "pl-PL", ["da"] = "da-DK", ["fi"] = "fi-FI", ["ca"] = "ca-ES",
        ["tr"] = "tr-TR", ["ru"] = "ru-RU", ["id"] = "id-ID", ["vi"] = "vi-VN", ["th"] = "th-TH", ["bn"] = "bn-IN", ["gu"] = "gu-IN",
        ["kn"] = "kn-IN", ["ml"] = "ml-IN", ["mr"] = "mr-IN", ["ta"] = "ta-IN", ["te"] = "te-IN",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The 30 Gemini prebuilt voice names this mapping knows.</summary>
    public static IReadOnlyCollection<string> GeminiVoices => GeminiVoiceIsFemale.Keys;

    /// <summary>
    /// Chooses the Twilio voice closest to <paramref name="geminiVoice"/> speaking <paramref name="language"/>. Never fails:
    /// an unknown voice counts as female, an unknown language falls back to its default region and then to en-US.
    /// </summary>
    /// <param name="geminiVoice">One of the 30 Gemini voice names (any casing), or null.</param>
    /// <param name="language">BCP-47 tag such as <c>en-US</c>, <c>de</c> or <c>pt_BR</c>, or null for en-US.</param>
    /// <param name="family">The voice family to try first; the other one fills gaps.</param>
    public static SayVoice MapVoice(string? geminiVoice, string? language, SayVoiceFamily family = SayVoiceFamily.PollyNeural)
    {
        bool female = geminiVoice is null || !GeminiVoiceIsFemale.TryGetValue(geminiVoice.Trim(), out bool isFemale) || isFemale;
        foreach (string locale in CandidateLocales(language))
        {
            SayVoice? voice = family == SayVoiceFamily.GoogleChirp3HD
                ? Chirp3(geminiVoice, female, locale) ?? Polly(female, locale)
                : Polly(female, locale) ?? Chirp3(geminiVoice, female, locale);
            if (voice is { } found) return found;
        }
        return Polly(female, DefaultLocale)!.Value;
    }

    /// <summary>
    /// Removes Gemini audio tags (<c>[whispers]</c>, <c>[short pause]</c> in 3.1; <c>&lt;sigh&gt;</c>, <c>&lt;/whisper&gt;</c> in 3.8) and tidies
    /// the spaces they leave. A tag starts with a letter, so text such as <c>[1]</c>, <c>a &lt; b</c> or <c>&lt;3</c> is kept.
    /// </summary>
    public static string StripAudioTags(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string stripped = AudioTag().Replace(text, " ");
        stripped = RepeatedSpaces().Replace(stripped, " ");
        stripped = SpaceBeforePunctuation().Replace(stripped, "$1");
        return stripped.Trim();
    }

    internal static TwiMLElement CreateElement(string text, string? geminiVoice, string? language, int? loop, SayVoiceFamily family)
    {
        ArgumentNullException.ThrowIfNull(text);
        string spoken = StripAudioTags(text);
        if (spoken.Length == 0) throw new ArgumentException("The prompt holds only audio tags, so there is nothing for <Say> to speak.", nameof(text));
        SayVoice voice = MapVoice(geminiVoice, language, family);
        return Verbs.Say(spoken, voice.Voice, voice.Language, loop);
    }

    private static SayVoice? Polly(bool female, string locale)
    {
        if (!PollyNeural.TryGetValue(locale, out (string? Female, string? Male) voices)) return null;
        string name = (female ? voices.Female ?? voices.Male : voices.Male ?? voices.Female)!;
        return new SayVoice($"Polly.{name}-Neural", Canonical(locale));
    }

    private static SayVoice? Chirp3(string? geminiVoice, bool female, string locale)
    {
        if (!Chirp3Locales.Contains(locale)) return null;
        string name = geminiVoice is not null && Chirp3Voices.TryGetValue(geminiVoice.Trim(), out string? same) ? same : female ? "Kore" : "Charon";
        string canonical = Canonical(locale);
        return new SayVoice($"Google.{canonical}-Chirp3-HD-{name}", canonical);
    }

    /// <summary>The requested locale, then the language's default region, then en-US.</summary>
    private static IEnumerable<string> CandidateLocales(string? language)
    {
        if (!string.IsNullOrWhiteSpace(language))
        {
            string[] parts = language.Trim().Replace('_', '-').Split('-', StringSplitOptions.RemoveEmptyEntries);
            string primary = parts[0].ToLowerInvariant();
            if (primary == "zh") primary = "cmn";   // Twilio names Mandarin voices cmn-CN
            // Script subtags (zh-Hans-CN) sit between language and region; the region is the last two-letter part.
            string? region = parts.Skip(1).LastOrDefault(p => p.Length == 2)?.ToUpperInvariant();
            if (region is not null) yield return $"{primary}-{region}";
            if (DefaultRegion.TryGetValue(primary, out string? fallback)) yield return fallback;
        }
        yield return DefaultLocale;
    }

    private static string Canonical(string locale)
    {
        int dash = locale.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? locale.ToLowerInvariant() : $"{locale[..dash].ToLowerInvariant()}-{locale[(dash + 1)..].ToUpperInvariant()}";
    }

    // A tag is a bracketed phrase that starts with a letter and stays on one line; 64 characters is far above any real tag.
    // Angle tags must hug their brackets (<sigh>, not < b >), so comparisons in ordinary text survive.
    [GeneratedRegex(@"\[\s*\p{L}[^\[\]\r\n]{0,63}\]|</?\p{L}(?:[\p{L}\p{N} _'\-]{0,62}[\p{L}\p{N}])?/?>", RegexOptions.CultureInvariant)]
    private static partial Regex AudioTag();

    [GeneratedRegex(@"[ \t]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex RepeatedSpaces();

    [GeneratedRegex(@" ([,.;:!?])", RegexOptions.CultureInvariant)]
    private static partial Regex SpaceBeforePunctuation();
}
