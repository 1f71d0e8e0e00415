using IvrVoice.Library.Templates;
using IvrVoice.Library.Yaml;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Library.Loading;

/// <summary>
/// Reads a prompt text that has placeholders as a template, reporting each problem at the line and column of the
/// placeholder it is about, and reads the template's <c>strategy</c>.
/// </summary>
internal sealed class TemplateTextReader(DiagnosticBag diagnostics, FieldReader fields)
{
    private static readonly string[] StrategyNames = ["auto", "join", "render"];

    private readonly DiagnosticBag _diagnostics = diagnostics;
    private readonly FieldReader _fields = fields;

    /// <summary>True when the text is meant as a template: it has a brace at all (a doubled one is a literal brace of a template).</summary>
    public static bool HasBraces(string text) => text.Contains('{', StringComparison.Ordinal) || text.Contains('}', StringComparison.Ordinal);

    /// <summary>
    /// The parsed template of <paramref name="text"/> (the scalar's value, trimmed), or null with every problem reported.
    /// A text whose only braces are doubled parses to a template without placeholders, which the caller treats as plain text.
    /// </summary>
    public PromptTemplate? Read(YamlScalar scalar, string text, string label)
    {
        TemplateParseResult result = PromptTemplate.Parse(text);
        if (result.Template is { } template)
        {
            return template;
        }

        int lead = scalar.Value.Length - scalar.Value.TrimStart().Length;
        foreach (TemplateDiagnostic diagnostic in result.Diagnostics)
        {
            _diagnostics.Error(Locate(scalar, lead + diagnostic.Offset), $"{label}: {diagnostic.Message}");
        }

        return null;
    }

    /// <summary>Reads <c>strategy</c>; null (reported) when it is not one of auto, join, render.</summary>
    public TemplateStrategy? ReadStrategy(YamlNode node)
    {
        if (_fields.RequiredText(node, "'strategy'") is not { } name)
        {
            return null;
        }

        switch (name)
        {
            case "auto":
                return TemplateStrategy.Auto;
            case "join":
                return TemplateStrategy.Join;
            case "render":
                return TemplateStrategy.Render;
            default:
                string? closest = Suggestions.Closest(name, StrategyNames);
                _diagnostics.Error(node.Location, closest is null
                    ? $"strategy must be auto, join or render, not {Show.Text(name)}"
                    : $"strategy must be auto, join or render, not {Show.Text(name)}; did you mean '{closest}'?");
                return null;
        }
    }

    /// <summary>
    /// Where the character at <paramref name="offset"/> of the scalar's value is written. The placeholder's text (up to its
    /// closing brace) is found in the scalar as written, counting earlier occurrences, so folded lines, quotes and block
    /// indentation do not move it; where escapes make it unrecognisable, the scalar's own position is given.
    /// </summary>
    internal static SourceLocation Locate(YamlScalar scalar, int offset)
    {
        string value = scalar.Value;
        if (scalar.Source is not { } source || offset < 0 || offset >= value.Length)
        {
            return scalar.Location;
        }

        int end = value.IndexOfAny(['}', '\n'], offset + 1);
        string snippet = value[offset..(end < 0 || value[end] == '\n' ? (end < 0 ? value.Length : end) : end + 1)];
        int occurrence = 0;
        for (int at = value.IndexOf(snippet, StringComparison.Ordinal); at >= 0 && at < offset; at = value.IndexOf(snippet, at + 1, StringComparison.Ordinal))
        {
            occurrence++;
        }

        int index = -1;
        for (int i = 0; i <= occurrence; i++)
        {
            index = source.IndexOf(snippet, index + 1, StringComparison.Ordinal);
            if (index < 0)
            {
                return scalar.Location;
            }
        }

        int line = scalar.Location.Line;
        int column = scalar.Location.Column;
        for (int i = 0; i < index; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                column = 1;
            }
            else if (source[i] != '\r')
            {
                column++;
            }
        }

        return scalar.Location with { Line = line, Column = column };
    }
}
