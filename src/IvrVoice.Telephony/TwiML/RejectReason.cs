namespace IvrVoice.Telephony.TwiML;

/// <summary>The signal a caller hears when <c>&lt;Reject&gt;</c> refuses a call.</summary>
public enum RejectReason
{
    /// <summary>A "not in service" style rejection (Twilio's default).</summary>
    Rejected,

    /// <summary>A busy signal.</summary>
    Busy,
}
