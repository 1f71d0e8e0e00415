using System.Text.RegularExpressions;
using IvrVoice.Prompts.Verbalisation;

namespace IvrVoice.Prompts.Templates;

/// <summary>The options each placeholder type accepts, and what values each option takes. docs/library.md mirrors this table.</summary>
internal static partial class TemplateOptions
{
    private static readonly string[] s_gender = ["masculine", "feminine"];
    private static readonly string[] s_autoAlwaysNever = ["auto", "always", "never"];

    private static readonly Dictionary<TemplateValueType, Dictionary<string, Func<string, string?>>> s_schema = new()
    {
        [TemplateValueType.Text] = [],
        [TemplateValueType.Number] = new() { ["gender"] = v => OneOf("gender", v, s_gender) },
        [TemplateValueType.Ordinal] = new() { ["gender"] = v => OneOf("gender", v, s_gender) },
        [TemplateValueType.Digits] = new() { ["group"] = CheckGroup },
        [TemplateValueType.Currency] = new() { ["code"] = v => OneOf("code", v, CurrencyCatalog.Codes) },
        [TemplateValueType.Date] = new()
        {
            ["year"] = v => OneOf("year", v, s_autoAlwaysNever),
            ["weekday"] = v => OneOf("weekday", v, s_autoAlwaysNever),
        },
        [TemplateValueType.Time] = [],
        [TemplateValueType.Duration] = new() { ["unit"] = v => OneOf("unit", v, ["minutes", "seconds", "hours"]) },
        [TemplateValueType.Spell] = new() { ["alphabet"] = v => OneOf("alphabet", v, ["letters", "nato"]) },
    };

    /// <summary>Type names as written in templates.</summary>
    public static readonly IReadOnlyDictionary<string, TemplateValueType> TypeNames = Enum.GetValues<TemplateValueType>()
        .ToDictionary(t => t.ToString().ToLowerInvariant(), t => t, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Known(TemplateValueType type) => s_schema[type].Keys;

    /// <summary>Null when the option is known and its value valid; otherwise the problem.</summary>
    public static string? Check(TemplateValueType type, string name, string value)
    {
        string typeName = type.ToString().ToLowerInvariant();
        if (!s_schema[type].TryGetValue(name, out Func<string, string?>? check))
        {
            IReadOnlyCollection<string> known = Known(type);
            return known.Count == 0
                ? $"unknown option '{name}': type {typeName} takes no options"
                : $"unknown option '{name}' for type {typeName} (known: {string.Join(", ", known)})";
        }
        return check(value);
    }

    private static string? OneOf(string option, string value, IReadOnlyCollection<string> allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? null : $"option '{option}' must be one of {string.Join(", ", allowed)}";

    private static string? CheckGroup(string value) =>
        value == "telephone" || GroupPattern().IsMatch(value)
            ? null
            : "option 'group' must be 'telephone' or group sizes such as 3-3-4 (each 1 to 20)";

    /// <summary>Group sizes from 3-3-4; null for "telephone".</summary>
    public static int[]? ParseGroups(string value) =>
        value == "telephone" ? null : value.Split('-').Select(int.Parse).ToArray();

    [GeneratedRegex("^(?:[1-9]|1[0-9]|20)(?:-(?:[1-9]|1[0-9]|20))*$")]
    private static partial Regex GroupPattern();
}
