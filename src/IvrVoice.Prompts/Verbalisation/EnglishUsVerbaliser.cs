using System.Globalization;
using Humanizer;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Verbalisation;

/// <summary>
/// US English. Numbers: "one hundred five" (no "and": Humanizer's English inserts the British "and" above 100, so
/// only its 0–99 words and 1st–99th ordinals are used, and larger numbers are composed here). Decimals digit by
/// digit after "point"; times "three oh five p.m.", "noon", "midnight"; dates "Thursday, December third, twenty
/// twenty-six"; currencies "twelve dollars and fifty cents"; letters as capitals ("A", "B").
/// </summary>
internal sealed class EnglishUsVerbaliser : LanguageVerbaliser
{
    private static readonly string[] s_months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] s_weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    // (code, major singular, major plural, minor singular, minor plural). The Canadian dollar is qualified because a
    // bare "dollars" means US dollars to a US caller.
    private static readonly (string Code, string One, string Other, string MinorOne, string MinorOther)[] s_currencies =
    [
        ("USD", "dollar", "dollars", "cent", "cents"),
        ("EUR", "euro", "euros", "cent", "cents"),
        ("MXN", "peso", "pesos", "centavo", "centavos"),
        ("GBP", "pound", "pounds", "penny", "pence"),
        ("CAD", "Canadian dollar", "Canadian dollars", "cent", "cents"),
    ];

    private static readonly (long Scale, string Key)[] s_scales = [(1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")];

    public EnglishUsVerbaliser() : base("en-US")
    {
        CultureInfo culture = Culture("en-US");
        for (int n = 0; n < 100; n++)
        {
            Define($"num/{n}", n.ToWords(culture));
        }
        for (int h = 1; h <= 9; h++)
        {
            Define($"num/h{h}", $"{h.ToWords(culture)} hundred");
        }
        foreach ((_, string key) in s_scales)
        {
            Define($"num/{key}", key);
        }
        Define("num/minus", "minus");
        Define("num/point", "point");

        for (int n = 1; n < 100; n++)
        {
            Define($"ord/{n}", n.ToOrdinalWords(culture));
        }
        for (int h = 1; h <= 9; h++)
        {
            Define($"ord/h{h}", $"{h.ToWords(culture)} hundredth");
        }
        foreach ((_, string key) in s_scales)
        {
            Define($"ord/{key}", key + "th");
        }

        DefineSpelling(d => d.ToWords(culture), c => c.ToString());
        DefineCalendar(s_weekdays, s_months);
        Define("date/oh", "oh");
        Define("date/hundred", "hundred");

        Define("time/oh", "oh");
        Define("time/am", "a.m.");
        Define("time/pm", "p.m.");
        Define("time/noon", "noon");
        Define("time/midnight", "midnight");

        Define("cur/and", "and");
        foreach ((string code, string one, string other, string minorOne, string minorOther) in s_currencies)
        {
            DefineCurrency(code, one, other, minorOne, minorOther);
        }

        foreach (string unit in (string[])["hour", "minute", "second"])
        {
            Define($"dur/{unit}", unit);
            Define($"dur/{unit}s", unit + "s");
        }
        Define("dur/and", "and");
    }

    protected override string CurrencyJoinKey => "cur/and";

    protected override IReadOnlyCollection<string> Categories(TemplateValueType type) => type switch
    {
        TemplateValueType.Number => ["num"],
        TemplateValueType.Ordinal => ["num", "ord"],
        TemplateValueType.Digits => ["dig"],
        TemplateValueType.Currency => ["num", "cur"],
        TemplateValueType.Date => ["num", "ord", "day", "mon", "date"],
        TemplateValueType.Time => ["num", "time"],
        TemplateValueType.Duration => ["num", "dur"],
        TemplateValueType.Spell => ["let", "nato", "dig"],
        _ => [],
    };

    // "one hundred twenty-first": the cardinal words with the last one turned into its ordinal.
    protected override IReadOnlyList<SpokenWord> Ordinal(long value, NumberForm form)
    {
        List<SpokenWord> words = [];
        Cardinal(value, form, words);
        words[^1] = W("ord/" + KeyOf(words[^1])["num/".Length..]);
        return words;
    }

    protected override IReadOnlyList<SpokenWord> Date(DateValue value, DateOnly today)
    {
        (bool sayYear, bool sayWeekday) = DateParts(value, today);
        List<SpokenWord> words = [];
        if (sayWeekday)
        {
            words.Add(W($"day/{IsoWeekday(value.Date)}"));
        }
        words.Add(W($"mon/{value.Date.Month}", phrase: sayWeekday));
        words.Add(W($"ord/{value.Date.Day}"));
        if (sayYear)
        {
            int start = words.Count;
            Year(value.Date.Year, words);
            words[start] = words[start] with { PhraseBefore = true };
        }
        return words;
    }

    // 1999 "nineteen ninety-nine", 1905 "nineteen oh five", 1900 "nineteen hundred", 2000 "two thousand",
    // 2007 "two thousand seven", 2026 "twenty twenty-six".
    private void Year(int year, List<SpokenWord> words)
    {
        int high = year / 100, low = year % 100;
        if (year % 1000 == 0 || (high % 10 == 0 && low < 10))
        {
            Cardinal(year, NumberForm.Counting, words);
            return;
        }
        words.Add(W($"num/{high}"));
        if (low == 0)
        {
            words.Add(W("date/hundred"));
        }
        else if (low < 10)
        {
            words.Add(W("date/oh"));
            words.Add(W($"num/{low}"));
        }
        else
        {
            words.Add(W($"num/{low}"));
        }
    }

    protected override IReadOnlyList<SpokenWord> Time(TimeOnly value)
    {
        (int hour, int minute) = (value.Hour, value.Minute);
        if (minute == 0 && hour is 0 or 12)
        {
            return [W(hour == 0 ? "time/midnight" : "time/noon")];
        }
        List<SpokenWord> words = [W($"num/{(hour % 12 == 0 ? 12 : hour % 12)}")];
        if (minute is > 0 and < 10)
        {
            words.Add(W("time/oh"));
        }
        if (minute > 0)
        {
            words.Add(W($"num/{minute}"));
        }
        words.Add(W(hour < 12 ? "time/am" : "time/pm"));
        return words;
    }

    // English numbers have one form.
    protected override void Cardinal(long n, NumberForm form, List<SpokenWord> words)
    {
        if (n == 0)
        {
            words.Add(W("num/0"));
            return;
        }
        foreach ((long scale, string key) in s_scales)
        {
            long group = n / scale % 1000;
            if (group > 0)
            {
                BelowThousand(group, words);
                words.Add(W($"num/{key}"));
            }
        }
        BelowThousand(n % 1000, words);
    }

    private void BelowThousand(long n, List<SpokenWord> words)
    {
        if (n >= 100)
        {
            words.Add(W($"num/h{n / 100}"));
        }
        if (n % 100 > 0)
        {
            words.Add(W($"num/{n % 100}"));
        }
    }
}
