namespace IvrVoice.Telephony;

/// <summary>Endpoint metadata added by <c>RequireTwilioSignature()</c>, so the middleware can check the request before model binding.</summary>
internal sealed class TwilioSignatureRequiredMetadata
{
    public static readonly TwilioSignatureRequiredMetadata Instance = new();
}
