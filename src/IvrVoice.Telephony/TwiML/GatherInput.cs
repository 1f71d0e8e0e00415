namespace IvrVoice.Telephony.TwiML;

/// <summary>What a <c>&lt;Gather&gt;</c> listens for; combine with <c>|</c> for <c>input="dtmf speech"</c>.</summary>
[Flags]
public enum GatherInput
{
    /// <summary>Key presses.</summary>
    Dtmf = 1,

    /// <summary>Speech recognition.</summary>
    Speech = 2,
}
