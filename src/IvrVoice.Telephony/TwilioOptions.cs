namespace IvrVoice.Telephony;

/// <summary>
/// Twilio settings, bound from the <c>Twilio</c> configuration section (environment form <c>Twilio__AuthToken</c>, …) and
/// validated at start-up.
/// </summary>
public sealed class TwilioOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Twilio";

    /// <summary>The account's auth token, used to check <c>X-Twilio-Signature</c>. Required unless <see cref="RequestValidation"/> is Disabled. Never logged.</summary>
    public string? AuthToken { get; set; }

    /// <summary>Further tokens that are also accepted, e.g. the secondary auth token while rotating (<c>Twilio:SecondaryAuthTokens:0</c>).</summary>
    public IList<string> SecondaryAuthTokens { get; set; } = [];

    /// <summary>
    /// The public URL Twilio uses to reach this service, e.g. <c>https://ivr.example.com</c>; it may end in a path base such as
    /// <c>https://example.com/ivr</c> when a reverse proxy strips that prefix. Signatures are checked against this base plus the
    /// request target exactly as received. When unset, the request's own scheme and Host header are used, which is wrong behind
    /// a TLS-terminating proxy.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Largest request body a signed endpoint accepts, in bytes; anything larger is refused with 413 before it is read,
    /// parsed or hashed. A Twilio voice webhook is a few KB (with a long <c>SpeechResult</c>, rarely over 16 KB).
    /// </summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>The default of <see cref="MaxBodyBytes"/>: 64 KiB.</summary>
    public const int DefaultMaxBodyBytes = 64 * 1024;

    /// <summary>Whether signatures are checked; the default is <see cref="TwilioRequestValidation.Enabled"/>.</summary>
    public TwilioRequestValidation RequestValidation { get; set; } = TwilioRequestValidation.Enabled;
}
