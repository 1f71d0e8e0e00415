namespace IvrVoice.Providers;

/// <summary>An expected failure of one route, as a value. <see cref="Message"/> never contains keys.</summary>
public sealed record TtsFailure(string Provider, TtsFailureKind Kind, string Message, TimeSpan? RetryAfter = null)
{
    /// <summary>True when the same request may succeed on the same route a little later.</summary>
    public bool IsTransient => Kind is TtsFailureKind.RateLimited or TtsFailureKind.TransientUpstream
        or TtsFailureKind.Timeout or TtsFailureKind.MalformedAudio;

    public override string ToString() => $"{Provider}: {Kind}: {Message}";
}
