namespace IvrVoice.Providers;

/// <summary>One of the two speakers of a dialogue prompt: the label used in the text and the voice that speaks it.</summary>
public sealed record TtsSpeaker(string Name, string Voice);
