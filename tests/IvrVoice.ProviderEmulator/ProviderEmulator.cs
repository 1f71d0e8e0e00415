using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace IvrVoice.ProviderEmulator;

/// <summary>
/// Speaks every TTS route's documented protocol on 127.0.0.1 (a random port by default), each under its own prefix:
/// <c>/gemini</c>, <c>/aigateway</c>, <c>/openrouter/api</c>, <c>/vtrix</c>, <c>/pixazo</c>, <c>/segmind</c>.
/// Checks each route's auth header, runs the asynchronous job state machines, calls webhooks, injects faults on
/// demand (in process, or through <c>/_emulator</c> control endpoints), and records every request.
/// </summary>
public sealed partial class TtsEmulator : IAsyncDisposable
{
    /// <summary>The routes the emulator speaks, by the names the product uses.</summary>
    public static IReadOnlyList<string> RouteNames { get; } = ["gemini", "aigateway", "openrouter", "vtrix", "pixazo", "segmind"];

    private static readonly Dictionary<string, string> s_sections = new(StringComparer.Ordinal)
    {
        ["gemini"] = "Gemini", ["aigateway"] = "AIgateway", ["openrouter"] = "OpenRouter",
        ["vtrix"] = "Vtrix", ["pixazo"] = "Pixazo", ["segmind"] = "Segmind",
    };

    private readonly WebApplication _app;
    private readonly EmulatorState _state = new();
    private readonly Dictionary<string, (int Now, int Max)> _concurrency = new(StringComparer.Ordinal);
    private readonly HttpClient _webhookClient = new() { Timeout = TimeSpan.FromSeconds(5) };

    private TtsEmulator(WebApplication app, SpeechClip clip)
    {
        _app = app;
        Clip = clip;
    }

    /// <summary>The emulator's root URL, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The speech every route serves.</summary>
    public SpeechClip Clip { get; }

    /// <summary>How long a new asynchronous job stays queued, then processing, before it ends.</summary>
    public TimeSpan QueuedFor { get; set; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan ProcessingFor { get; set; } = TimeSpan.FromMilliseconds(40);

    /// <summary>
    /// The emulator's clock: asynchronous jobs age on it (<see cref="QueuedFor"/>, <see cref="ProcessingFor"/>) and the
    /// instants it names (Segmind's reset time) are read from it. A test that sets a fake clock moves jobs on by advancing it.
    /// </summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>When set, result URLs point here instead of at the emulator (to check that clients refuse plain http elsewhere).</summary>
    public string? ResultUrlRoot { get; set; }

    /// <summary>Size of the body an <see cref="FaultKind.Oversize"/> fault sends.</summary>
    public int OversizeBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Requests;

    /// <summary>Webhook callbacks delivered so far.</summary>
    public IReadOnlyList<WebhookDelivery> WebhookDeliveries => _state.Webhooks;

    /// <summary>
    /// Starts the emulator on 127.0.0.1 and the given port (0 picks a free one); <paramref name="clipLength"/> makes every
    /// route answer with speech at least that long (the load figures render a 10-second prompt).
    /// </summary>
    public static async Task<TtsEmulator> StartAsync(int port = 0, CancellationToken cancellationToken = default, TimeSpan? clipLength = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 4 * 1024 * 1024);
        WebApplication app = builder.Build();
        TtsEmulator emulator = new(app, SpeechClip.Create(clipLength));
        emulator.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return emulator;
    }

    /// <summary>The BaseUrl to configure for a route (<c>Providers:&lt;Name&gt;:BaseUrl</c>).</summary>
    public string BaseUrl(string route) => route == "openrouter" ? $"{Root}/openrouter/api" : $"{Root}/{Check(route)}";

    /// <summary>The key the emulator accepts for a route.</summary>
    public static string ApiKey(string route) => route switch
    {
        "aigateway" => "sk-aig-emulator-7f3a9c",
        "openrouter" => "sk-or-emulator-51d2e8",
        "segmind" => "SG_emulator_a61b04",
        _ => $"{Check(route)}-emulator-key-c0ffee",
    };

    /// <summary>
    /// Configuration that points the given routes (all when none given) at this emulator, in that order:
    /// <c>Providers:Order</c>, and each route's <c>BaseUrl</c> and <c>ApiKey</c>.
    /// </summary>
    public Dictionary<string, string?> Settings(params string[] routes)
    {
        string[] chosen = routes.Length == 0 ? [.. RouteNames] : routes;
        Dictionary<string, string?> settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Providers:Order"] = string.Join(",", chosen),
        };
        foreach (string route in chosen.Where(s_sections.ContainsKey))
        {
            settings[$"Providers:{s_sections[route]}:BaseUrl"] = BaseUrl(route);
            settings[$"Providers:{s_sections[route]}:ApiKey"] = ApiKey(route);
        }

        return settings;
    }

    /// <summary>Queues a fault on a route; faults strike in the order injected.</summary>
    public void Inject(string route, EmulatorFault fault) => _state.Inject(Check(route), fault);

    /// <summary>Removes every queued fault and the random fault rate.</summary>
    public void ClearFaults() => _state.ClearFaults();

    /// <summary>Makes a share of all requests fail with a random transient fault (500, 503, 429, slow, no audio, truncated).</summary>
    public void SetFaultRate(double rate, int seed = 1) => _state.SetFaultRate(rate, seed);

    public void ClearRecords()
    {
        _state.ClearRecords();
        lock (_concurrency)
        {
            foreach (string route in _concurrency.Keys.ToList())
            {
                _concurrency[route] = (_concurrency[route].Now, _concurrency[route].Now);
            }
        }
    }

    /// <summary>Requests received by one route, optionally only in one phase.</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string route, FaultPhase? phase = null) =>
        [.. Requests.Where(r => r.Route == route && (phase is null || r.Phase == phase))];

    /// <summary>Submissions (synchronous answers or asynchronous jobs accepted or refused) a route received.</summary>
    public int Submissions(string route) => RequestsTo(route, FaultPhase.Primary).Count;

    public async ValueTask DisposeAsync()
    {
        _webhookClient.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private string Root => Url.ToString().TrimEnd('/');

    private static string Check(string route) =>
        s_sections.ContainsKey(route) ? route : throw new ArgumentException($"Unknown route '{route}'.", nameof(route));

    /// <summary>The most requests one route had in flight at once.</summary>
    public int MaxConcurrent(string route)
    {
        lock (_concurrency)
        {
            return _concurrency.TryGetValue(route, out (int Now, int Max) c) ? c.Max : 0;
        }
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            string route = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            Track(route, +1);
            try
            {
                await next(context);
            }
            finally
            {
                Track(route, -1);
            }
        });
        MapGemini(app);
        MapSpeechGateways(app);
        MapVtrix(app);
        MapPixazo(app);
        MapSegmind(app);
        MapControl(app);
    }

    private void Track(string route, int delta)
    {
        lock (_concurrency)
        {
            (int now, int max) = _concurrency.TryGetValue(route, out (int Now, int Max) c) ? c : (0, 0);
            now += delta;
            _concurrency[route] = (now, Math.Max(max, now));
        }
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using StreamReader reader = new(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<string> RecordAsync(HttpContext context, string route, FaultPhase phase)
    {
        string body = await ReadBodyAsync(context).ConfigureAwait(false);
        Dictionary<string, string> headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        _state.Record(new RecordedRequest(route, phase, context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body, DateTimeOffset.UtcNow));
        return body;
    }

    private static JsonObject? ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteBytesAsync(HttpContext context, byte[] bytes, string contentType)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Applies a timing fault; returns false when the request must not be answered at all (hang).</summary>
    private static async Task<bool> DelayAsync(HttpContext context, EmulatorFault? fault)
    {
        if (fault?.Kind == FaultKind.Slow)
        {
            await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
        }
        else if (fault?.Kind == FaultKind.Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return false;
        }

        return true;
    }
}
