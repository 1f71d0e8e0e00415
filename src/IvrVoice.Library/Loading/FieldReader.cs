using System.Globalization;
using IvrVoice.Library.Flows;
using IvrVoice.Library.Yaml;

namespace IvrVoice.Library.Loading;

/// <summary>
/// Reads the single values of a library file (text, numbers, ids, languages) and the shape of its mappings and lists,
/// reporting where a value is written why it is wrong. Every other reader of a file goes through it.
/// </summary>
internal sealed class FieldReader(DiagnosticBag diagnostics)
{
    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_.");

    private readonly DiagnosticBag _diagnostics = diagnostics;

    public string? ReadLanguage(YamlNode node)
    {
        if (RequiredText(node, "'language'") is not { } language)
        {
            return null;
        }

        if (LibraryRules.IsCanonicalLanguage(language))
        {
            return language;
        }

        string canonical = CanonicalLanguageCase(language);
        _diagnostics.Error(node.Location, LibraryRules.IsCanonicalLanguage(canonical)
            ? $"language {Show.Strict(language)} is not in canonical form; write '{canonical}'"
            : $"language {Show.Strict(language)} is not a BCP 47 tag like en-US or es-419");
        return null;
    }

    /// <summary>
    /// A <c>playback:</c> value (a menu's, or a step's beside <c>announce</c>): <c>stream</c> or <c>play</c>; anything else is
    /// reported where it is written. Null when the value is empty or wrong (the caller then keeps the service's choice).
    /// </summary>
    public MenuPlayback? ReadPlayback(YamlNode node)
    {
        switch (RequiredText(node, "'playback'"))
        {
            case null:
                return null;
            case "stream":
                return MenuPlayback.Stream;
            case "play":
                return MenuPlayback.Play;
            case { } text:
                _diagnostics.Error(node.Location, $"playback must be 'stream' or 'play', not {Show.Text(text)}");
                return null;
        }
    }

    /// <summary>BCP 47 casing: language lower, script title, region upper (en-us, en_US → en-US).</summary>
    private static string CanonicalLanguageCase(string language)
    {
        string[] parts = language.Trim().Replace('_', '-').Split('-');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            parts[i] = i == 0 || part.Length is not (2 or 4) ? part.ToLowerInvariant()
                : part.Length == 2 ? part.ToUpperInvariant()
                : string.Concat(part[..1].ToUpperInvariant(), part[1..].ToLowerInvariant());
        }

        return string.Join('-', parts);
    }

    /// <summary>Reads an id of a prompt, flow or menu; reports why an invalid one is invalid.</summary>
    public string? ReadId(YamlNode node, string kind)
    {
        if (AsScalar(node, kind) is not { } scalar)
        {
            return null;
        }

        string id = scalar.IsNull ? "" : scalar.Value;
        if (IdProblem(id) is { } problem)
        {
            _diagnostics.Error(node.Location, $"{kind} {Show.Strict(id)} is not valid: {problem}");
            return null;
        }

        return id;
    }

    private static string? IdProblem(string id)
    {
        if (LibraryRules.IsValidId(id))
        {
            return null;
        }

        const string Allowed = "(allowed: a-z, 0-9, '-', '_', '.')";
        if (id.Length == 0)
        {
            return "it is empty";
        }

        if (id.Length > LibraryRules.MaxIdLength)
        {
            return $"it is longer than {LibraryRules.MaxIdLength} characters";
        }

        if (id.Any(char.IsAsciiLetterUpper))
        {
            return "it has upper-case letters (ids are lower case)";
        }

        int bad = id.AsSpan().IndexOfAnyExcept(IdCharacters);
        if (bad >= 0)
        {
            return $"it contains {Show.Strict(id[bad].ToString())} {Allowed}";
        }

        return id.StartsWith('.') ? "it starts with '.'"
            : id.EndsWith('.') ? "it ends with '.'"
            : $"{Show.Strict(id.Split('.')[0])} is a device name on Windows";
    }

    public int? ReadInteger(YamlNode node, string what, int min, int max)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }

        if (int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        _diagnostics.Error(node.Location, $"{what} must be a whole number from {min} to {max}, not {Show.Text(scalar.Value)}");
        return null;
    }

    public string? RequiredText(YamlNode node, string what)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }

        if (scalar.IsNull || string.IsNullOrWhiteSpace(scalar.Value))
        {
            _diagnostics.Error(node.Location, $"{what} is empty");
            return null;
        }

        return scalar.Value.Trim();
    }

    public YamlScalar? AsScalar(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlScalar scalar:
                return scalar;
            case YamlInvalid:
                return null;
            default:
                _diagnostics.Error(node.Location, $"{what} must be a single value, not {node.Describe()}");
                return null;
        }
    }

    public YamlMapping? AsMapping(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlMapping mapping:
                return mapping;
            case YamlInvalid:
                return null;
            default:
                _diagnostics.Error(node.Location, $"{what} must be a mapping, not {node.Describe()}");
                return null;
        }
    }

    public YamlSequence? AsSequence(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlSequence sequence:
                return sequence;
            case YamlInvalid:
                return null;
            default:
                _diagnostics.Error(node.Location, $"{what} must be a list, not {node.Describe()}");
                return null;
        }
    }

    public void CheckKeys(YamlMapping map, string context, IReadOnlyCollection<string> allowed)
    {
        foreach ((YamlScalar key, _) in map.Entries)
        {
            if (allowed.Contains(key.Value))
            {
                continue;
            }

            string? closest = Suggestions.Closest(key.Value, allowed);
            _diagnostics.Error(key.Location, closest is null
                ? $"unknown key {Show.Text(key.Value)} in {context}; expected {Show.List(allowed)}"
                : $"unknown key {Show.Text(key.Value)} in {context}; did you mean '{closest}'?");
        }
    }
}
