namespace IvrVoice.Server.Hosting;

/// <summary>Where the call flows come from, bound from the <c>Flows</c> section.</summary>
public sealed class FlowOptions
{
    public const string SectionName = "Flows";

    /// <summary>The prompt library folder (YAML prompts and flows); a relative path is resolved against the content root.</summary>
    public string Folder { get; set; } = "prompts";

    /// <summary>
    /// The model a flow prompt is rendered with when no configured provider route serves its own model, e.g. a library
    /// written for Gemini on a machine without keys. The default, <c>espeak-ng</c>, is the offline engine; empty keeps the
    /// prompt's model, and such prompts are then always spoken with &lt;Say&gt;.
    /// </summary>
    public string? FallbackModel { get; set; } = "espeak-ng";
}
