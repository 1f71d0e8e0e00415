namespace IvrVoice.Providers;

/// <summary>The state of a route's circuit breaker.</summary>
public enum BreakerState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>A route's name, breaker state and whether it is configured (enabled).</summary>
public sealed record RouteHealth(string Name, BreakerState State, bool Configured);
