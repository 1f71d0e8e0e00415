namespace IvrVoice.Prompts.Templates;

/// <summary>A problem in a template's text: what is wrong, and the 0-based character offset of the placeholder (or brace) at fault.</summary>
public sealed record TemplateDiagnostic(string Message, int Offset);
