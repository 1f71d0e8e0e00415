namespace IvrVoice.Telephony;

/// <summary>Whether webhook and media requests must carry a valid <c>X-Twilio-Signature</c>.</summary>
public enum TwilioRequestValidation
{
    /// <summary>Every protected request must be signed with a configured auth token; others get 403.</summary>
    Enabled,

    /// <summary>
    /// No checking, for a local demo without a Twilio account. Anyone who can reach the service can drive its call flows,
    /// so the service logs a warning at start-up; never use it on a public address.
    /// </summary>
    Disabled,
}
