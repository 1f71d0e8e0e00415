namespace IvrVoice.Prompts.Templates;

/// <summary>One part of a parsed template: literal text or a placeholder.</summary>
public abstract record TemplatePart;

/// <summary>Literal text between placeholders, with <c>{{</c> and <c>}}</c> already turned into single braces.</summary>
public sealed record TemplateLiteral(string Text) : TemplatePart;

/// <summary>
/// A placeholder: its name, type, options exactly as written (keys lower case, validated for the type) and the
/// 0-based offset of its opening brace in the template text.
/// </summary>
public sealed record TemplatePlaceholder(string Name, TemplateValueType Type, IReadOnlyDictionary<string, string> Options, int Offset)
    : TemplatePart
{
    /// <summary>The option's value, or null when the placeholder does not set it.</summary>
    public string? Option(string name) => Options.TryGetValue(name, out string? value) ? value : null;
}
