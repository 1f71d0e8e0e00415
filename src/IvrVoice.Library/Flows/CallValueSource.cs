namespace IvrVoice.Library.Flows;

/// <summary>Where in a call the value of a template placeholder comes from.</summary>
public enum CallValueKind
{
    /// <summary>The caller's number, Twilio's <c>From</c>.</summary>
    From,

    /// <summary>The keys the caller pressed in the answer being handled, Twilio's <c>Digits</c>.</summary>
    Digits,

    /// <summary>What the recogniser heard in the answer being handled, Twilio's <c>SpeechResult</c>.</summary>
    SpeechResult,

    /// <summary>A query parameter of the webhook URL Twilio calls, passed by the customer's own system.</summary>
    Query,
}

/// <summary>
/// Where a flow takes one template value from: written <c>From</c>, <c>Digits</c>, <c>SpeechResult</c> or
/// <c>query:&lt;name&gt;</c> under a play item's <c>values</c>.
/// </summary>
public sealed record CallValueSource
{
    /// <summary>The longest query parameter name a source may name.</summary>
    public const int MaxQueryNameLength = 64;

    private CallValueSource(CallValueKind kind, string? name)
    {
        Kind = kind;
        Name = name;
    }

    public CallValueKind Kind { get; }

    /// <summary>The query parameter's name for <see cref="CallValueKind.Query"/>; null otherwise.</summary>
    public string? Name { get; }

    public static CallValueSource From { get; } = new(CallValueKind.From, null);

    public static CallValueSource Digits { get; } = new(CallValueKind.Digits, null);

    public static CallValueSource SpeechResult { get; } = new(CallValueKind.SpeechResult, null);

    /// <summary>The query parameter <paramref name="name"/> of the webhook URL.</summary>
    /// <exception cref="ArgumentException">The name is not 1 to 64 of A-Z a-z 0-9 _ - .</exception>
    public static CallValueSource Query(string name) => IsQueryName(name)
        ? new(CallValueKind.Query, name)
        : throw new ArgumentException($"A query parameter name is 1 to {MaxQueryNameLength} of A-Z a-z 0-9 _ - .", nameof(name));

    /// <summary>Reads a source as written in a library; false for anything else.</summary>
    public static bool TryParse(string? text, out CallValueSource? source)
    {
        source = text switch
        {
            "From" => From,
            "Digits" => Digits,
            "SpeechResult" => SpeechResult,
            _ when text is not null && text.StartsWith("query:", StringComparison.Ordinal) && IsQueryName(text[6..]) => new(CallValueKind.Query, text[6..]),
            _ => null,
        };
        return source is not null;
    }

    /// <summary>
    /// The raw value in a call: <paramref name="callParameter"/> reads Twilio's form fields (<c>From</c>, <c>Digits</c>,
    /// <c>SpeechResult</c>), <paramref name="queryParameter"/> the webhook URL's query. Null when the call has no such value.
    /// </summary>
    public string? Resolve(Func<string, string?> callParameter, Func<string, string?> queryParameter)
    {
        ArgumentNullException.ThrowIfNull(callParameter);
        ArgumentNullException.ThrowIfNull(queryParameter);
        return Kind == CallValueKind.Query ? queryParameter(Name!) : callParameter(Kind.ToString());
    }

    public override string ToString() => Kind == CallValueKind.Query ? $"query:{Name}" : Kind.ToString();

    private static bool IsQueryName(string name) =>
        name.Length is > 0 and <= MaxQueryNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
