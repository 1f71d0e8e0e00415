using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace IvrVoice.Server.Metrics;

/// <summary>
/// Every series of one instrument, keyed by label set. Recording is lock-free: a measurement's tags are looked up as they
/// come (their keys and values, no formatting) in a concurrent map to the series' cell, and the cell is updated with
/// interlocked operations. Tags are formatted into a label set only the first time they are seen, and two tag lists that
/// format alike (another order, another number type) share one cell.
/// </summary>
internal sealed class InstrumentSeries
{
    private readonly Kind _kind;
    private readonly bool _reportsCurrentValue;
    private readonly double[] _buckets;
    private readonly string _help;
    private readonly ConcurrentDictionary<TagKey, Cell> _byTags = new();
    private readonly ConcurrentDictionary<string, Cell> _byLabels = new(StringComparer.Ordinal);

    public InstrumentSeries(Instrument instrument)
    {
        Type definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        _kind = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? Kind.Counter
            : definition == typeof(Histogram<>) ? Kind.Histogram
            : Kind.Gauge;
        // Observable instruments and gauges report a current (or cumulative) value; the others report increments.
        _reportsCurrentValue = instrument.IsObservable || definition == typeof(Gauge<>);
        string baseName = PrometheusExporter.SanitizeName(instrument.Name);
        Name = _kind == Kind.Counter ? baseName + "_total" : baseName;
        FamilyName = baseName;
        _buckets = instrument.Unit == "ms" ? [.. PrometheusExporter.DefaultBuckets.Select(b => b * 1000)] : PrometheusExporter.DefaultBuckets;
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

    public void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags, double value)
    {
        Cell cell = CellFor(tags);
        if (_kind == Kind.Histogram)
        {
            int bucket = Array.BinarySearch(_buckets, value);
            // Prometheus buckets are "less than or equal": an exact match lands in its own bucket.
            Interlocked.Increment(ref cell.Counts![bucket >= 0 ? bucket : ~bucket]);
            AddDouble(ref cell.Value, value);
            return;
        }

        if (_reportsCurrentValue)
        {
            Volatile.Write(ref cell.Value, value);
        }
        else
        {
            AddDouble(ref cell.Value, value);
        }
    }

    public void Write(StringBuilder text)
    {
        if (_byLabels.IsEmpty)
        {
            return;
        }

        string type = _kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" };
        string family = _kind == Kind.Counter ? Name : FamilyName;
        text.Append("# HELP ").Append(family).Append(' ').Append(_help).Append('\n');
        text.Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
        foreach ((string labels, Cell cell) in _byLabels.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (_kind != Kind.Histogram)
            {
                text.Append(Name).Append(labels).Append(' ').Append(PrometheusExporter.Number(Volatile.Read(ref cell.Value))).Append('\n');
                continue;
            }

            // The count is the buckets' total as read here, so _count always equals the +Inf bucket of the same scrape.
            long cumulative = 0;
            for (int i = 0; i <= _buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref cell.Counts![i]);
                string le = i < _buckets.Length ? PrometheusExporter.Number(_buckets[i]) : "+Inf";
                text.Append(FamilyName).Append("_bucket").Append(WithLabel(labels, "le", le)).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(FamilyName).Append("_sum").Append(labels).Append(' ').Append(PrometheusExporter.Number(Volatile.Read(ref cell.Value))).Append('\n');
            text.Append(FamilyName).Append("_count").Append(labels).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private Cell CellFor(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (TagKey.TryCreate(tags, out TagKey key))
        {
            return _byTags.TryGetValue(key, out Cell? known) ? known : _byTags.GetOrAdd(key, CellForLabels(PrometheusExporter.Labels(tags)));
        }

        return CellForLabels(PrometheusExporter.Labels(tags));   // more tags than a key holds: formatted every time
    }

    private Cell CellForLabels(string labels) =>
        _byLabels.TryGetValue(labels, out Cell? cell) ? cell : _byLabels.GetOrAdd(labels, _ => new Cell(_kind == Kind.Histogram ? _buckets.Length + 1 : 0));

    private static void AddDouble(ref double target, double value)
    {
        double current = Volatile.Read(ref target);
        while (true)
        {
            double seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    private static string WithLabel(string labels, string name, string value) =>
        labels.Length == 0 ? $"{{{name}=\"{value}\"}}" : $"{labels[..^1]},{name}=\"{value}\"}}";

    /// <summary>One series: a counter's total, a gauge's value or a histogram's sum, and a histogram's per-bucket counts.</summary>
    private sealed class Cell(int buckets)
    {
        public double Value;

        /// <summary>Observations per bucket (not cumulative); the last slot is above every bound. Null outside histograms.</summary>
        public readonly long[]? Counts = buckets == 0 ? null : new long[buckets];
    }

    /// <summary>Up to three tags as they were passed (key and value objects), compared by key and value equality.</summary>
    private readonly struct TagKey : IEquatable<TagKey>
    {
        private const int MaxTags = 3;

        private readonly int _count;
        private readonly string? _key0, _key1, _key2;
        private readonly object? _value0, _value1, _value2;

        private TagKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _count = tags.Length;
            if (tags.Length > 0) (_key0, _value0) = (tags[0].Key, tags[0].Value);
            if (tags.Length > 1) (_key1, _value1) = (tags[1].Key, tags[1].Value);
            if (tags.Length > 2) (_key2, _value2) = (tags[2].Key, tags[2].Value);
        }

        public static bool TryCreate(ReadOnlySpan<KeyValuePair<string, object?>> tags, out TagKey key)
        {
            key = tags.Length <= MaxTags ? new TagKey(tags) : default;
            return tags.Length <= MaxTags;
        }

        public bool Equals(TagKey other) =>
            _count == other._count
            && string.Equals(_key0, other._key0, StringComparison.Ordinal) && Equals(_value0, other._value0)
            && string.Equals(_key1, other._key1, StringComparison.Ordinal) && Equals(_value1, other._value1)
            && string.Equals(_key2, other._key2, StringComparison.Ordinal) && Equals(_value2, other._value2);

        public override bool Equals(object? obj) => obj is TagKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_count, _key0, _value0, _key1, _value1, _key2, _value2);
    }
}
