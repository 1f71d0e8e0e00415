using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Verbalisation;

internal enum NumberForm
{
    /// <summary>The form used when counting or on its own: Spanish "uno", "veintiuno".</summary>
    Counting,

    /// <summary>Before a masculine noun: Spanish "un", "veintiún", "primer".</summary>
    Masculine,

    /// <summary>Before a feminine noun: Spanish "una", "veintiuna", "primera".</summary>
    Feminine,
}

internal enum DatePart { Auto, Always, Never }

internal sealed record DateValue(DateOnly Date, DatePart Year, DatePart Weekday);

internal sealed record CurrencyValue(decimal Amount, string Code);

internal sealed record DigitsValue(string Digits, int[]? Groups, bool Telephone);

internal sealed record DurationValue(TimeSpan Length, string Unit);

internal sealed record SpellValue(string Characters, bool Nato);

/// <summary>
/// Parses and validates the raw strings callers send for placeholders. Language-independent: every language
/// accepts the same inputs (ISO 8601 dates, 24-hour times, invariant-culture numbers). Reasons never repeat the value.
/// </summary>
internal static partial class TemplateValues
{
    public const decimal MaxMagnitude = 999_999_999_999m;
    public const int MaxTypedLength = 64;
    public const int MaxTextLength = 500;

    public static void CheckCommon(string raw, TemplateValueType type)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new VerbalisationException("is empty");
        }
        int max = type == TemplateValueType.Text ? MaxTextLength : MaxTypedLength;
        if (raw.Length > max)
        {
            throw new VerbalisationException($"is too long (at most {max} characters)");
        }
        foreach (char c in raw)
        {
            if (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                throw new VerbalisationException("contains control or invisible formatting characters");
            }
        }
        if (Markup().IsMatch(raw))
        {
            throw new VerbalisationException("contains markup (tags are never spoken)");
        }
        if (AudioTag().IsMatch(raw))
        {
            throw new VerbalisationException("contains an audio tag in square brackets");
        }
    }

    public static decimal Number(string raw)
    {
        string s = raw.Trim();
        if (!NumberPattern().IsMatch(s))
        {
            throw new VerbalisationException("is not a number (digits with an optional sign and decimal point, e.g. -12.5)");
        }
        string plain = s.Replace(",", "", StringComparison.Ordinal);
        int dot = plain.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && plain.Length - dot - 1 > 6)
        {
            throw new VerbalisationException("has more than 6 decimals");
        }
        if (!decimal.TryParse(plain, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)
            || Math.Abs(value) > MaxMagnitude)
        {
            throw new VerbalisationException("is out of range (at most 999,999,999,999 in magnitude)");
        }
        return value;
    }

    public static long Ordinal(string raw)
    {
        decimal value = Number(raw);
        if (value != decimal.Truncate(value) || value < 1)
        {
            throw new VerbalisationException("is not a whole number of 1 or more, as an ordinal must be");
        }
        return (long)value;
    }

    public static DigitsValue Digits(string raw, string? group)
    {
        string s = raw.Trim();
        if (s.StartsWith('+'))
        {
            s = s[1..];
        }
        string digits = string.Concat(s.Where(c => c is not (' ' or '-' or '.' or '(' or ')')));
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            throw new VerbalisationException("is not a digit string (digits, with optional spaces, hyphens, dots or parentheses)");
        }
        if (digits.Length > 32)
        {
            throw new VerbalisationException("has more than 32 digits");
        }
        int[]? groups = group is null ? null : TemplateOptions.ParseGroups(group);
        if (groups is not null && groups.Sum() != digits.Length)
        {
            throw new VerbalisationException($"has {digits.Length} digits but the grouping {group} needs {groups.Sum()}");
        }
        return new DigitsValue(digits, groups, group == "telephone");
    }

    public static CurrencyValue Currency(string raw, string? templateCode)
    {
        Match match = CurrencyPattern().Match(raw.Trim());
        if (!match.Success)
        {
            throw new VerbalisationException("is not an amount of money with at most two decimals (e.g. 12.50, 12.50 USD or USD 12.50)");
        }
        string? before = match.Groups["before"].Success ? match.Groups["before"].Value.ToUpperInvariant() : null;
        string? after = match.Groups["after"].Success ? match.Groups["after"].Value.ToUpperInvariant() : null;
        if (before is not null && after is not null)
        {
            throw new VerbalisationException("names a currency code twice");
        }
        string? code = before ?? after;
        if (code is not null && templateCode is not null && code != templateCode)
        {
            throw new VerbalisationException($"is in {code} but the template speaks {templateCode}");
        }
        code ??= templateCode;
        if (code is null)
        {
            throw new VerbalisationException("has no currency code (send e.g. 12.50 USD, or set code= in the template)");
        }
        if (!CurrencyCatalog.Codes.Contains(code))
        {
            throw new VerbalisationException($"is in currency '{code}', which is not supported (supported: {string.Join(", ", CurrencyCatalog.Codes)})");
        }
        string amount = match.Groups["amount"].Value.Replace(",", "", StringComparison.Ordinal);
        if (!decimal.TryParse(amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)
            || Math.Abs(value) > MaxMagnitude)
        {
            throw new VerbalisationException("is out of range (at most 999,999,999,999.99 in magnitude)");
        }
        return new CurrencyValue(value, code);
    }

    public static DateValue Date(string raw, string? year, string? weekday)
    {
        string s = raw.Trim();
        if (!DatePattern().IsMatch(s))
        {
            throw new VerbalisationException("is not an ISO 8601 date (yyyy-MM-dd)");
        }
        if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            throw new VerbalisationException("is not a real calendar date");
        }
        if (date.Year is < 1000 or > 2999)
        {
            throw new VerbalisationException("is out of range (years 1000 to 2999)");
        }
        return new DateValue(date, Part(year), Part(weekday));
    }

    public static TimeOnly Time(string raw)
    {
        Match match = TimePattern().Match(raw.Trim());
        if (!match.Success)
        {
            throw new VerbalisationException("is not a 24-hour time (HH:mm)");
        }
        int hour = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int minute = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (hour > 23 || minute > 59)
        {
            throw new VerbalisationException("is out of range (00:00 to 23:59)");
        }
        return new TimeOnly(hour, minute);
    }

    public static DurationValue Duration(string raw, string? unit)
    {
        unit ??= "minutes";
        string s = raw.Trim();
        TimeSpan length;
        if (s.StartsWith('P') || s.StartsWith('p'))
        {
            try
            {
                length = XmlConvert.ToTimeSpan(s.ToUpperInvariant());
            }
            catch (FormatException)
            {
                throw new VerbalisationException("is not an ISO 8601 duration (e.g. PT1M30S) nor a number");
            }
        }
        else
        {
            if (!NumberPattern().IsMatch(s) || !decimal.TryParse(s.Replace(",", "", StringComparison.Ordinal),
                    NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount))
            {
                throw new VerbalisationException($"is not a number of {unit} nor an ISO 8601 duration (e.g. PT1M30S)");
            }
            if (amount < 0)
            {
                throw new VerbalisationException("is negative");
            }
            decimal seconds = amount * unit switch { "hours" => 3600m, "seconds" => 1m, _ => 60m };
            if (seconds > 99 * 3600)
            {
                throw new VerbalisationException("is out of range (at most 99 hours)");
            }
            length = TimeSpan.FromSeconds((double)decimal.Round(seconds, MidpointRounding.AwayFromZero));
        }
        if (length < TimeSpan.Zero)
        {
            throw new VerbalisationException("is negative");
        }
        if (length > TimeSpan.FromHours(99))
        {
            throw new VerbalisationException("is out of range (at most 99 hours)");
        }
        return new DurationValue(TimeSpan.FromSeconds(Math.Round(length.TotalSeconds, MidpointRounding.AwayFromZero)), unit);
    }

    public static SpellValue Spell(string raw, string? alphabet)
    {
        string characters = string.Concat(raw.Where(c => c is not (' ' or '-')));
        if (characters.Length == 0 || !characters.All(char.IsAsciiLetterOrDigit))
        {
            throw new VerbalisationException("can only hold letters A to Z and digits (spaces and hyphens are ignored)");
        }
        if (characters.Length > 32)
        {
            throw new VerbalisationException("has more than 32 characters to spell");
        }
        return new SpellValue(characters.ToUpperInvariant(), alphabet == "nato");
    }

    public static string Text(string raw) => PromptKeys.NormalizeText(raw).Replace('\n', ' ');

    private static DatePart Part(string? option) => option switch
    {
        "always" => DatePart.Always,
        "never" => DatePart.Never,
        _ => DatePart.Auto,
    };

    [GeneratedRegex(@"<\s*/?\s*[A-Za-z!?]")]
    private static partial Regex Markup();

    [GeneratedRegex(@"\[[A-Za-z][^\[\]]{0,40}\]")]
    private static partial Regex AudioTag();

    [GeneratedRegex(@"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^(?:(?<before>[A-Za-z]{3})\s*)?(?<amount>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?)(?:\s*(?<after>[A-Za-z]{3}))?$")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^(\d{1,2}):(\d{2})$")]
    private static partial Regex TimePattern();
}
