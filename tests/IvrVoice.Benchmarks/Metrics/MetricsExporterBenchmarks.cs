extern alias server;

using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using IvrVoice.Benchmarks.Audio;
using IvrVoice.Caching;
using IvrVoice.Providers.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using MetricsEndpoints = server::IvrVoice.Server.Metrics.MetricsEndpoints;
using PrometheusExporter = server::IvrVoice.Server.Metrics.PrometheusExporter;
using ServerMetrics = server::IvrVoice.Server.Hosting.ServerMetrics;

namespace IvrVoice.Benchmarks.Metrics;

/// <summary>
/// <c>/metrics</c> served by the in-house exporter (a <see cref="MeterListener"/>, as the service wires it) against
/// OpenTelemetry's Prometheus exporter for ASP.NET Core (1.20.1-beta.1, the only version served), each in its own
/// Kestrel host on loopback with the product's own instruments (ServerMetrics, PromptCacheMetrics, TtsMetrics) and the
/// same measurements: 12 routes × 2 status codes of requests, two &lt;Say&gt; fallbacks, cache hits per tier, a failover.
/// Two costs: recording one request's measurements (what every request pays) and one scrape over HTTP, with its
/// allocations (process-wide, so the server side is counted). OpenTelemetry is given the same histogram buckets
/// (a view) and no scrape-response cache (its default keeps a scrape for 300 ms), so both do the full work per scrape.
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class MetricsExporterBenchmarks
{
    public const string InHouse = "in-house";
    public const string OpenTelemetry = "OpenTelemetry";

    // The in-house exporter's buckets (seconds): from a cache hit to a slow render.
    private static readonly double[] s_buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private WebApplication? _app;
    private HttpClient? _client;
    private ServerMetrics _metrics = null!;

    [Params(InHouse, OpenTelemetry)]
    public string Exporter { get; set; } = InHouse;

    [GlobalSetup]
    public void Setup()
    {
        (_app, _client) = StartAsync(Exporter).GetAwaiter().GetResult();
        _metrics = _app.Services.GetRequiredService<ServerMetrics>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _app?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "record one request (counter with 2 tags + histogram)")]
    public void RecordRequest() => _metrics.RequestCompleted("/twilio/voice/{flow}", 200, TimeSpan.FromMilliseconds(3.2));

    [Benchmark(Description = "GET /metrics over loopback HTTP")]
    public async Task<int> Scrape() => (await _client!.GetByteArrayAsync(new Uri("/metrics", UriKind.Relative)).ConfigureAwait(false)).Length;

    /// <summary>Starts a host with <paramref name="exporter"/> serving /metrics and the standard measurements made.</summary>
    internal static async Task<(WebApplication App, HttpClient Client)> StartAsync(string exporter, bool measure = true)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (exporter == InHouse)
        {
            MetricsEndpoints.AddServerMetrics(builder.Services);
        }
        else
        {
            builder.Services.AddMetrics();
            builder.Services.AddSingleton<ServerMetrics>();
            builder.Services.AddOpenTelemetry().WithMetrics(meters => meters
                .AddMeter("IvrVoice.*")
                .AddView(instrument => instrument is Histogram<double> && instrument.Unit == "s"
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = s_buckets }
                    : null)
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        builder.Services.AddSingleton(sp => new PromptCacheMetrics(sp.GetRequiredService<IMeterFactory>()));
        builder.Services.AddSingleton<TtsMetrics>();
        WebApplication app = builder.Build();
        if (exporter == InHouse)
        {
            MetricsEndpoints.MapMetrics(app);
        }
        else
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint();
        }

        await app.StartAsync().ConfigureAwait(false);
        if (measure)
        {
            Measure(app.Services);
        }
        else
        {
            // The instruments exist (resolved), but nothing is measured on this host.
            _ = app.Services.GetRequiredService<ServerMetrics>();
            _ = app.Services.GetRequiredService<PromptCacheMetrics>();
            _ = app.Services.GetRequiredService<TtsMetrics>();
        }
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    /// <summary>The same measurements on either host, so the two scrapes describe the same state.</summary>
    private static void Measure(IServiceProvider services)
    {
        ServerMetrics server = services.GetRequiredService<ServerMetrics>();
        PromptCacheMetrics cache = services.GetRequiredService<PromptCacheMetrics>();
        TtsMetrics tts = services.GetRequiredService<TtsMetrics>();
        string[] routes =
        [
            "/twilio/voice/{flow}", "/twilio/voice/{flow}/gather/{step}", "/twilio/voice/{flow}/status", "/prompts/{key}.wav",
            "/announcements/{token}.wav", "/api/prompts", "/api/prompts/{key}", "/api/render", "/health/live", "/health/ready",
            "/metrics", "/audition",
        ];
        for (int i = 0; i < routes.Length; i++)
        {
            for (int n = 0; n < 20; n++)
            {
                server.RequestCompleted(routes[i], n % 5 == 0 ? 404 : 200, TimeSpan.FromMilliseconds(0.3 + (n * 7.5) + i));
            }
        }

        server.SayFallback("deadline");
        server.SayFallback("render_failed");
        foreach (string tier in (string[])["memory", "disk", "postgres"])
        {
            cache.Hit(tier);
        }

        cache.Miss();
        cache.Rendered(succeeded: true);
        tts.RecordFailover("gemini", "aigateway");
    }

    /// <summary>Writes each exporter's /metrics for the same measurements to <paramref name="folder"/>, to compare names and format.</summary>
    public static async Task WriteOutputsAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string exporter in (string[])[InHouse, OpenTelemetry])
        {
            (WebApplication app, HttpClient client) = await StartAsync(exporter).ConfigureAwait(false);
            using (client)
            await using (app.ConfigureAwait(false))
            {
                using HttpResponseMessage response = await client.GetAsync(new Uri("/metrics", UriKind.Relative)).ConfigureAwait(false);
                string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                string path = Path.Combine(folder, exporter + ".txt");
                await File.WriteAllTextAsync(path, text).ConfigureAwait(false);
                Console.WriteLine($"{exporter}: {response.Content.Headers.ContentType}, {text.Length} characters -> {path}");
            }

            // Two hosts in one process (as the tests run them): does a host's /metrics show only its own measurements?
            (WebApplication measured, HttpClient measuredClient) = await StartAsync(exporter).ConfigureAwait(false);
            (WebApplication idle, HttpClient idleClient) = await StartAsync(exporter, measure: false).ConfigureAwait(false);
            using (measuredClient)
            using (idleClient)
            await using (measured.ConfigureAwait(false))
            await using (idle.ConfigureAwait(false))
            {
                string text = await idleClient.GetStringAsync(new Uri("/metrics", UriKind.Relative)).ConfigureAwait(false);
                int foreign = text.Split('\n').Count(line => line.StartsWith("ivrvoice_", StringComparison.Ordinal));
                Console.WriteLine($"{exporter}: a second host that measured nothing shows {foreign} ivrvoice_ samples");
            }
        }
    }
}
