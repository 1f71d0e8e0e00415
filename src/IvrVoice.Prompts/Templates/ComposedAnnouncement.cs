namespace IvrVoice.Prompts.Templates;

/// <summary>A template spoken with its values: the exact words, and the segments a join is made of.</summary>
public sealed class ComposedAnnouncement
{
    internal ComposedAnnouncement(string language, string spoken, IReadOnlyList<SpeechSegment> segments)
    {
        Language = language;
        Spoken = spoken;
        Segments = segments;
    }

    /// <summary>The canonical tag of the language whose words were used (e.g. es-US for a request in es-MX).</summary>
    public string Language { get; }

    /// <summary>The whole sentence as words, e.g. "Your appointment is on Thursday, December third at three oh five p.m.".</summary>
    public string Spoken { get; }

    /// <summary>Fixed parts, value pieces and free text, in speaking order.</summary>
    public IReadOnlyList<SpeechSegment> Segments { get; }

    /// <summary>True when a free text value means the sentence can only be rendered whole, never joined.</summary>
    public bool RenderOnly => Segments.Any(s => s.Kind == SpeechSegmentKind.FreeText);
}
