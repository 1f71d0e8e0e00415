using System.Diagnostics.Metrics;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Server.Tests;

/// <summary>
/// The in-house exporter's bookkeeping, against the Prometheus text format's rules: one series per label set whatever
/// order the tags come in, counters summed, gauges last-value, histogram buckets cumulative with "le" inclusive.
/// </summary>
public sealed class PrometheusLabelSetTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly PrometheusExporter _exporter;
    private readonly Meter _meter;

    public PrometheusLabelSetTests()
    {
        IMeterFactory factory = _services.GetRequiredService<IMeterFactory>();
        _exporter = new PrometheusExporter(factory);
        _meter = factory.Create(ServerMetrics.MeterName);
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Scrape_SameTagsInAnyOrderAndRepeated_OneSeriesSummed()
    {
        Counter<long> counter = _meter.CreateCounter<long>("ivrvoice.test.calls");
        KeyValuePair<string, object?> a = new("route", "/x"), b = new("status", 200), c = new("status", 404);

        for (int i = 0; i < 3; i++)
        {
            counter.Add(2, a, b);
        }

        counter.Add(5, b, a);
        counter.Add(1, a, c);
        counter.Add(7);

        string[] samples = Samples(_exporter.Scrape(), "ivrvoice_test_calls_total");
        Assert.Equal(
            ["ivrvoice_test_calls_total 7", """ivrvoice_test_calls_total{route="/x",status="200"} 11""", """ivrvoice_test_calls_total{route="/x",status="404"} 1"""],
            samples);
    }

    [Fact]
    public void Scrape_Histogram_CumulativeBucketsInclusiveUpperBounds()
    {
        Histogram<double> histogram = _meter.CreateHistogram<double>("ivrvoice.test.duration", "s");
        KeyValuePair<string, object?> route = new("route", "/y");

        // Binary fractions, so the sum is exact: 2^-10, 2^-9, a bound itself (0.25), 0.375, and one past every bound.
        foreach (double seconds in (double[])[0.0009765625, 0.001953125, 0.25, 0.375, 100])
        {
            histogram.Record(seconds, route);
        }

        string[] samples = Samples(_exporter.Scrape(), "ivrvoice_test_duration");
        Assert.Contains("""ivrvoice_test_duration_bucket{route="/y",le="0.001"} 1""", samples);
        Assert.Contains("""ivrvoice_test_duration_bucket{route="/y",le="0.005"} 2""", samples);
        Assert.Contains("""ivrvoice_test_duration_bucket{route="/y",le="0.1"} 2""", samples);
        Assert.Contains("""ivrvoice_test_duration_bucket{route="/y",le="0.25"} 3""", samples);
        Assert.Contains("""ivrvoice_test_duration_bucket{route="/y",le="0.5"} 4""", samples);
        Assert.Contains("""ivrvoice_test_duration_bucket{route="/y",le="60"} 4""", samples);
        Assert.Contains("""ivrvoice_test_duration_bucket{route="/y",le="+Inf"} 5""", samples);
        Assert.Contains("""ivrvoice_test_duration_count{route="/y"} 5""", samples);
        Assert.Contains("""ivrvoice_test_duration_sum{route="/y"} 100.6279296875""", samples);
    }

    [Fact]
    public void Scrape_ManyDistinctLabelValues_EveryOneKept()
    {
        // More label sets than the exporter caches: those past the cache are still counted, each in its own series.
        Counter<long> counter = _meter.CreateCounter<long>("ivrvoice.test.keys");
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 5000; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("key", i));
            }
        }

        string[] samples = Samples(_exporter.Scrape(), "ivrvoice_test_keys_total");
        Assert.Equal(5000, samples.Length);
        Assert.All(samples, s => Assert.EndsWith(" 2", s, StringComparison.Ordinal));
    }

    private static string[] Samples(string text, string family) =>
        [.. text.Split('\n').Where(line => line.StartsWith(family, StringComparison.Ordinal))];
}
