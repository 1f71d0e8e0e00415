namespace IvrVoice.Providers;

/// <summary>Renders through the configured routes in <see cref="Routes"/> order, with retries, breakers and failover.</summary>
public interface ITtsRouter
{
    /// <summary>The effective route order (from <c>Providers:Order</c>, else the default order of configured routes).</summary>
    IReadOnlyList<string> Routes { get; }

    /// <summary>The model used when a prompt names none: <c>Providers:DefaultModel</c>, else Gemini 3.1 when any Gemini route is configured, else espeak-ng.</summary>
    string DefaultModel { get; }

    /// <summary>
    /// Renders the request on the first route that succeeds. Only routes that support the request's model are tried.
    /// <paramref name="onlyProvider"/> restricts the render to one route. Failures come back in <see cref="RoutedTts.Failures"/>;
    /// only cancellation of <paramref name="cancellationToken"/> throws.
    /// </summary>
    Task<RoutedTts> SynthesizeAsync(TtsRequest request, RenderUrgency urgency, string? onlyProvider, CancellationToken cancellationToken);

    /// <summary>True when at least one configured route can render the canonical <paramref name="model"/>.</summary>
    bool Supports(string model);

    /// <summary>Every known route, configured or not, with its breaker state.</summary>
    IReadOnlyList<RouteHealth> GetHealth();

    /// <summary>
    /// The configured route named <paramref name="name"/> behind its resilience pipeline (retry, breaker, concurrency slots),
    /// which streams share with whole renders; null when it is not configured.
    /// </summary>
    internal Routing.ResilientRoute? Route(string name);
}
