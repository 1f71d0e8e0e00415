using System.Text.Json;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>
/// The figures a fault run ends with, read from the service itself: its /metrics (failovers, calls per route and outcome,
/// &lt;Say&gt; fallbacks, breaker states) and its JSON log (breaker openings and closings, with their event ids 3103 and 3104).
/// </summary>
internal static class FaultRunReport
{
    public static async Task<string> CollectAsync(HttpClient client, ServiceProcess service, DateTimeOffset? runStarted = null)
    {
        string metrics = await client.GetStringAsync("/metrics");
        IReadOnlyList<PrometheusSample> samples = PrometheusText.Parse(metrics);
        IReadOnlyList<JsonElement> events = service.JsonEvents();
        int opened = events.Count(e => EventId(e) == 3103);
        int closed = events.Count(e => EventId(e) == 3104);

        string Sum(string name, Func<PrometheusSample, string> by) => string.Join(", ", samples.Where(s => s.Name == name)
            .GroupBy(by).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Sum(s => s.Value):0}"));

        return string.Join('\n',
            $"failovers: {Sum("ivrvoice_tts_failovers_total", s => $"{s.Label("from")}->{s.Label("to")}")}",
            $"provider attempts: {Sum("ivrvoice_tts_calls_total", s => $"{s.Label("provider")}/{s.Label("outcome")}")}",
            $"breaker opened {opened} times, closed {closed} times; states now: {Sum("ivrvoice_tts_breaker_state", s => s.Label("provider") ?? "")} (0 closed, 1 half-open, 2 open)",
            $"breaker events: {string.Join(", ", events.Where(e => EventId(e) is 3103 or 3104).Select(e => Describe(e, runStarted)))}",
            $"<Say> fallbacks: {Sum("ivrvoice_server_say_fallbacks_total", s => s.Label("reason") ?? "")}",
            $"renders: {Sum("ivrvoice_cache_renders_total", s => s.Label("outcome") ?? "")}");
    }

    /// <summary>A route's breaker state as /metrics reports it: 0 closed, 1 half-open, 2 open.</summary>
    public static double BreakerState(string metrics, string route) =>
        PrometheusText.Parse(metrics).Single(s => s.Name == "ivrvoice_tts_breaker_state" && s.Label("provider") == route).Value;

    public static double Total(string metrics, string name) => PrometheusText.Parse(metrics).Where(s => s.Name == name).Sum(s => s.Value);

    private static string Describe(JsonElement e, DateTimeOffset? runStarted)
    {
        string provider = e.GetProperty("Properties").TryGetProperty("Provider", out JsonElement p) ? p.GetString() ?? "" : "";
        DateTimeOffset at = DateTimeOffset.Parse(e.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture);
        string when = runStarted is { } start ? $"{(at - start).TotalSeconds:0.0} s" : at.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture);
        return $"{provider} {(EventId(e) == 3103 ? "opened" : "closed")} at {when}";
    }

    private static int EventId(JsonElement e) =>
        e.TryGetProperty("Properties", out JsonElement p) && p.TryGetProperty("EventId", out JsonElement id) && id.TryGetProperty("Id", out JsonElement n) ? n.GetInt32() : 0;
}
