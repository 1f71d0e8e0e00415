using System.Globalization;
using Humanizer;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Verbalisation;

/// <summary>
/// US Spanish (as spoken in the US and Mexico). Humanizer's Spanish gives correct counting forms ("uno",
/// "veintiuno") and feminine forms ("una", "veintiuna", "doscientas") for 0–999 and ordinals 1st–999th, but no
/// apocope before a masculine noun ("un", "veintiún", "treinta y un", "primer", "tercer"); those rules are here.
/// Also here: "cien" vs "ciento", "un millón" / "millones", and "de" between an exact million and its noun
/// ("un millón de dólares"). Decimals use "punto" (the US/Mexican decimal point), digit by digit.
/// </summary>
internal sealed class SpanishUsVerbaliser : LanguageVerbaliser
{
    private static readonly string[] s_months =
        ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];

    private static readonly string[] s_weekdays = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"];

    // Letter names as said in the Americas; b and v, which sound alike, are told apart the usual way ("be larga",
    // "ve corta"), and w is "doble ve".
    private static readonly string[] s_letters =
    [
        "a", "be larga", "ce", "de", "e", "efe", "ge", "hache", "i", "jota", "ka", "ele", "eme", "ene", "o", "pe", "cu",
        "erre", "ese", "te", "u", "ve corta", "doble ve", "equis", "ye", "zeta",
    ];

    // (code, singular, plural, feminine?, minor singular, minor plural). Minor units are all masculine.
    private static readonly (string Code, string One, string Other, bool Feminine, string MinorOne, string MinorOther)[] s_currencies =
    [
        ("USD", "dólar", "dólares", false, "centavo", "centavos"),
        ("EUR", "euro", "euros", false, "céntimo", "céntimos"),
        ("MXN", "peso", "pesos", false, "centavo", "centavos"),
        ("GBP", "libra", "libras", true, "penique", "peniques"),
        ("CAD", "dólar canadiense", "dólares canadienses", false, "centavo", "centavos"),
    ];

    public SpanishUsVerbaliser() : base("es-US")
    {
        CultureInfo culture = Culture("es-US");
        for (int n = 0; n < 100; n++)
        {
            string counting = n.ToWords(GrammaticalGender.Masculine, culture);
            Define($"num/{n}", counting);
            if (n % 10 == 1 && n != 11)
            {
                Define($"num/{n}.m", Apocope(counting));
                Define($"num/{n}.f", n.ToWords(GrammaticalGender.Feminine, culture));
            }
        }
        Define("num/h1", "cien");
        Define("num/h1+", "ciento");
        for (int h = 2; h <= 9; h++)
        {
            Define($"num/h{h}", (h * 100).ToWords(GrammaticalGender.Masculine, culture));
            Define($"num/h{h}.f", (h * 100).ToWords(GrammaticalGender.Feminine, culture));
        }
        Define("num/thousand", "mil");
        Define("num/million1", "un millón");
        Define("num/millions", "millones");
        Define("num/minus", "menos");
        Define("num/point", "punto");

        for (int n = 1; n < 100; n++)
        {
            string masculine = n.ToOrdinalWords(GrammaticalGender.Masculine, culture);
            Define($"ord/{n}", masculine);
            Define($"ord/{n}.f", n.ToOrdinalWords(GrammaticalGender.Feminine, culture));
            if (Apocope(masculine) != masculine)
            {
                Define($"ord/{n}.m", Apocope(masculine));
            }
        }
        for (int h = 1; h <= 9; h++)
        {
            Define($"ord/h{h}", (h * 100).ToOrdinalWords(GrammaticalGender.Masculine, culture));
            Define($"ord/h{h}.f", (h * 100).ToOrdinalWords(GrammaticalGender.Feminine, culture));
        }

        DefineSpelling(d => d.ToWords(GrammaticalGender.Masculine, culture), c => s_letters[c - 'A']);
        DefineCalendar(s_weekdays, [.. s_months.Select(month => "de " + month)]);
        // The first of the month is "primero" in the Americas ("el primero de marzo"); other days are cardinals.
        Define("date/first", "primero");
        Define("date/de", "de");

        Define("time/h1", "la una");
        for (int h = 2; h <= 12; h++)
        {
            Define($"time/h{h}", "las " + h.ToWords(GrammaticalGender.Feminine, culture));
        }
        Define("time/and", "y");
        Define("time/quarter", "y cuarto");
        Define("time/half", "y media");
        Define("time/night-early", "de la madrugada");
        Define("time/morning", "de la mañana");
        Define("time/afternoon", "de la tarde");
        Define("time/evening", "de la noche");
        Define("time/noon", "mediodía");
        Define("time/midnight", "medianoche");

        Define("cur/with", "con");
        Define("cur/of", "de");
        foreach ((string code, string one, string other, _, string minorOne, string minorOther) in s_currencies)
        {
            DefineCurrency(code, one, other, minorOne, minorOther);
        }

        Define("dur/hour", "hora");
        Define("dur/hours", "horas");
        Define("dur/minute", "minuto");
        Define("dur/minutes", "minutos");
        Define("dur/second", "segundo");
        Define("dur/seconds", "segundos");
        Define("dur/and", "y");
    }

    // Before a masculine noun: uno → un, veintiuno → veintiún, treinta y uno → treinta y un; primero → primer,
    // tercero → tercer (also at the end of compounds: "vigésimo primer").
    private static string Apocope(string words) =>
        words == "uno" ? "un"
        : words.EndsWith("veintiuno", StringComparison.Ordinal) ? words[..^"veintiuno".Length] + "veintiún"
        : words.EndsWith(" uno", StringComparison.Ordinal) ? words[..^1]
        : words.EndsWith("primero", StringComparison.Ordinal) || words.EndsWith("tercero", StringComparison.Ordinal) ? words[..^1]
        : words;

    protected override IReadOnlyCollection<string> Categories(TemplateValueType type) => type switch
    {
        TemplateValueType.Number => ["num"],
        TemplateValueType.Ordinal => ["ord"],
        TemplateValueType.Digits => ["dig"],
        TemplateValueType.Currency => ["num", "cur"],
        TemplateValueType.Date => ["num", "day", "mon", "date"],
        TemplateValueType.Time => ["num", "time"],
        TemplateValueType.Duration => ["num", "dur"],
        TemplateValueType.Spell => ["let", "nato", "dig"],
        _ => [],
    };

    // Formal ordinals stop at 999th ("noningentésimo nonagésimo noveno"); beyond that Spanish speech uses cardinals.
    protected override IReadOnlyList<SpokenWord> Ordinal(long value, NumberForm form)
    {
        if (value > 999)
        {
            throw new VerbalisationException("is out of range for a Spanish ordinal (1 to 999; use number for larger values)");
        }
        string suffix = form switch { NumberForm.Feminine => ".f", NumberForm.Masculine => ".m", _ => "" };
        List<SpokenWord> words = [];
        long hundreds = value / 100, rest = value % 100;
        if (hundreds > 0)
        {
            words.Add(W($"ord/h{hundreds}{(form == NumberForm.Feminine ? ".f" : "")}"));
        }
        if (rest > 0)
        {
            words.Add(Has($"ord/{rest}{suffix}") ? W($"ord/{rest}{suffix}") : W($"ord/{rest}"));
        }
        return words;
    }

    protected override string CurrencyJoinKey => "cur/with";

    // A feminine currency is counted in feminine forms ("una libra", "doscientas libras"); minor units are all masculine.
    protected override NumberForm CurrencyForm(string code, bool minor) =>
        !minor && Array.Find(s_currencies, c => c.Code == code).Feminine ? NumberForm.Feminine : NumberForm.Masculine;

    // "de" between an exact million and its noun: "un millón de dólares", "dos millones de pesos".
    protected override void BeforeCurrencyNoun(long major, List<SpokenWord> words)
    {
        if (major >= 1_000_000 && major % 1_000_000 == 0)
        {
            words.Add(W("cur/of"));
        }
    }

    // "jueves tres de diciembre de dos mil veintiséis"; the article ("el") belongs to the template's own text.
    protected override IReadOnlyList<SpokenWord> Date(DateValue value, DateOnly today)
    {
        (bool sayYear, bool sayWeekday) = DateParts(value, today);
        List<SpokenWord> words = [];
        if (sayWeekday)
        {
            words.Add(W($"day/{IsoWeekday(value.Date)}"));
        }
        words.Add(value.Date.Day == 1 ? W("date/first") : W($"num/{value.Date.Day}"));
        words.Add(W($"mon/{value.Date.Month}"));
        if (sayYear)
        {
            words.Add(W("date/de"));
            Cardinal(value.Date.Year, NumberForm.Counting, words);
        }
        return words;
    }

    // "las tres y cinco de la tarde", "la una y cuarto", "las nueve y media de la mañana"; 00:01–05:59 is
    // "de la madrugada", 06:00–11:59 "de la mañana", 12:01–18:59 "de la tarde", 19:00–23:59 "de la noche".
    protected override IReadOnlyList<SpokenWord> Time(TimeOnly value)
    {
        (int hour, int minute) = (value.Hour, value.Minute);
        if (minute == 0 && hour is 0 or 12)
        {
            return [W(hour == 0 ? "time/midnight" : "time/noon")];
        }
        List<SpokenWord> words = [W($"time/h{(hour % 12 == 0 ? 12 : hour % 12)}")];
        if (minute == 15)
        {
            words.Add(W("time/quarter"));
        }
        else if (minute == 30)
        {
            words.Add(W("time/half"));
        }
        else if (minute > 0)
        {
            words.Add(W("time/and"));
            words.Add(W($"num/{minute}"));
        }
        words.Add(W(hour switch
        {
            < 6 => "time/night-early",
            < 12 => "time/morning",
            < 19 => "time/afternoon",
            _ => "time/evening",
        }));
        return words;
    }

    // "una hora" (hora is feminine), "un minuto", "veintiún minutos".
    protected override NumberForm DurationForm(string unit) => unit == "hour" ? NumberForm.Feminine : NumberForm.Masculine;

    protected override void Cardinal(long n, NumberForm form, List<SpokenWord> words)
    {
        if (n == 0)
        {
            words.Add(W("num/0"));
            return;
        }
        long millions = n / 1_000_000;
        if (millions == 1)
        {
            words.Add(W("num/million1"));
        }
        else if (millions > 1)
        {
            // millón is a masculine noun: "veintiún millones" whatever is counted.
            BelowMillion(millions, NumberForm.Masculine, words);
            words.Add(W("num/millions"));
        }
        BelowMillion(n % 1_000_000, form, words);
    }

    private void BelowMillion(long n, NumberForm form, List<SpokenWord> words)
    {
        long thousands = n / 1000;
        if (thousands == 1)
        {
            words.Add(W("num/thousand"));
        }
        else if (thousands > 1)
        {
            // Before "mil" the counting form shortens: "veintiún mil"; feminine nouns keep "veintiuna mil", "doscientas mil".
            BelowThousand(thousands, form == NumberForm.Feminine ? NumberForm.Feminine : NumberForm.Masculine, words);
            words.Add(W("num/thousand"));
        }
        BelowThousand(n % 1000, form, words);
    }

    private void BelowThousand(long n, NumberForm form, List<SpokenWord> words)
    {
        long hundreds = n / 100, rest = n % 100;
        if (hundreds == 1)
        {
            words.Add(W(rest == 0 ? "num/h1" : "num/h1+"));
        }
        else if (hundreds > 1)
        {
            words.Add(W($"num/h{hundreds}{(form == NumberForm.Feminine ? ".f" : "")}"));
        }
        if (rest > 0)
        {
            string suffix = form switch { NumberForm.Masculine => ".m", NumberForm.Feminine => ".f", _ => "" };
            words.Add(Has($"num/{rest}{suffix}") ? W($"num/{rest}{suffix}") : W($"num/{rest}"));
        }
    }
}
