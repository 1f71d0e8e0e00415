namespace IvrVoice.Prompts.Verbalisation;

/// <summary>A value cannot be parsed or spoken; the composer adds the value's name and rethrows it as a TemplateValueException.</summary>
internal sealed class VerbalisationException(string reason) : Exception(reason);
