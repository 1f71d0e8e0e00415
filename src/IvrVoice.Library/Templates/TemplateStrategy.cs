namespace IvrVoice.Library.Templates;

/// <summary>How a template prompt is spoken in a call; written <c>strategy: join|render|auto</c> (default auto).</summary>
public enum TemplateStrategy
{
    /// <summary>Joined from pre-rendered pieces now, and rendered whole in the background for the next caller with the same values.</summary>
    Auto,

    /// <summary>Joined from the pieces <c>ivrvoice build</c> rendered: no provider call while the caller waits.</summary>
    Join,

    /// <summary>The whole sentence rendered through the provider chain, like any prompt.</summary>
    Render,
}
