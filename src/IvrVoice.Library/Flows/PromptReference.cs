namespace IvrVoice.Library.Flows;

/// <summary>
/// A prompt a flow plays: its id, and optionally a fixed language. Without one, the prompt is played in the
/// call's current language, so one flow serves every language the library is written in. A reference to a
/// template carries <see cref="Values"/>: where in the call each of its values comes from.
/// </summary>
public sealed record PromptReference(string Id, string? Language = null)
{
    /// <summary>For a template: each placeholder name and where its value comes from. Null for a plain prompt.</summary>
    public IReadOnlyDictionary<string, CallValueSource>? Values { get; init; }

    /// <summary>A plain prompt played instead of the template when a value is missing or cannot be spoken; null for none.</summary>
    public string? Fallback { get; init; }

    /// <summary>True when this plays a template with values from the call.</summary>
    public bool IsAnnouncement => Values is not null;

    /// <summary>The language to play this prompt in when the call is in <paramref name="callLanguage"/>.</summary>
    public string LanguageFor(string callLanguage) => Language ?? callLanguage;

    public override string ToString() => Language is null ? Id : $"{Language}/{Id}";
}
