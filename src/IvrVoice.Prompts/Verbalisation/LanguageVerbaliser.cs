using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Verbalisation;

/// <summary>
/// The words of one language for every value type, built only from the language's own finite vocabulary of pieces.
/// A new language is one new sealed subclass with a public parameterless constructor: <see cref="VerbaliserRegistry"/>
/// finds it by reflection, so nothing else changes. Each subclass defines its pieces in its constructor and speaks
/// values only through <see cref="W"/>, which looks a piece up by key, so every spoken value is by construction
/// joinable from the vocabulary.
/// </summary>
internal abstract class LanguageVerbaliser
{
    private readonly Dictionary<string, VocabularyPiece> _pieces = new(StringComparer.Ordinal);
    private readonly List<(string Category, VocabularyPiece Piece)> _order = [];

    protected LanguageVerbaliser(string language) => Language = language;

    /// <summary>Canonical BCP 47 tag, e.g. en-US.</summary>
    public string Language { get; }

    /// <summary>Every piece the given types can use, in definition order (deterministic).</summary>
    public IReadOnlyList<VocabularyPiece> Vocabulary(TemplateValueType type)
    {
        IReadOnlyCollection<string> categories = Categories(type);
        return _order.Where(e => categories.Contains(e.Category)).Select(e => e.Piece).ToArray();
    }

    /// <summary>Parses the raw value for the placeholder and speaks it.</summary>
    public IReadOnlyList<SpokenWord> Speak(TemplatePlaceholder placeholder, string raw, DateOnly today)
    {
        TemplateValues.CheckCommon(raw, placeholder.Type);
        return placeholder.Type switch
        {
            TemplateValueType.Number => Number(TemplateValues.Number(raw), Form(placeholder)),
            TemplateValueType.Ordinal => Ordinal(TemplateValues.Ordinal(raw), Form(placeholder)),
            TemplateValueType.Digits => Digits(TemplateValues.Digits(raw, placeholder.Option("group"))),
            TemplateValueType.Currency => Currency(TemplateValues.Currency(raw, placeholder.Option("code"))),
            TemplateValueType.Date => Date(TemplateValues.Date(raw, placeholder.Option("year"), placeholder.Option("weekday")), today),
            TemplateValueType.Time => Time(TemplateValues.Time(raw)),
            TemplateValueType.Duration => Duration(TemplateValues.Duration(raw, placeholder.Option("unit"))),
            TemplateValueType.Spell => Spell(TemplateValues.Spell(raw, placeholder.Option("alphabet"))),
            _ => throw new InvalidOperationException("Free text has no pieces; the composer speaks it as it is."),
        };
    }

    /// <summary>The piece categories (first key segment) each type draws on.</summary>
    protected abstract IReadOnlyCollection<string> Categories(TemplateValueType type);

    protected abstract IReadOnlyList<SpokenWord> Number(decimal value, NumberForm form);

    protected abstract IReadOnlyList<SpokenWord> Ordinal(long value, NumberForm form);

    protected abstract IReadOnlyList<SpokenWord> Currency(CurrencyValue value);

    protected abstract IReadOnlyList<SpokenWord> Date(DateValue value, DateOnly today);

    protected abstract IReadOnlyList<SpokenWord> Time(TimeOnly value);

    protected abstract IReadOnlyList<SpokenWord> Duration(DurationValue value);

    /// <summary>Digits one by one from the "dig" pieces, a phrase boundary between groups.</summary>
    protected virtual IReadOnlyList<SpokenWord> Digits(DigitsValue value)
    {
        int[] groups = value.Groups ?? (value.Telephone ? TelephoneGroups(value.Digits) : [value.Digits.Length]);
        List<SpokenWord> words = [];
        int index = 0;
        foreach (int size in groups)
        {
            for (int i = 0; i < size; i++, index++)
            {
                words.Add(W($"dig/{value.Digits[index]}", phrase: i == 0 && index > 0));
            }
        }
        return words;
    }

    /// <summary>North American numbering plan grouping (both en-US and es-US dial it): 3-4, 3-3-4, 1-3-3-4; other lengths ungrouped.</summary>
    protected virtual int[] TelephoneGroups(string digits) => digits.Length switch
    {
        7 => [3, 4],
        10 => [3, 3, 4],
        11 when digits[0] == '1' => [1, 3, 3, 4],
        _ => [digits.Length],
    };

    /// <summary>Letters from "let" (or "nato") pieces and digits from "dig", each its own phrase so they stay apart.</summary>
    protected virtual IReadOnlyList<SpokenWord> Spell(SpellValue value)
    {
        List<SpokenWord> words = [];
        for (int i = 0; i < value.Characters.Length; i++)
        {
            char c = value.Characters[i];
            string key = char.IsAsciiDigit(c) ? $"dig/{c}" : value.Nato ? $"nato/{c}" : $"let/{c}";
            words.Add(W(key, phrase: i > 0));
        }
        return words;
    }

    /// <summary>Whether a date is said with its year and weekday: auto says the year only outside today's year, and the weekday only within a year of today.</summary>
    protected static (bool Year, bool Weekday) DateParts(DateValue value, DateOnly today) =>
    (
        value.Year switch { DatePart.Always => true, DatePart.Never => false, _ => value.Date.Year != today.Year },
        value.Weekday switch { DatePart.Always => true, DatePart.Never => false, _ => Math.Abs(value.Date.DayNumber - today.DayNumber) <= 366 }
    );

    /// <summary>ISO weekday number, Monday = 1 … Sunday = 7.</summary>
    protected static int IsoWeekday(DateOnly date) => date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)date.DayOfWeek;

    /// <summary>Hours, minutes and seconds that are not zero, largest first; the unit the value was given in when all are zero.</summary>
    protected static IReadOnlyList<(string Unit, int Count)> DurationParts(DurationValue value)
    {
        TimeSpan t = value.Length;
        List<(string, int)> parts = [];
        int hours = (int)t.TotalHours;
        if (hours > 0)
        {
            parts.Add(("hour", hours));
        }
        if (t.Minutes > 0)
        {
            parts.Add(("minute", t.Minutes));
        }
        if (t.Seconds > 0)
        {
            parts.Add(("second", t.Seconds));
        }
        if (parts.Count == 0)
        {
            parts.Add((value.Unit.TrimEnd('s'), 0));
        }
        return parts;
    }

    protected static NumberForm Form(TemplatePlaceholder placeholder) => placeholder.Option("gender") switch
    {
        "masculine" => NumberForm.Masculine,
        "feminine" => NumberForm.Feminine,
        _ => NumberForm.Counting,
    };

    protected void Define(string key, string text)
    {
        VocabularyPiece piece = new($"{Language}/{key}", text);
        _pieces.Add(key, piece);
        _order.Add((key[..key.IndexOf('/', StringComparison.Ordinal)], piece));
    }

    /// <summary>The piece for a key; a missing key is a bug in the subclass, never a caller error.</summary>
    protected SpokenWord W(string key, bool phrase = false) =>
        _pieces.TryGetValue(key, out VocabularyPiece? piece)
            ? new SpokenWord(piece, phrase)
            : throw new InvalidOperationException($"{Language} defines no vocabulary piece '{key}'.");

    protected bool Has(string key) => _pieces.ContainsKey(key);

    /// <summary>The key part of a piece id (after "language/").</summary>
    protected string KeyOf(SpokenWord word) => word.Piece.Id[(Language.Length + 1)..];
}
