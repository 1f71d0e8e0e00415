namespace IvrVoice.Telephony.Signatures;

/// <summary>
/// The HMAC a webhook is signed with. Twilio signs with HMAC-SHA1 unless the account's webhook settings choose
/// HMAC-SHA256, which it announces per request in <c>X-Twilio-Webhooks-Signature-Settings: HMAC_SHA256</c>.
/// </summary>
public enum TwilioSignatureAlgorithm
{
    /// <summary>HMAC-SHA1, Twilio's default (no settings header, or <c>HMAC_SHA1</c>).</summary>
    HmacSha1,

    /// <summary>HMAC-SHA256 (<c>HMAC_SHA256</c> in the settings header).</summary>
    HmacSha256,
}
