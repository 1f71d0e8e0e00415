using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace IvrVoice.Providers;

/// <summary>
/// The 30 prebuilt Gemini voices, and the espeak-ng voices. espeak-ng also accepts every Gemini name, mapped to a fixed
/// espeak-ng variant, so a library written for Gemini renders offline with the same voice names.
/// </summary>
public static partial class VoiceCatalog
{
    // Name and the gender of the voice as Google presents it; the gender picks the espeak-ng variant family.
    private static readonly (string Name, bool Female)[] s_gemini =
    [
        ("Zephyr", true), ("Puck", false), ("Charon", false), ("Kore", true), ("Fenrir", false), ("Leda", true),
        ("Orus", false), ("Aoede", true), ("Callirrhoe", true), ("Autonoe", true), ("Enceladus", false), ("Iapetus", false),
        ("Umbriel", false), ("Algieba", false), ("Despina", true), ("Erinome", true), ("Algenib", false), ("Rasalgethi", false),
        ("Laomedeia", true), ("Achernar", true), ("Alnilam", false), ("Schedar", false), ("Gacrux", true), ("Pulcherrima", true),
        ("Achird", false), ("Zubenelgenubi", false), ("Vindemiatrix", true), ("Sadachbia", false), ("Sadaltager", false), ("Sulafat", true),
    ];

    private static readonly FrozenDictionary<string, string> s_byLowerName =
        s_gemini.ToFrozenDictionary(v => v.Name.ToLowerInvariant(), v => v.Name);

    private static readonly FrozenDictionary<string, string> s_espeakVariant = BuildVariants();

    /// <summary>The 30 Gemini voice names in their canonical casing.</summary>
    public static IReadOnlyList<string> GeminiVoices { get; } = [.. s_gemini.Select(v => v.Name)];

    /// <summary>True when <paramref name="voice"/> is a voice of <paramref name="model"/>.</summary>
    public static bool IsKnown(string model, string voice) => Normalize(model, voice) is not null;

    /// <summary>
    /// The voice in its canonical form (Gemini names in their casing, espeak-ng names in lower case), or null when the
    /// model does not have it. Gemini models accept the 30 Gemini names; espeak-ng accepts those and its own
    /// <c>language[+variant]</c> names such as <c>en-us</c> or <c>en-gb+f3</c>.
    /// </summary>
    public static string? Normalize(string model, string voice)
    {
        if (string.IsNullOrWhiteSpace(voice))
        {
            return null;
        }

        string trimmed = voice.Trim();
        string? canonicalModel = ModelCatalog.Normalize(model);
        if (canonicalModel is null)
        {
            return null;
        }

        if (s_byLowerName.TryGetValue(trimmed.ToLowerInvariant(), out string? gemini))
        {
            return gemini;
        }

        if (canonicalModel == ModelCatalog.EspeakNg && EspeakName().IsMatch(trimmed))
        {
            return trimmed.ToLowerInvariant();
        }

        return null;
    }

    /// <summary>
    /// The espeak-ng voice for a normalised voice: a Gemini name becomes the language's voice plus a fixed variant
    /// (female names get f1..f5, male names m1..m7, in catalogue order); an espeak-ng name is used as it is.
    /// </summary>
    internal static string ToEspeakVoice(string normalizedVoice, string espeakLanguage)
    {
        if (s_espeakVariant.TryGetValue(normalizedVoice, out string? variant))
        {
            return $"{espeakLanguage}+{variant}";
        }

        return normalizedVoice;
    }

    /// <summary>True when a normalised voice is one of the 30 Gemini names.</summary>
    internal static bool IsGeminiVoice(string normalizedVoice) => s_byLowerName.ContainsKey(normalizedVoice.ToLowerInvariant());

    private static FrozenDictionary<string, string> BuildVariants()
    {
        Dictionary<string, string> map = new(StringComparer.Ordinal);
        int female = 0;
        int male = 0;
        foreach ((string name, bool isFemale) in s_gemini)
        {
            map[name] = isFemale ? $"f{female++ % 5 + 1}" : $"m{male++ % 7 + 1}";
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    // espeak-ng voice names: a language (en, en-us, en-gb-x-rp, cmn) with an optional +variant (f3, m1, klatt).
    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}(\+[A-Za-z][A-Za-z0-9_]{0,20})?$", RegexOptions.CultureInvariant)]
    private static partial Regex EspeakName();
}
