namespace IvrVoice.Library.Flows;

/// <summary>How a caller may answer a menu: key presses, speech, or both (Twilio's <c>dtmf</c>, <c>speech</c>, <c>dtmf speech</c>).</summary>
[Flags]
public enum MenuInput
{
    Dtmf = 1,
    Speech = 2,
}
