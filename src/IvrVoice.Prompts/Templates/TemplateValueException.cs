namespace IvrVoice.Prompts.Templates;

/// <summary>
/// A value given for a template cannot be spoken: missing, unknown, of the wrong type, out of range, or holding
/// control characters or markup. The message names the value but never repeats it (values can be personal data).
/// </summary>
public sealed class TemplateValueException(string valueName, string reason)
    : Exception($"Value '{valueName}': {reason}")
{
    /// <summary>The placeholder name the value was given for (or the unknown name the caller sent).</summary>
    public string ValueName { get; } = valueName;

    /// <summary>Why the value was refused, without the value itself.</summary>
    public string Reason { get; } = reason;
}
