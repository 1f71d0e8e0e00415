using System.Diagnostics.Metrics;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Server.Tests;

/// <summary>The Prometheus exporter records from many threads at once without a lock, and writes the text format as before.</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Scrape_CounterAndHistogram_WritesTheTextExpositionFormat()
    {
        IMeterFactory factory = _services.GetRequiredService<IMeterFactory>();
        using PrometheusExporter exporter = new(factory);
        Meter meter = factory.Create(ServerMetrics.MeterName);
        Counter<long> counter = meter.CreateCounter<long>("demo.requests", "{request}", "Requests.");
        Histogram<double> histogram = meter.CreateHistogram<double>("demo.duration", "s", "Time.");

        counter.Add(2, new KeyValuePair<string, object?>("status", 200), new KeyValuePair<string, object?>("route", "/a"));
        counter.Add(1, new KeyValuePair<string, object?>("route", "/a"), new KeyValuePair<string, object?>("status", 200));
        histogram.Record(0.00390625);   // 2^-8: every value and the sum are exact in binary
        histogram.Record(0.5);
        histogram.Record(100);

        // Written from the exposition format (version 0.0.4): HELP and TYPE lines, labels in name order, cumulative buckets
        // with an le label, +Inf, _sum and _count; families in name order.
        string expected =
            "# HELP demo_duration Time. (s)\n"
            + "# TYPE demo_duration histogram\n"
            + "demo_duration_bucket{le=\"0.001\"} 0\n"
            + "demo_duration_bucket{le=\"0.005\"} 1\n"
            + "demo_duration_bucket{le=\"0.01\"} 1\n"
            + "demo_duration_bucket{le=\"0.025\"} 1\n"
            + "demo_duration_bucket{le=\"0.05\"} 1\n"
            + "demo_duration_bucket{le=\"0.1\"} 1\n"
            + "demo_duration_bucket{le=\"0.25\"} 1\n"
            + "demo_duration_bucket{le=\"0.5\"} 2\n"
            + "demo_duration_bucket{le=\"1\"} 2\n"
            + "demo_duration_bucket{le=\"2.5\"} 2\n"
            + "demo_duration_bucket{le=\"5\"} 2\n"
            + "demo_duration_bucket{le=\"10\"} 2\n"
            + "demo_duration_bucket{le=\"30\"} 2\n"
            + "demo_duration_bucket{le=\"60\"} 2\n"
            + "demo_duration_bucket{le=\"+Inf\"} 3\n"
            + "demo_duration_sum 100.50390625\n"
            + "demo_duration_count 3\n"
            + "# HELP demo_requests_total Requests. ({request})\n"
            + "# TYPE demo_requests_total counter\n"
            + "demo_requests_total{route=\"/a\",status=\"200\"} 3\n";
        Assert.Equal(expected, exporter.Scrape());
    }

    [Fact]
    public void Record_ManyThreadsAtOnce_LosesNoIncrement()
    {
        IMeterFactory factory = _services.GetRequiredService<IMeterFactory>();
        using PrometheusExporter exporter = new(factory);
        ServerMetrics metrics = new(factory);
        const int Threads = 8, PerThread = 20_000;
        string[] routes = ["/prompts/{key}.wav", "/twilio/voice/{flow}"];

        using Barrier start = new(Threads);
        Thread[] workers = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                // 0.25 s and 2 s are exact in binary, so the sums are exact whatever the order of the additions.
                metrics.RequestCompleted(routes[i % 2], i % 4 == 0 ? 404 : 200, TimeSpan.FromSeconds(i % 2 == 0 ? 0.25 : 2));
            }
        }))];
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        string text = exporter.Scrape();
        const int PerRoute = Threads * PerThread / 2;
        Assert.Contains($"ivrvoice_server_requests_total{{route=\"/prompts/{{key}}.wav\",status=\"200\"}} {PerRoute / 2}\n", text);
        Assert.Contains($"ivrvoice_server_requests_total{{route=\"/prompts/{{key}}.wav\",status=\"404\"}} {PerRoute / 2}\n", text);
        Assert.Contains($"ivrvoice_server_requests_total{{route=\"/twilio/voice/{{flow}}\",status=\"200\"}} {PerRoute}\n", text);
        Assert.Contains($"ivrvoice_server_request_duration_count{{route=\"/prompts/{{key}}.wav\"}} {PerRoute}\n", text);
        Assert.Contains($"ivrvoice_server_request_duration_sum{{route=\"/prompts/{{key}}.wav\"}} {PerRoute * 0.25}\n", text);
        Assert.Contains($"ivrvoice_server_request_duration_sum{{route=\"/twilio/voice/{{flow}}\"}} {PerRoute * 2}\n", text);
        Assert.Contains($"ivrvoice_server_request_duration_bucket{{route=\"/twilio/voice/{{flow}}\",le=\"1\"}} 0\n", text);
        Assert.Contains($"ivrvoice_server_request_duration_bucket{{route=\"/twilio/voice/{{flow}}\",le=\"2.5\"}} {PerRoute}\n", text);
    }

    [Fact]
    public void Scrape_WhileThreadsRecord_CountAlwaysEqualsTheInfBucket()
    {
        IMeterFactory factory = _services.GetRequiredService<IMeterFactory>();
        using PrometheusExporter exporter = new(factory);
        ServerMetrics metrics = new(factory);
        using CancellationTokenSource stop = new();
        Thread writer = new(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                metrics.RequestCompleted("/r", 200, TimeSpan.FromMilliseconds(3));
            }
        });
        writer.Start();
        try
        {
            for (int scrape = 0; scrape < 200; scrape++)
            {
                string text = exporter.Scrape();
                string? count = Line(text, "ivrvoice_server_request_duration_count{route=\"/r\"} ");
                string? inf = Line(text, "ivrvoice_server_request_duration_bucket{route=\"/r\",le=\"+Inf\"} ");
                Assert.Equal(count, inf);
            }
        }
        finally
        {
            stop.Cancel();
            writer.Join();
        }
    }

    private static string? Line(string text, string prefix) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
}
