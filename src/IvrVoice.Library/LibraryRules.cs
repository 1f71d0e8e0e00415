using System.Text.RegularExpressions;

namespace IvrVoice.Library;

/// <summary>
/// The naming and size rules of the library format. Ids of prompts, flows and menus become file names in exports
/// and segments in URLs, so they are restricted to characters that are safe everywhere.
/// </summary>
public static partial class LibraryRules
{
    /// <summary>Longest prompt, flow or menu id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>
    /// Longest prompt text, in Unicode characters after white space is collapsed. A prompt a caller must sit through
    /// for more than about two minutes is a recording, not a prompt; every route accepts this much in one request.
    /// </summary>
    public const int MaxTextLength = 2000;

    /// <summary>Longest style instruction, in Unicode characters.</summary>
    public const int MaxStyleLength = 500;

    /// <summary>The model used when no file names one.</summary>
    public const string DefaultModel = "gemini-3.1-flash-tts";

    /// <summary>
    /// True for 1 to 64 characters from lowercase ASCII letters, digits, '-', '_' and '.', not starting or ending with
    /// '.', and not a name Windows reserves for devices (con, nul, com1, ...).
    /// </summary>
    public static bool IsValidId(string? id) =>
        id is not null && IdPattern().IsMatch(id) && !id.EndsWith('.') && !IsReservedDeviceName(id);

    /// <summary>
    /// True for a BCP 47 tag in canonical case with a language, an optional script and an optional region:
    /// <c>en-US</c>, <c>es-419</c>, <c>zh-Hant-TW</c>, <c>fr</c>.
    /// </summary>
    public static bool IsCanonicalLanguage(string? language) => language is not null && LanguagePattern().IsMatch(language);

    private static bool IsReservedDeviceName(string id)
    {
        // Windows resolves these (and "con.wav") to devices, so an export named after them would fail or worse.
        string stem = id.Split('.')[0];
        return stem is "con" or "prn" or "aux" or "nul"
            || (stem.Length == 4 && (stem.StartsWith("com", StringComparison.Ordinal) || stem.StartsWith("lpt", StringComparison.Ordinal))
                && stem[3] is >= '0' and <= '9');
    }

    [GeneratedRegex(@"^[a-z0-9_-][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();
}
