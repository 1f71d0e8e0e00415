using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IvrVoice.Providers.Routing;

/// <summary>The <c>IvrVoice.Providers</c> meter: calls per route and outcome, failovers, latency, breaker state.</summary>
internal sealed class TtsMetrics
{
    public const string MeterName = "IvrVoice.Providers";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _failovers;
    private readonly Histogram<double> _latency;

    public TtsMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _calls = _meter.CreateCounter<long>("ivrvoice.tts.calls", "{call}", "Synthesis attempts per route and outcome.");
        _failovers = _meter.CreateCounter<long>("ivrvoice.tts.failovers", "{failover}", "Moves from a failed route to the next.");
        _latency = _meter.CreateHistogram<double>("ivrvoice.tts.latency", "s", "Duration of one synthesis attempt.");
    }

    public void RecordAttempt(string route, TtsOutcome outcome, TimeSpan elapsed) =>
        RecordAttempt(route, outcome.Succeeded ? null : outcome.Failure, elapsed);

    /// <summary>One attempt: a success when <paramref name="failure"/> is null (for a stream, its first audio arrived).</summary>
    public void RecordAttempt(string route, TtsFailure? failure, TimeSpan elapsed)
    {
        string result = failure is null ? "success" : failure.Kind.ToString();
        TagList tags = new() { { "provider", route }, { "outcome", result } };
        _calls.Add(1, tags);
        _latency.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordFailover(string from, string to) =>
        _failovers.Add(1, new KeyValuePair<string, object?>("from", from), new KeyValuePair<string, object?>("to", to));

    /// <summary>Publishes each route's breaker state: 0 closed, 1 half-open, 2 open.</summary>
    public void ObserveBreakers(Func<IEnumerable<RouteHealth>> health) =>
        _meter.CreateObservableGauge(
            "ivrvoice.tts.breaker_state",
            () => health().Where(h => h.Configured).Select(h => new Measurement<int>(
                h.State switch { BreakerState.Closed => 0, BreakerState.HalfOpen => 1, _ => 2 },
                new KeyValuePair<string, object?>("provider", h.Name))),
            "{state}",
            "Circuit breaker state per route: 0 closed, 1 half-open, 2 open.");
}
