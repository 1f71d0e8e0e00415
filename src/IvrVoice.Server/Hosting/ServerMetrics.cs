using System.Diagnostics.Metrics;

namespace IvrVoice.Server.Hosting;

/// <summary>The web app's instruments on the meter <see cref="MeterName"/>: requests by route and status, and &lt;Say&gt; fallbacks by reason.</summary>
internal sealed class ServerMetrics
{
    public const string MeterName = "IvrVoice.Server";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _sayFallbacks;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("ivrvoice.server.requests", "{request}", "HTTP requests answered, by route pattern and status code.");
        _duration = meter.CreateHistogram<double>("ivrvoice.server.request.duration", "s", "Time to answer an HTTP request, by route pattern.");
        _sayFallbacks = meter.CreateCounter<long>("ivrvoice.server.say_fallbacks", "{prompt}", "Prompts spoken with Twilio's <Say> instead of their audio, by reason.");
    }

    // HTTP status codes boxed once, so tagging a request with its status allocates nothing.
    private static readonly object[] BoxedStatusCodes = [.. Enumerable.Range(0, 600).Select(code => (object)code)];

    internal void RequestCompleted(string route, int statusCode, TimeSpan elapsed)
    {
        KeyValuePair<string, object?> routeTag = new("route", route);
        object status = (uint)statusCode < (uint)BoxedStatusCodes.Length ? BoxedStatusCodes[statusCode] : statusCode;
        _requests.Add(1, routeTag, new KeyValuePair<string, object?>("status", status));
        _duration.Record(elapsed.TotalSeconds, routeTag);
    }

    /// <summary>A prompt was spoken with &lt;Say&gt;: <c>deadline</c> (not ready in time) or <c>render_failed</c> (every route failed).</summary>
    internal void SayFallback(string reason) => _sayFallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
