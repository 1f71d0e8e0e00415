using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using IvrVoice.Prompts.Templates;
using IvrVoice.Prompts.Verbalisation;
using IvrVoice.Providers;

namespace IvrVoice.Prompts.Ssml;

/// <summary>Walks the SSML with a DTD-free XmlReader and writes plain text; refuses anything outside the subset.</summary>
internal static partial class SsmlTranslator
{
    private const int MaxDepth = 16;

    public static string Translate(string text, string? language, string? model)
    {
        string source = text.TrimStart().StartsWith("<speak", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith("<?xml", StringComparison.Ordinal)
            ? text
            : $"<speak>{text}</speak>";
        XmlReaderSettings settings = new()
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = 1_000_000,
        };
        StringBuilder output = new();
        try
        {
            // Vendor prefixes are declared so Polly's and Azure's extensions are refused by name, not as malformed XML.
            XmlNamespaceManager namespaces = new(new NameTable());
            foreach (string prefix in (string[])["amazon", "mstts", "google"])
            {
                namespaces.AddNamespace(prefix, $"urn:ivrvoice:ssml-vendor:{prefix}");
            }
            using XmlReader reader = XmlReader.Create(new StringReader(source), settings, new XmlParserContext(null, namespaces, null, XmlSpace.None));
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "speak")
            {
                throw Refuse($"the root element must be <speak>, not <{reader.Name}>");
            }
            CheckAttributes(reader, "speak", ["version", "lang", "xmlns", "base", "onlangfailure"]);
            if (reader.IsEmptyElement)
            {
                return "";
            }
            reader.Read();
            Content(reader, output, language, model, depth: 1);
        }
        catch (XmlException e)
        {
            throw Refuse($"malformed XML at line {e.LineNumber}, position {e.LinePosition}: {FirstSentence(e.Message)}");
        }
        return Tidy(output.ToString());
    }

    // Reads sibling nodes until the parent's end tag (or the document's end).
    private static void Content(XmlReader reader, StringBuilder output, string? language, string? model, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Refuse($"elements are nested more than {MaxDepth} deep");
        }
        while (!reader.EOF && reader.NodeType != XmlNodeType.EndElement)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    output.Append(reader.Value);
                    reader.Read();
                    break;
                case XmlNodeType.Element:
                    Element(reader, output, language, model, depth);
                    break;
                default:
                    reader.Read();
                    break;
            }
        }
        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }
    }

    private static void Element(XmlReader reader, StringBuilder output, string? language, string? model, int depth)
    {
        string name = reader.Name;
        switch (name)
        {
            case "break":
                CheckAttributes(reader, name, ["time", "strength"]);
                string pause = Pause(reader.GetAttribute("time"), reader.GetAttribute("strength"), model);
                output.Append(' ').Append(pause).Append(' ');
                Skip(reader, name, allowText: false);
                break;
            case "say-as":
                CheckAttributes(reader, name, ["interpret-as", "format", "detail"]);
                string interpretAs = reader.GetAttribute("interpret-as") ?? throw Refuse("<say-as> needs an interpret-as attribute");
                string? format = reader.GetAttribute("format");
                string? detail = reader.GetAttribute("detail");
                string value = TextOnly(reader, name);
                output.Append(' ').Append(SayAs(interpretAs, format, detail, value, language)).Append(' ');
                break;
            case "sub":
                CheckAttributes(reader, name, ["alias"]);
                string alias = reader.GetAttribute("alias") ?? throw Refuse("<sub> needs an alias attribute");
                TextOnly(reader, name);
                output.Append(alias);
                break;
            case "p" or "s":
                CheckAttributes(reader, name, ["lang"]);
                output.Append(' ');
                if (reader.IsEmptyElement)
                {
                    reader.Read();
                    break;
                }
                reader.Read();
                StringBuilder inner = new();
                Content(reader, inner, language, model, depth + 1);
                string sentence = inner.ToString().Trim();
                output.Append(sentence);
                if (sentence.Length > 0 && !EndsSentence(sentence))
                {
                    output.Append('.');
                }
                output.Append(' ');
                break;
            default:
                throw Refuse($"element <{name}> is not supported (supported: {string.Join(", ", SpeechText.SupportedElements)})");
        }
    }

    private static string SayAs(string interpretAs, string? format, string? detail, string value, string? language)
    {
        (TemplateValueType type, Dictionary<string, string> options, string raw) = interpretAs.ToLowerInvariant() switch
        {
            "cardinal" or "number" => (TemplateValueType.Number, new Dictionary<string, string>(), value),
            "ordinal" => (TemplateValueType.Ordinal, [], value),
            "digits" => (TemplateValueType.Digits, [], value),
            "telephone" => (TemplateValueType.Digits, new() { ["group"] = "telephone" }, value),
            "characters" or "spell-out" => (TemplateValueType.Spell, [], value),
            "time" => (TemplateValueType.Time, [], value),
            "currency" => (TemplateValueType.Currency, CurrencyOptions(detail ?? format), value),
            "date" => DateSayAs(format, value),
            _ => throw Refuse($"<say-as interpret-as=\"{Clip(interpretAs)}\"> is not supported (supported: cardinal, number, ordinal, digits, telephone, characters, spell-out, date, time, currency)"),
        };
        LanguageVerbaliser verbaliser = VerbaliserRegistry.Find(language)
            ?? throw Refuse($"<say-as> needs a language that values can be spoken in ({string.Join(", ", VerbaliserRegistry.Languages)}), not '{PromptKeys.NormalizeLanguage(language)}'");
        TemplatePlaceholder placeholder = new("say-as", type, options, 0);
        try
        {
            return SpokenText(verbaliser.Speak(placeholder, raw, DateOnly.FromDayNumber(0)));
        }
        catch (VerbalisationException e)
        {
            throw Refuse($"<say-as interpret-as=\"{interpretAs}\"> value {e.Message}");
        }
    }

    private static string SpokenText(IReadOnlyList<SpokenWord> words)
    {
        StringBuilder text = new();
        for (int i = 0; i < words.Count; i++)
        {
            if (i > 0)
            {
                text.Append(words[i].PhraseBefore ? ", " : " ");
            }
            text.Append(words[i].Piece.Text);
        }
        return text.ToString();
    }

    private static Dictionary<string, string> CurrencyOptions(string? code) =>
        code is null ? [] : CurrencyCatalog.Codes.Contains(code.ToUpperInvariant())
            ? new() { ["code"] = code.ToUpperInvariant() }
            : throw Refuse($"<say-as interpret-as=\"currency\"> currency '{Clip(code)}' is not supported (supported: {string.Join(", ", CurrencyCatalog.Codes)})");

    // SSML 1.0 say-as date formats (W3C say-as note): the order of day, month and year in the text. A date without a
    // year is checked against a leap year so 29 February passes, and spoken without its year.
    private static (TemplateValueType, Dictionary<string, string>, string) DateSayAs(string? format, string value)
    {
        string[] parts = DateSeparators().Split(value.Trim());
        string fmt = (format ?? (parts.Length == 3 && parts[0].Length == 4 ? "ymd" : "mdy")).ToLowerInvariant();
        if (fmt is not ("ymd" or "mdy" or "dmy" or "md" or "dm") || parts.Length != fmt.Length || !parts.All(p => p.Length is > 0 and <= 4 && p.All(char.IsAsciiDigit)))
        {
            throw Refuse(fmt is "ymd" or "mdy" or "dmy" or "md" or "dm"
                ? $"<say-as interpret-as=\"date\"> value does not match format {fmt} (e.g. 12/03/2026 for mdy)"
                : $"<say-as interpret-as=\"date\" format=\"{Clip(fmt)}\"> is not supported (supported formats: ymd, mdy, dmy, md, dm)");
        }
        int Part(char c) => int.Parse(parts[fmt.IndexOf(c, StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        bool hasYear = fmt.Contains('y', StringComparison.Ordinal);
        string iso = string.Create(CultureInfo.InvariantCulture, $"{(hasYear ? Part('y') : 2000):D4}-{Part('m'):D2}-{Part('d'):D2}");
        return (TemplateValueType.Date, new() { ["year"] = hasYear ? "always" : "never", ["weekday"] = "never" }, iso);
    }

    // SSML strengths: none, x-weak, weak, medium (the default), strong, x-strong; a time wins over a strength.
    private static string Pause(string? time, string? strength, string? model)
    {
        double milliseconds;
        if (time is not null)
        {
            Match match = BreakTime().Match(time.Trim());
            if (!match.Success)
            {
                throw Refuse($"<break time=\"{Clip(time)}\"> is not a time such as 500ms or 1.5s");
            }
            milliseconds = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * (match.Groups[2].Value == "s" ? 1000 : 1);
            if (milliseconds > 10_000)
            {
                throw Refuse("<break> is longer than 10s");
            }
        }
        else
        {
            milliseconds = (strength ?? "medium") switch
            {
                "none" => 0,
                "x-weak" => 100,
                "weak" => 250,
                "medium" => 500,
                "strong" => 1000,
                "x-strong" => 1500,
                _ => throw Refuse($"<break strength=\"{Clip(strength!)}\"> must be one of none, x-weak, weak, medium, strong, x-strong"),
            };
        }
        TagDialect dialect = model is not null && ModelCatalog.Normalize(model) is { } id ? ModelCatalog.GetTagDialect(id) : TagDialect.None;
        return (milliseconds, dialect) switch
        {
            ( <= 0, _) => "",
            ( < 400, _) => ",",
            ( < 1000, TagDialect.SquareBrackets) => "[short pause]",
            (_, TagDialect.SquareBrackets) => "[long pause]",
            ( < 1000, TagDialect.AngleBrackets) => "<short pause>",
            (_, TagDialect.AngleBrackets) => "<long pause>",
            ( < 1000, _) => ".",
            _ => "...",
        };
    }

    private static void CheckAttributes(XmlReader reader, string element, string[] allowed)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return;
        }
        do
        {
            if (reader.Prefix == "xmlns" || reader.Name == "xmlns")
            {
                continue;
            }
            if (!allowed.Contains(reader.LocalName, StringComparer.Ordinal))
            {
                throw Refuse($"attribute '{reader.Name}' of <{element}> is not supported");
            }
        }
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
    }

    // The text inside an element that may hold only text (say-as, sub); leaves the reader after its end tag.
    private static string TextOnly(XmlReader reader, string element)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }
        StringBuilder text = new();
        reader.Read();
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                throw Refuse($"<{element}> may hold only text, not <{reader.Name}>");
            }
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                text.Append(reader.Value);
            }
            reader.Read();
        }
        reader.Read();
        return text.ToString();
    }

    private static void Skip(XmlReader reader, string element, bool allowText)
    {
        string inner = TextOnly(reader, element);
        if (!allowText && inner.Trim().Length > 0)
        {
            throw Refuse($"<{element}> must be empty");
        }
    }

    private static bool EndsSentence(string text) => text[^1] is '.' or '!' or '?' or '…';

    // One space between words, none before punctuation, no stray commas at the edges.
    private static string Tidy(string text)
    {
        string single = PromptKeys.NormalizeText(text).Replace('\n', ' ');
        single = SpaceBeforePunctuation().Replace(single, "$1");
        return single.Trim(' ', ',');
    }

    private static PromptRequestException Refuse(string reason) => new($"SSML: {reason}.");

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }

    private static string Clip(string s) => s.Length <= 30 ? s : s[..30] + "…";

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s)$", RegexOptions.CultureInvariant)]
    private static partial Regex BreakTime();

    [GeneratedRegex(@"[/.\-]", RegexOptions.CultureInvariant)]
    private static partial Regex DateSeparators();

    [GeneratedRegex(@" +([,.!?;:])", RegexOptions.CultureInvariant)]
    private static partial Regex SpaceBeforePunctuation();
}
