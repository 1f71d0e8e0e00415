namespace IvrVoice.Providers;

/// <summary>Why a route did not produce audio.</summary>
public enum TtsFailureKind
{
    /// <summary>The key is missing, wrong, or lacks access (401/403).</summary>
    Authentication,
    /// <summary>The account has no balance left (402, Segmind 406).</summary>
    InsufficientCredit,
    /// <summary>Too many requests (429); <see cref="TtsFailure.RetryAfter"/> holds the wait the route asked for.</summary>
    RateLimited,
    /// <summary>The route rejected the request itself: bad voice, bad parameters, unknown or retired model.</summary>
    InvalidRequest,
    /// <summary>The route refused the content (moderation, safety block).</summary>
    ContentBlocked,
    /// <summary>A server or network failure that may pass: 5xx, connection reset, a 200 with no audio.</summary>
    TransientUpstream,
    /// <summary>The attempt or the overall deadline ran out.</summary>
    Timeout,
    /// <summary>The route answered with bytes that are not usable audio (truncated, MP3 where WAV was asked, silence).</summary>
    MalformedAudio,
    /// <summary>The route is not configured, or its circuit breaker is open.</summary>
    Unavailable,
}
