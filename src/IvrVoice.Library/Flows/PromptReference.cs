namespace IvrVoice.Library.Flows;

/// <summary>
/// A prompt a flow plays: its id, and optionally a fixed language. Without one, the prompt is played in the
/// call's current language, so one flow serves every language the library is written in.
/// </summary>
public sealed record PromptReference(string Id, string? Language = null)
{
    /// <summary>The language to play this prompt in when the call is in <paramref name="callLanguage"/>.</summary>
    public string LanguageFor(string callLanguage) => Language ?? callLanguage;

    public override string ToString() => Language is null ? Id : $"{Language}/{Id}";
}
