namespace IvrVoice.Providers.Configuration;

/// <summary>
/// The settings of one route, bound from <c>Providers:&lt;Name&gt;</c> (environment <c>Providers__&lt;Name&gt;__Key</c>).
/// Defaults differ per route (<see cref="RouteDefaults"/>); settings that only one route reads say so.
/// </summary>
internal sealed class RouteOptions
{
    /// <summary>Root URL of the route's API; the route appends its documented paths.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The route's key. Never logged. A route with a key is enabled.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The route's own id for <c>gemini-3.1-flash-tts</c>, replacing the default from the route's documentation.</summary>
    public string? Model { get; set; }

    /// <summary>More canonical-to-route model ids (for example <c>gemini-3.8-flash-tts</c> once a gateway serves it).</summary>
    public Dictionary<string, string> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Maximum time of one attempt, including polling and download for asynchronous routes.</summary>
    public TimeSpan AttemptTimeout { get; set; }

    /// <summary>Retries after the first attempt, for transient failures only.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>First retry delay; doubles each retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait the route may ask for (Retry-After) before the router fails over instead of waiting.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Failure ratio over <see cref="BreakerSamplingDuration"/> that opens the breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 4;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker rejects calls before letting one through (half-open).</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Maximum calls in flight on this route; more wait their turn.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Largest response body or download accepted, in bytes.</summary>
    public long MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>First poll interval of asynchronous routes; grows by half each poll up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cost per request in USD, for routes that charge per request (Pixazo).</summary>
    public decimal? PricePerRequestUsd { get; set; }

    /// <summary>USD per million input (text) tokens, for token-priced routes.</summary>
    public decimal? InputPricePerMillionTokensUsd { get; set; }

    /// <summary>USD per million output (audio) tokens, for token-priced routes.</summary>
    public decimal? OutputPricePerMillionTokensUsd { get; set; }

    /// <summary>Pixazo only: <c>X-Webhook-URL</c> to receive completion callbacks (the status is still confirmed by polling).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Segmind only: <c>Sync</c> (v1, the audio in the answer) or <c>Async</c> (v2, submit then poll).</summary>
    public SegmindMode Mode { get; set; } = SegmindMode.Sync;

    /// <summary>OpenRouter only: optional <c>HTTP-Referer</c> and <c>X-Title</c> attribution headers.</summary>
    public string? Referer { get; set; }

    public string? Title { get; set; }

    /// <summary>espeak only: the program to run.</summary>
    public string BinaryPath { get; set; } = "espeak-ng";

    /// <summary>espeak only: speaking rate in words per minute (espeak-ng <c>-s</c>); unset uses 165.</summary>
    public int? WordsPerMinute { get; set; }
}
