using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using IvrVoice.Caching;
using IvrVoice.Server.Hosting;

namespace IvrVoice.Server.Metrics;

/// <summary>
/// Listens to the product's meters of this host and writes their current values in the Prometheus text exposition format
/// (version 0.0.4). Counters become <c>_total</c> series, up-down counters and gauges become gauges, histograms get
/// cumulative buckets. Only meters made by this host's <see cref="IMeterFactory"/> are read, so several hosts in one process
/// (tests) never mix their figures.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    internal static readonly IReadOnlyList<string> MeterNames = [PromptCacheMetrics.MeterName, "IvrVoice.Providers", ServerMetrics.MeterName];

    // Seconds: from a cache hit (well under a millisecond) to a slow render.
    internal static readonly double[] DefaultBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly object _scope;
    private readonly MeterListener _listener;
    // Written when an instrument is published or completed, read by every scrape: no lock on either path.
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _series = new();

    public PrometheusExporter(IMeterFactory meterFactory)
    {
        _scope = meterFactory;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished, MeasurementsCompleted = OnMeasurementsCompleted };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<float>((instrument, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<short>((instrument, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<byte>((instrument, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<decimal>((instrument, value, tags, state) => Record(state, (double)value, tags));
        _listener.Start();
    }

    /// <summary>The current value of every series, as Prometheus text.</summary>
    public string Scrape()
    {
        // Observable instruments report through the same callbacks, now.
        _listener.RecordObservableInstruments();
        StringBuilder text = new();
        foreach (InstrumentSeries series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            series.Write(text);
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!ReferenceEquals(instrument.Meter.Scope, _scope) || !MeterNames.Contains(instrument.Meter.Name))
        {
            return;
        }

        InstrumentSeries series = new(instrument);
        _series[instrument] = series;

        listener.EnableMeasurementEvents(instrument, series);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state) => _series.TryRemove(instrument, out _);

    /// <summary>
    /// One measurement, from any thread: the series' cell for these tags is found without formatting them (after the
    /// first time) and updated with interlocked operations, so concurrent requests never wait on each other here.
    /// </summary>
    private static void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is InstrumentSeries series)
        {
            series.Record(tags, value);
        }
    }

    /// <summary>The label set in a canonical order, already formatted: <c>{a="1",b="x"}</c>, or empty without tags.</summary>
    internal static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        KeyValuePair<string, object?>[] sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        StringBuilder labels = new("{");
        foreach (KeyValuePair<string, object?> tag in sorted)
        {
            if (labels.Length > 1)
            {
                labels.Append(',');
            }

            labels.Append(SanitizeName(tag.Key)).Append("=\"");
            AppendEscaped(labels, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "");
            labels.Append('"');
        }

        return labels.Append('}').ToString();
    }

    private static void AppendEscaped(StringBuilder text, string value)
    {
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>Prometheus metric and label names: letters, digits and underscores, not starting with a digit.</summary>
    internal static string SanitizeName(string name)
    {
        StringBuilder result = new(name.Length);
        foreach (char c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    internal static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);
}
