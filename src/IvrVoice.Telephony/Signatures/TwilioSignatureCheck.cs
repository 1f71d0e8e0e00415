namespace IvrVoice.Telephony.Signatures;

/// <summary>Outcome of checking a request's <c>X-Twilio-Signature</c>.</summary>
public enum TwilioSignatureCheck
{
    /// <summary>The signature matches one of the configured auth tokens.</summary>
    Valid,

    /// <summary>The request carries no <c>X-Twilio-Signature</c> header.</summary>
    MissingSignature,

    /// <summary>The signature matches none of the configured tokens for any accepted form of the URL.</summary>
    SignatureMismatch,

    /// <summary>A non-form body's <c>bodySHA256</c> query parameter is missing or differs from the SHA-256 of the body.</summary>
    BodyHashMismatch,

    /// <summary>The request has a body that is neither a form nor covered by <c>bodySHA256</c>, so the signature does not protect it.</summary>
    UnsignedBody,

    /// <summary>The body is larger than the validator reads (see <see cref="TwilioRequestValidator.MaxBodyBytes"/>).</summary>
    BodyTooLarge,

    /// <summary>The form body could not be parsed (malformed, or over ASP.NET's form limits).</summary>
    MalformedBody,

    /// <summary><c>X-Twilio-Webhooks-Signature-Settings</c> names an HMAC other than <c>HMAC_SHA1</c> or <c>HMAC_SHA256</c>.</summary>
    UnknownSignatureAlgorithm,
}
