using System.Globalization;
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

    /// <summary>Appends the words of a whole number, n ≥ 0, in the given form (a language with one form ignores it).</summary>
    protected abstract void Cardinal(long n, NumberForm form, List<SpokenWord> words);

    protected abstract IReadOnlyList<SpokenWord> Ordinal(long value, NumberForm form);

    protected abstract IReadOnlyList<SpokenWord> Date(DateValue value, DateOnly today);

    protected abstract IReadOnlyList<SpokenWord> Time(TimeOnly value);

    /// <summary>The key of the piece between a currency's major and minor amounts ("and", "con").</summary>
    protected abstract string CurrencyJoinKey { get; }

    /// <summary>"num/minus" for a negative value, the whole part as a cardinal, then "num/point" and the decimals digit by digit.</summary>
    protected virtual IReadOnlyList<SpokenWord> Number(decimal value, NumberForm form)
    {
        List<SpokenWord> words = [];
        if (value < 0)
        {
            words.Add(W("num/minus"));
            value = -value;
        }
        Cardinal((long)decimal.Truncate(value), form, words);
        string text = value.ToString(CultureInfo.InvariantCulture);
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            words.Add(W("num/point"));
            foreach (char digit in text[(dot + 1)..])
            {
                words.Add(W($"num/{digit}"));
            }
        }
        return words;
    }

    /// <summary>
    /// The major amount and its noun ("cur/CODE/one" or "other"), then <see cref="CurrencyJoinKey"/> and the minor amount
    /// with its noun; a zero major amount is left out unless the minor one is zero too.
    /// </summary>
    protected virtual IReadOnlyList<SpokenWord> Currency(CurrencyValue value)
    {
        List<SpokenWord> words = [];
        decimal amount = value.Amount;
        if (amount < 0)
        {
            words.Add(W("num/minus"));
            amount = -amount;
        }
        long major = (long)decimal.Truncate(amount);
        long minor = (long)((amount - major) * 100);
        if (major > 0 || minor == 0)
        {
            Cardinal(major, CurrencyForm(value.Code, minor: false), words);
            BeforeCurrencyNoun(major, words);
            words.Add(W($"cur/{value.Code}/{(major == 1 ? "one" : "other")}"));
        }
        if (minor > 0)
        {
            if (major > 0)
            {
                words.Add(W(CurrencyJoinKey));
            }
            Cardinal(minor, CurrencyForm(value.Code, minor: true), words);
            words.Add(W($"cur/{value.Code}/{(minor == 1 ? "minor-one" : "minor-other")}"));
        }
        return words;
    }

    /// <summary>The grammatical form a currency's amount agrees with (its major or minor unit's gender).</summary>
    protected virtual NumberForm CurrencyForm(string code, bool minor) => NumberForm.Counting;

    /// <summary>Words between a major amount and its currency noun (none by default).</summary>
    protected virtual void BeforeCurrencyNoun(long major, List<SpokenWord> words)
    {
    }

    /// <summary>
    /// Hours, minutes and seconds from <see cref="DurationParts"/>, each count with its unit ("dur/hour" or "dur/hours"),
    /// a "dur/and" before the last part and a phrase boundary before each middle one ("one hour, two minutes and ...").
    /// </summary>
    protected virtual IReadOnlyList<SpokenWord> Duration(DurationValue value)
    {
        IReadOnlyList<(string Unit, int Count)> parts = DurationParts(value);
        List<SpokenWord> words = [];
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0 && i == parts.Count - 1)
            {
                words.Add(W("dur/and"));
            }
            int start = words.Count;
            Cardinal(parts[i].Count, DurationForm(parts[i].Unit), words);
            if (i > 0 && i < parts.Count - 1)
            {
                words[start] = words[start] with { PhraseBefore = true };
            }
            words.Add(W($"dur/{parts[i].Unit}{(parts[i].Count == 1 ? "" : "s")}"));
        }
        return words;
    }

    /// <summary>The grammatical form a count of the unit ("hour", "minute", "second") agrees with.</summary>
    protected virtual NumberForm DurationForm(string unit) => NumberForm.Counting;

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

    /// <summary>
    /// The culture Humanizer's words are looked up by. In globalization-invariant mode (no ICU) no culture but the
    /// invariant one exists, and words would silently come out in English, so that is refused with a clear message.
    /// </summary>
    protected static CultureInfo Culture(string name)
    {
        try
        {
            return CultureInfo.GetCultureInfo(name);
        }
        catch (CultureNotFoundException)
        {
            throw new InvalidOperationException(
                $"Template value words need the {name} culture, which this process cannot load: it runs in globalization-invariant " +
                "mode. Install ICU (libicu) and unset DOTNET_SYSTEM_GLOBALIZATION_INVARIANT / InvariantGlobalization.");
        }
    }

    /// <summary>The "dig" pieces for 0 to 9, the "let" pieces for A to Z, and the "nato" pieces (the same in every language).</summary>
    protected void DefineSpelling(Func<int, string> digit, Func<char, string> letter)
    {
        for (int d = 0; d <= 9; d++)
        {
            Define($"dig/{d}", digit(d));
        }
        for (char c = 'A'; c <= 'Z'; c++)
        {
            Define($"let/{c}", letter(c));
        }
        for (char c = 'A'; c <= 'Z'; c++)
        {
            Define($"nato/{c}", NatoAlphabet.Word(c));
        }
    }

    /// <summary>The "day" pieces, Monday (1) to Sunday (7), and the "mon" pieces, January (1) to December (12).</summary>
    protected void DefineCalendar(IReadOnlyList<string> weekdays, IReadOnlyList<string> months)
    {
        for (int i = 0; i < 7; i++)
        {
            Define($"day/{i + 1}", weekdays[i]);
        }
        for (int i = 0; i < 12; i++)
        {
            Define($"mon/{i + 1}", months[i]);
        }
    }

    /// <summary>A currency's four nouns: "cur/CODE/one", "other", "minor-one" and "minor-other".</summary>
    protected void DefineCurrency(string code, string one, string other, string minorOne, string minorOther)
    {
        Define($"cur/{code}/one", one);
        Define($"cur/{code}/other", other);
        Define($"cur/{code}/minor-one", minorOne);
        Define($"cur/{code}/minor-other", minorOther);
    }

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
