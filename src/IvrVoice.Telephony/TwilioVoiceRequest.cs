using System.Collections.ObjectModel;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Telephony;

/// <summary>
/// The parameters Twilio sends with a voice webhook or a <c>&lt;Gather&gt;</c>/<c>&lt;Dial&gt;</c> action, read from the form
/// (POST) or the query string (GET). Use it as a minimal-API handler parameter; it binds itself asynchronously.
/// <see cref="From"/>, <see cref="To"/> and <see cref="Caller"/> are phone numbers: never log them.
/// </summary>
public sealed class TwilioVoiceRequest
{
    private static readonly TwilioVoiceRequest Empty = new(new Dictionary<string, string>(StringComparer.Ordinal));

    // A read-only view of a plain dictionary: freezing one per webhook (a few dozen keys, read a handful of times) cost more
    // than every lookup it could save.
    private TwilioVoiceRequest(Dictionary<string, string> parameters) => Parameters = new ReadOnlyDictionary<string, string>(parameters);

    /// <summary>Every parameter Twilio sent (the first value of any repeated key), including ones without a property here.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Unique id of this call, <c>CA…</c>.</summary>
    public string? CallSid => Get("CallSid");

    /// <summary>The Twilio account, <c>AC…</c>.</summary>
    public string? AccountSid => Get("AccountSid");

    /// <summary>The caller's number (personal data).</summary>
    public string? From => Get("From");

    /// <summary>The called number (personal data).</summary>
    public string? To => Get("To");

    /// <summary>The caller's number as Twilio received it (personal data).</summary>
    public string? Caller => Get("Caller");

    /// <summary><c>queued</c>, <c>ringing</c>, <c>in-progress</c>, <c>completed</c>, <c>busy</c>, <c>failed</c> or <c>no-answer</c>.</summary>
    public string? CallStatus => Get("CallStatus");

    /// <summary><c>inbound</c>, <c>outbound-api</c> or <c>outbound-dial</c>.</summary>
    public string? Direction => Get("Direction");

    /// <summary>The Twilio API version used for the request.</summary>
    public string? ApiVersion => Get("ApiVersion");

    /// <summary>Call SID of the parent call when this call was started by <c>&lt;Dial&gt;</c>.</summary>
    public string? ParentCallSid => Get("ParentCallSid");

    /// <summary>Keys the caller pressed in a <c>&lt;Gather&gt;</c>; absent or empty when there was no input.</summary>
    public string? Digits => Get("Digits");

    /// <summary>The key that ended the <c>&lt;Gather&gt;</c>, if any.</summary>
    public string? FinishedOnKey => Get("FinishedOnKey");

    /// <summary>Transcribed speech from a <c>&lt;Gather input="speech"&gt;</c>.</summary>
    public string? SpeechResult => Get("SpeechResult");

    /// <summary>Recognition confidence between 0 and 1; null when absent or not a number.</summary>
    public double? Confidence =>
        double.TryParse(Get("Confidence"), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;

    /// <summary>Outcome of a <c>&lt;Dial&gt;</c>: <c>completed</c>, <c>answered</c>, <c>busy</c>, <c>no-answer</c>, <c>failed</c> or <c>canceled</c>.</summary>
    public string? DialCallStatus => Get("DialCallStatus");

    /// <summary>Call SID of the dialled leg.</summary>
    public string? DialCallSid => Get("DialCallSid");

    /// <summary>Seconds the dialled leg lasted; null when absent.</summary>
    public int? DialCallDuration =>
        int.TryParse(Get("DialCallDuration"), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : null;

    /// <summary>Twilio error code for a failed request, e.g. on a fallback URL.</summary>
    public string? ErrorCode => Get("ErrorCode");

    /// <summary>Reads the parameters from a form or query collection.</summary>
    public static TwilioVoiceRequest FromValues(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Dictionary<string, string> parameters = new(StringComparer.Ordinal);
        foreach (KeyValuePair<string, StringValues> pair in values)
            parameters.TryAdd(pair.Key, pair.Value.Count > 0 ? pair.Value[0] ?? "" : "");
        return parameters.Count == 0 ? Empty : new TwilioVoiceRequest(parameters);
    }

    /// <summary>Minimal-API binding: reads the form asynchronously for a form POST, otherwise the query string.</summary>
    public static async ValueTask<TwilioVoiceRequest?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpRequest request = context.Request;
        if (!request.HasFormContentType) return FromValues(request.Query);
        try
        {
            return FromValues(await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false));
        }
        catch (InvalidDataException exception)
        {
            // Over the form limits or malformed: the client's fault, answered 400 by the server (never a 500 with a stack trace).
            throw new BadHttpRequestException("The form body could not be read: " + exception.Message, StatusCodes.Status400BadRequest, exception);
        }
    }

    /// <summary>Shows the call SID only; the phone numbers stay out of logs.</summary>
    public override string ToString() => $"TwilioVoiceRequest {{ CallSid = {CallSid ?? "(none)"} }}";

    private string? Get(string name) => Parameters.TryGetValue(name, out string? value) ? value : null;
}
