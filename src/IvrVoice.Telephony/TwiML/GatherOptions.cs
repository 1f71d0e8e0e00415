namespace IvrVoice.Telephony.TwiML;

/// <summary>Attributes of a <c>&lt;Gather&gt;</c>. Unset properties are left out, so Twilio's defaults apply.</summary>
public sealed record GatherOptions
{
    /// <summary>URL Twilio requests with <c>Digits</c>/<c>SpeechResult</c>; Twilio's default is the current document's URL.</summary>
    public string? Action { get; init; }

    /// <summary>Method for <see cref="Action"/>; Twilio's default is POST.</summary>
    public TwiMLMethod? Method { get; init; }

    /// <summary>Inputs to accept; Twilio's default is DTMF only.</summary>
    public GatherInput? Input { get; init; }

    /// <summary>Submit after this many digits (at least 1).</summary>
    public int? NumDigits { get; init; }

    /// <summary>Seconds of silence before the gather submits (at least 1); Twilio's default is 5.</summary>
    public int? Timeout { get; init; }

    /// <summary>Key that submits early: one of <c>0-9 # *</c>, or the empty string to disable; Twilio's default is <c>#</c>.</summary>
    public string? FinishOnKey { get; init; }

    /// <summary>When true, Twilio requests <see cref="Action"/> even if the caller entered nothing.</summary>
    public bool? ActionOnEmptyResult { get; init; }

    /// <summary>BCP-47 language for speech recognition, e.g. <c>en-US</c>.</summary>
    public string? Language { get; init; }

    /// <summary>Comma-separated words or phrases that speech recognition should expect.</summary>
    public string? Hints { get; init; }

    /// <summary>Seconds of speech silence before submitting, or <c>auto</c>.</summary>
    public string? SpeechTimeout { get; init; }
}
