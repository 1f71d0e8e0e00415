using System.Text.RegularExpressions;

namespace IvrVoice.Providers;

/// <summary>How a model marks inline audio tags in text.</summary>
public enum TagDialect
{
    /// <summary>No tags: they are removed before speaking (espeak-ng).</summary>
    None,
    /// <summary><c>[whispers]</c>, Gemini 3.1.</summary>
    SquareBrackets,
    /// <summary><c>&lt;whispers&gt;</c>, Gemini 3.8.</summary>
    AngleBrackets,
}

/// <summary>The canonical model ids and the rules that differ between them. Routes map these ids to their own.</summary>
public static partial class ModelCatalog
{
    public const string Gemini31FlashTts = "gemini-3.1-flash-tts";
    public const string Gemini38FlashTts = "gemini-3.8-flash-tts";
    public const string Gemini38FlashLiteTts = "gemini-3.8-flash-lite-tts";
    public const string EspeakNg = "espeak-ng";

    /// <summary>Every canonical model id.</summary>
    public static IReadOnlyList<string> All { get; } = [Gemini31FlashTts, Gemini38FlashTts, Gemini38FlashLiteTts, EspeakNg];

    /// <summary>Returns the canonical id for <paramref name="model"/> (case-insensitive), or null when it is not a known model.</summary>
    public static string? Normalize(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        string trimmed = model.Trim();
        foreach (string id in All)
        {
            if (string.Equals(id, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return id;
            }
        }

        return null;
    }

    public static bool IsKnown(string model) => Normalize(model) is not null;

    /// <summary>True for the Gemini family, which every gateway route serves (espeak-ng is not Gemini).</summary>
    public static bool IsGemini(string model) => Normalize(model) is { } id && id != EspeakNg;

    /// <summary>Gemini 3.8 rejects temperature with INVALID_ARGUMENT; espeak-ng has none. Only 3.1 accepts it.</summary>
    public static bool AcceptsTemperature(string model) => Normalize(model) == Gemini31FlashTts;

    /// <summary>The tag dialect of a model: square brackets for 3.1, angle brackets for 3.8, none for espeak-ng.</summary>
    public static TagDialect GetTagDialect(string model) => Normalize(model) switch
    {
        Gemini31FlashTts => TagDialect.SquareBrackets,
        Gemini38FlashTts or Gemini38FlashLiteTts => TagDialect.AngleBrackets,
        EspeakNg => TagDialect.None,
        _ => throw new ArgumentException($"Unknown model '{model}'. Known models: {string.Join(", ", All)}.", nameof(model)),
    };

    /// <summary>
    /// Rewrites inline audio tags from one model's dialect to another's (<c>[sighs]</c> ↔ <c>&lt;sighs&gt;</c>), for migrating
    /// a library between models. Tags are removed when the target has no tags. Text outside tags is left as it is.
    /// </summary>
    public static string TranslateTags(string text, string fromModel, string toModel)
    {
        ArgumentNullException.ThrowIfNull(text);
        TagDialect from = GetTagDialect(fromModel);
        TagDialect to = GetTagDialect(toModel);
        if (from == to)
        {
            return text;
        }

        Regex source = from switch
        {
            TagDialect.SquareBrackets => SquareTag(),
            TagDialect.AngleBrackets => AngleTag(),
            _ => AnyTag(),   // text written for espeak-ng has no tags; strip anything that looks like one anyway
        };
        if (to == TagDialect.None)
        {
            return CollapseSpaces(source.Replace(text, " ")).Trim();
        }

        string open = to == TagDialect.SquareBrackets ? "[" : "<";
        string close = to == TagDialect.SquareBrackets ? "]" : ">";
        return source.Replace(text, m => open + m.Groups["tag"].Value + close);
    }

    /// <summary>Removes tags of either dialect, for engines that would read them aloud.</summary>
    internal static string StripTags(string text) => CollapseSpaces(AnyTag().Replace(text, " ")).Trim();

    private static string CollapseSpaces(string text) => Spaces().Replace(text, " ");

    // A tag starts with a letter and holds a few words: "[short pause]", "<sigh>". "[1]" or "a < b" are not tags.
    [GeneratedRegex(@"\[(?<tag>[A-Za-z][A-Za-z ,'\-]{0,40})\]", RegexOptions.CultureInvariant)]
    private static partial Regex SquareTag();

    [GeneratedRegex(@"<(?<tag>[A-Za-z][A-Za-z ,'\-]{0,40})>", RegexOptions.CultureInvariant)]
    private static partial Regex AngleTag();

    [GeneratedRegex(@"\[(?<tag>[A-Za-z][A-Za-z ,'\-]{0,40})\]|<(?<tag>[A-Za-z][A-Za-z ,'\-]{0,40})>", RegexOptions.CultureInvariant)]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"[ \t]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
