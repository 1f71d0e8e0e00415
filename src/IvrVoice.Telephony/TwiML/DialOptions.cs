namespace IvrVoice.Telephony.TwiML;

/// <summary>Attributes of a <c>&lt;Dial&gt;</c>. Unset properties are left out, so Twilio's defaults apply.</summary>
public sealed record DialOptions
{
    /// <summary>Caller ID shown to the called party (a Twilio number or verified caller ID).</summary>
    public string? CallerId { get; init; }

    /// <summary>Seconds to let the called party ring (at least 1); Twilio's default is 30.</summary>
    public int? Timeout { get; init; }

    /// <summary>URL Twilio requests when the dialled call ends; without it the document continues after <c>&lt;Dial&gt;</c>.</summary>
    public string? Action { get; init; }

    /// <summary>Method for <see cref="Action"/>; Twilio's default is POST.</summary>
    public TwiMLMethod? Method { get; init; }
}
