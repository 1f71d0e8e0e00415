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
    // Formatted label sets kept per instrument; past this (a tag with unbounded values) label sets are formatted per measurement.
    private const int MaxCachedLabelSets = 4096;

    private static readonly double[] DefaultBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly object _scope;
    private readonly MeterListener _listener;
    private readonly Dictionary<Instrument, InstrumentSeries> _series = [];
    private readonly Lock _gate = new();

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
        lock (_gate)
        {
            foreach (InstrumentSeries series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                series.Write(text);
            }
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
        lock (_gate)
        {
            _series[instrument] = series;
        }

        listener.EnableMeasurementEvents(instrument, series);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        lock (_gate)
        {
            _series.Remove(instrument);
        }
    }

    private void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is InstrumentSeries series)
        {
            lock (_gate)
            {
                series.Record(tags, value);
            }
        }
    }

    /// <summary>The label set in a canonical order, already formatted: <c>{a="1",b="x"}</c>, or empty without tags.</summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
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

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Every series of one instrument, keyed by label set.</summary>
    private sealed class InstrumentSeries
    {
        private readonly Kind _kind;
        private readonly bool _reportsCurrentValue;
        private readonly double[] _buckets;
        private readonly string _help;
        private readonly Dictionary<string, ValueCell> _values = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Histogram> _histograms = new(StringComparer.Ordinal);
        private readonly Dictionary<int, LabelSet> _labelSets = [];
        private int _labelSetCount;

        public InstrumentSeries(Instrument instrument)
        {
            Type definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            _kind = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? Kind.Counter
                : definition == typeof(Histogram<>) ? Kind.Histogram
                : Kind.Gauge;
            // Observable instruments and gauges report a current (or cumulative) value; the others report increments.
            _reportsCurrentValue = instrument.IsObservable || definition == typeof(Gauge<>);
            string baseName = SanitizeName(instrument.Name);
            Name = _kind == Kind.Counter ? baseName + "_total" : baseName;
            FamilyName = baseName;
            _buckets = instrument.Unit == "ms" ? [.. DefaultBuckets.Select(b => b * 1000)] : DefaultBuckets;
            string unit = string.IsNullOrEmpty(instrument.Unit) ? "" : $" ({instrument.Unit})";
            _help = (instrument.Description ?? instrument.Name).Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal) + unit;
        }

        private enum Kind
        {
            Counter,
            Gauge,
            Histogram,
        }

        public string Name { get; }

        private string FamilyName { get; }

        /// <summary>
        /// Adds <paramref name="value"/> to the series of <paramref name="tags"/>. Label sets are cached by the tags as given
        /// (each call site passes its tags in one order) together with their series, so a measurement with a label set seen
        /// before formats nothing, allocates nothing and looks nothing up by string. Call under the gate.
        /// </summary>
        public void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags, double value)
        {
            object cell = CellFor(tags);
            if (cell is Histogram histogram)
            {
                histogram.Record(_buckets, value);
                return;
            }

            ValueCell current = (ValueCell)cell;
            current.Value = _reportsCurrentValue ? value : current.Value + value;
        }

        private object CellFor(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            HashCode hash = default;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                hash.Add(tag.Key, StringComparer.Ordinal);
                hash.Add(tag.Value);
            }

            int key = hash.ToHashCode();
            _labelSets.TryGetValue(key, out LabelSet? first);
            for (LabelSet? set = first; set is not null; set = set.Next)
            {
                if (set.Matches(tags))
                {
                    return set.Cell;
                }
            }

            string labels = Labels(tags);
            object cell;
            if (_kind == Kind.Histogram)
            {
                if (!_histograms.TryGetValue(labels, out Histogram? histogram))
                {
                    _histograms[labels] = histogram = new Histogram(_buckets.Length);
                }

                cell = histogram;
            }
            else if (!_values.TryGetValue(labels, out ValueCell? valueCell))
            {
                _values[labels] = valueCell = new ValueCell();
                cell = valueCell;
            }
            else
            {
                cell = valueCell;
            }

            if (_labelSetCount < MaxCachedLabelSets)
            {
                _labelSets[key] = new LabelSet(tags.ToArray(), cell, first);
                _labelSetCount++;
            }

            return cell;
        }

        public void Write(StringBuilder text)
        {
            if (_values.Count == 0 && _histograms.Count == 0)
            {
                return;
            }

            string type = _kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" };
            string family = _kind == Kind.Counter ? Name : FamilyName;
            text.Append("# HELP ").Append(family).Append(' ').Append(_help).Append('\n');
            text.Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
            foreach ((string labels, ValueCell cell) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                text.Append(Name).Append(labels).Append(' ').Append(Number(cell.Value)).Append('\n');
            }

            foreach ((string labels, Histogram histogram) in _histograms.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                long cumulative = 0;
                for (int i = 0; i <= _buckets.Length; i++)
                {
                    cumulative += histogram.Counts[i];
                    string le = i < _buckets.Length ? Number(_buckets[i]) : "+Inf";
                    text.Append(FamilyName).Append("_bucket").Append(WithLabel(labels, "le", le)).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                text.Append(FamilyName).Append("_sum").Append(labels).Append(' ').Append(Number(histogram.Sum)).Append('\n');
                text.Append(FamilyName).Append("_count").Append(labels).Append(' ').Append(histogram.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        private static string WithLabel(string labels, string name, string value) =>
            labels.Length == 0 ? $"{{{name}=\"{value}\"}}" : $"{labels[..^1]},{name}=\"{value}\"}}";
    }

    /// <summary>Tags as a call site passed them, their series (a <see cref="ValueCell"/> or a <see cref="Histogram"/>), and the next set with the same hash.</summary>
    private sealed class LabelSet(KeyValuePair<string, object?>[] tags, object cell, LabelSet? next)
    {
        public object Cell { get; } = cell;

        public LabelSet? Next { get; } = next;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
        {
            if (other.Length != tags.Length)
            {
                return false;
            }

            for (int i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(tags[i].Key, other[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, other[i].Value))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The value of a counter or gauge series.</summary>
    private sealed class ValueCell
    {
        public double Value { get; set; }
    }

    private sealed class Histogram(int bucketCount)
    {
        /// <summary>Observations per bucket (not cumulative); the last slot is above every bound.</summary>
        public long[] Counts { get; } = new long[bucketCount + 1];

        public double Sum { get; private set; }

        public long Count { get; private set; }

        public void Record(double[] bounds, double value)
        {
            int bucket = Array.BinarySearch(bounds, value);
            // Prometheus buckets are "less than or equal": an exact match lands in its own bucket.
            Counts[bucket >= 0 ? bucket : ~bucket]++;
            Sum += value;
            Count++;
        }
    }
}
