using System.Text;

namespace IvrVoice.Prompts.Templates;

/// <summary>A single pass over the text; collects every problem instead of stopping at the first.</summary>
internal static class TemplateParser
{
    public static TemplateParseResult Parse(string text)
    {
        List<TemplatePart> parts = [];
        List<TemplateDiagnostic> diagnostics = [];
        Dictionary<string, int> seen = new(StringComparer.Ordinal);
        StringBuilder literal = new();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}')
                {
                    literal.Append('}');
                    i += 2;
                    continue;
                }
                diagnostics.Add(new("unbalanced '}': write '}}' for a literal brace", i));
                i++;
                continue;
            }
            if (c != '{')
            {
                literal.Append(c);
                i++;
                continue;
            }
            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
                continue;
            }
            int start = i;
            int close = text.IndexOfAny(['{', '}'], i + 1);
            if (close < 0 || text[close] == '{')
            {
                diagnostics.Add(new("unbalanced '{': placeholder is not closed with '}' (write '{{' for a literal brace)", start));
                i = close < 0 ? text.Length : close;
                continue;
            }
            TemplatePlaceholder? placeholder = ParsePlaceholder(text[(start + 1)..close], start, diagnostics);
            if (placeholder is not null)
            {
                if (seen.TryGetValue(placeholder.Name, out int first))
                {
                    diagnostics.Add(new($"duplicate placeholder name '{placeholder.Name}' (first at offset {first})", start));
                }
                else
                {
                    seen[placeholder.Name] = start;
                }
                if (literal.Length > 0)
                {
                    parts.Add(new TemplateLiteral(literal.ToString()));
                    literal.Clear();
                }
                parts.Add(placeholder);
            }
            i = close + 1;
        }
        if (literal.Length > 0)
        {
            parts.Add(new TemplateLiteral(literal.ToString()));
        }
        return diagnostics.Count > 0
            ? new TemplateParseResult(null, diagnostics)
            : new TemplateParseResult(new PromptTemplate(text, parts), []);
    }

    private static TemplatePlaceholder? ParsePlaceholder(string body, int offset, List<TemplateDiagnostic> diagnostics)
    {
        int count = diagnostics.Count;
        string namePart = body, typePart = "", optionPart = "";
        bool hasOptions = false;
        int colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            namePart = body[..colon];
            typePart = body[(colon + 1)..];
            int open = typePart.IndexOf('(', StringComparison.Ordinal);
            if (open >= 0)
            {
                hasOptions = true;
                string rest = typePart[(open + 1)..].TrimEnd();
                typePart = typePart[..open];
                if (!rest.EndsWith(')'))
                {
                    diagnostics.Add(new("unbalanced '(': options must end with ')' before '}'", offset));
                    return null;
                }
                optionPart = rest[..^1];
                if (optionPart.Contains('(', StringComparison.Ordinal) || optionPart.Contains(')', StringComparison.Ordinal))
                {
                    diagnostics.Add(new("unbalanced parentheses in options", offset));
                    return null;
                }
            }
            else if (typePart.Contains(')', StringComparison.Ordinal))
            {
                diagnostics.Add(new("unbalanced ')': options are written type(option=value)", offset));
                return null;
            }
        }

        string name = namePart.Trim();
        if (name.Length == 0)
        {
            diagnostics.Add(new("empty placeholder name: write {name} or {name:type}", offset));
        }
        else if (!IsName(name))
        {
            diagnostics.Add(new($"invalid placeholder name '{Clip(name)}': a letter, then letters, digits or '_'", offset));
        }

        TemplateValueType type = TemplateValueType.Text;
        string typeName = typePart.Trim();
        if (colon >= 0)
        {
            if (typeName.Length == 0)
            {
                diagnostics.Add(new($"missing type after ':' (known: {string.Join(", ", TemplateOptions.TypeNames.Keys)})", offset));
            }
            else if (!TemplateOptions.TypeNames.TryGetValue(typeName, out type))
            {
                diagnostics.Add(new($"unknown type '{Clip(typeName)}' (known: {string.Join(", ", TemplateOptions.TypeNames.Keys)})", offset));
                return null;
            }
        }

        Dictionary<string, string> options = new(StringComparer.Ordinal);
        if (hasOptions && diagnostics.Count == count)
        {
            if (optionPart.Trim().Length == 0)
            {
                diagnostics.Add(new("empty option list '()': leave the parentheses out or write option=value", offset));
            }
            foreach (string pair in optionPart.Trim().Length == 0 ? [] : optionPart.Split(','))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                string key = (equals < 0 ? pair : pair[..equals]).Trim().ToLowerInvariant();
                string value = equals < 0 ? "" : pair[(equals + 1)..].Trim();
                if (key == "code")
                {
                    value = value.ToUpperInvariant(); // ISO 4217 codes are upper case; accept code=usd
                }
                if (key.Length == 0 || equals < 0 || value.Length == 0)
                {
                    diagnostics.Add(new($"option '{Clip(pair.Trim())}' must be written option=value", offset));
                    continue;
                }
                if (options.ContainsKey(key))
                {
                    diagnostics.Add(new($"option '{key}' is given twice", offset));
                    continue;
                }
                string? problem = TemplateOptions.Check(type, key, value);
                if (problem is not null)
                {
                    diagnostics.Add(new(problem, offset));
                    continue;
                }
                options[key] = value;
            }
        }
        return diagnostics.Count == count ? new TemplatePlaceholder(name, type, options, offset) : null;
    }

    private static bool IsName(string name)
    {
        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
