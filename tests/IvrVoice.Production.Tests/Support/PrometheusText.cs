using System.Text;
using System.Text.RegularExpressions;

namespace IvrVoice.Production.Tests.Support;

/// <summary>One sample of a Prometheus text exposition.</summary>
internal sealed record PrometheusSample(string Family, string Type, string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's specification: it throws
/// <see cref="FormatException"/> on anything a Prometheus server would refuse (bad names, bad escapes, bad numbers, a
/// TYPE after samples or twice, interleaved families, duplicate series, histograms whose buckets are not cumulative or
/// lack +Inf, or whose +Inf bucket differs from _count).
/// </summary>
internal static partial class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        Dictionary<string, string> types = new(StringComparer.Ordinal);
        HashSet<string> helped = new(StringComparer.Ordinal);
        HashSet<string> closedFamilies = new(StringComparer.Ordinal);
        HashSet<string> series = new(StringComparer.Ordinal);
        List<PrometheusSample> samples = [];
        string? currentFamily = null;
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                Match meta = MetaLine().Match(line);
                if (!meta.Success)
                {
                    continue;   // a plain comment
                }

                string family = meta.Groups["name"].Value;
                Open(family);
                if (meta.Groups["kind"].Value == "TYPE")
                {
                    string declared = meta.Groups["rest"].Value;
                    if (!Types.Contains(declared))
                    {
                        throw Error($"unknown type '{declared}'");
                    }

                    if (samples.Any(s => s.Family == family) || !types.TryAdd(family, declared))
                    {
                        throw Error($"TYPE for {family} after its samples or twice");
                    }
                }
                else if (!helped.Add(family))
                {
                    throw Error($"HELP for {family} twice");
                }
                else
                {
                    CheckHelpEscapes(meta.Groups["rest"].Value);
                }

                continue;
            }

            (string name, Dictionary<string, string> labels, double value) = ParseSample(line, Error);
            string owner = FamilyOf(name, types);
            Open(owner);
            string type = types.GetValueOrDefault(owner, "untyped");
            string seriesKey = name + "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(seriesKey))
            {
                throw Error($"duplicate series {seriesKey}");
            }

            if (type == "counter" && (value < 0 || double.IsNaN(value)))
            {
                throw Error($"counter {name} has value {value}");
            }

            samples.Add(new PrometheusSample(owner, type, name, labels, value));

            void Open(string family)
            {
                if (family == currentFamily)
                {
                    return;
                }

                if (closedFamilies.Contains(family))
                {
                    throw Error($"the lines of {family} are not contiguous");
                }

                if (currentFamily is not null)
                {
                    closedFamilies.Add(currentFamily);
                }

                currentFamily = family;
            }
        }

        CheckHistograms(samples);
        return samples;

        FormatException Error(string reason) => new($"Prometheus text line {lineNumber}: {reason}");
    }

    private static (string Name, Dictionary<string, string> Labels, double Value) ParseSample(string line, Func<string, FormatException> error)
    {
        Match name = MetricName().Match(line);
        if (!name.Success)
        {
            throw error("no metric name");
        }

        int at = name.Length;
        Dictionary<string, string> labels = new(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (true)
            {
                if (at < line.Length && line[at] == '}')
                {
                    at++;
                    break;
                }

                Match label = LabelName().Match(line, at);
                if (!label.Success || label.Index != at)
                {
                    throw error("bad label name");
                }

                at += label.Length;
                if (at + 1 >= line.Length || line[at] != '=' || line[at + 1] != '"')
                {
                    throw error("label without =\"");
                }

                at += 2;
                StringBuilder value = new();
                while (true)
                {
                    if (at >= line.Length)
                    {
                        throw error("unterminated label value");
                    }

                    char c = line[at++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        char escaped = at < line.Length ? line[at++] : throw error("dangling escape");
                        value.Append(escaped switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw error($"bad escape \\{escaped}"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!labels.TryAdd(label.Value, value.ToString()))
                {
                    throw error($"label {label.Value} twice");
                }

                if (at < line.Length && line[at] == ',')
                {
                    at++;
                }
                else if (at >= line.Length || line[at] != '}')
                {
                    throw error("labels not separated by commas");
                }
            }
        }

        if (at >= line.Length || line[at] != ' ')
        {
            throw error("no space before the value");
        }

        string[] rest = line[(at + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            throw error("the value is not followed by at most a timestamp");
        }

        double number = rest[0] switch
        {
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : throw error($"bad value '{rest[0]}'"),
        };
        return (name.Value, labels, number);
    }

    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out string? type)
                && type is "histogram" or "summary")
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static void CheckHelpEscapes(string help)
    {
        for (int i = 0; i < help.Length; i++)
        {
            if (help[i] == '\\' && (i + 1 >= help.Length || help[i + 1] is not ('\\' or 'n')))
            {
                throw new FormatException($"bad escape in HELP '{help}'");
            }

            if (help[i] == '\\')
            {
                i++;
            }
        }
    }

    private static void CheckHistograms(List<PrometheusSample> samples)
    {
        foreach (IGrouping<string, PrometheusSample> family in samples.Where(s => s.Type == "histogram").GroupBy(s => s.Family))
        {
            foreach (IGrouping<string, PrometheusSample> one in family.GroupBy(s => LabelKey(s.Labels, "le")))
            {
                List<PrometheusSample> buckets = [.. one.Where(s => s.Name == family.Key + "_bucket")];
                PrometheusSample count = one.SingleOrDefault(s => s.Name == family.Key + "_count")
                    ?? throw new FormatException($"histogram {family.Key}{one.Key} has no _count");
                _ = one.SingleOrDefault(s => s.Name == family.Key + "_sum") ?? throw new FormatException($"histogram {family.Key}{one.Key} has no _sum");
                if (buckets.Any(b => b.Label("le") is null))
                {
                    throw new FormatException($"histogram {family.Key} has a bucket without le");
                }

                List<(double Bound, double Value)> ordered = [.. buckets
                    .Select(b => (Bound: b.Label("le") == "+Inf" ? double.PositiveInfinity : double.Parse(b.Label("le")!, CultureInfo.InvariantCulture), b.Value))
                    .OrderBy(b => b.Bound)];
                if (ordered.Count == 0 || !double.IsPositiveInfinity(ordered[^1].Bound))
                {
                    throw new FormatException($"histogram {family.Key}{one.Key} has no +Inf bucket");
                }

                for (int i = 1; i < ordered.Count; i++)
                {
                    if (ordered[i].Value < ordered[i - 1].Value)
                    {
                        throw new FormatException($"histogram {family.Key}{one.Key} buckets are not cumulative");
                    }
                }

                if (ordered[^1].Value != count.Value)
                {
                    throw new FormatException($"histogram {family.Key}{one.Key}: +Inf bucket {ordered[^1].Value} differs from _count {count.Value}");
                }
            }
        }
    }

    private static string LabelKey(IReadOnlyDictionary<string, string> labels, string except) =>
        "{" + string.Join(",", labels.Where(l => l.Key != except).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";

    [GeneratedRegex(@"^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) ?(?<rest>.*)$")]
    private static partial Regex MetaLine();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex LabelName();
}
