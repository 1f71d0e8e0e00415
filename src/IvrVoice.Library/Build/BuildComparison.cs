using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IvrVoice.Library.Build;

/// <summary>
/// How a build's output differs from an earlier one (a model migration, a new voice): which prompts got new keys or new
/// audio, how their durations moved, and which routes rendered them. Written as comparison.md and comparison.json.
/// </summary>
public sealed record BuildComparison
{
    public const string MarkdownFileName = "comparison.md";
    public const string JsonFileName = "comparison.json";

    /// <summary>The earlier output folder, as given.</summary>
    public required string Baseline { get; init; }

    /// <summary>This build's output folder, as given.</summary>
    public required string Candidate { get; init; }

    /// <summary>Prompts in both outputs, in the candidate's order.</summary>
    public required IReadOnlyList<PromptComparison> Prompts { get; init; }

    /// <summary>Prompts only this build has, as language/id.</summary>
    public required IReadOnlyList<string> Added { get; init; }

    /// <summary>Prompts only the baseline has, as language/id.</summary>
    public required IReadOnlyList<string> Removed { get; init; }

    public int KeysChanged => Prompts.Count(p => p.KeyChanged);

    public int AudioChanged => Prompts.Count(p => p.AudioChanged);

    /// <summary>Compares two manifests, prompt by prompt (matched by language and id).</summary>
    public static BuildComparison Create(BuildManifest baseline, BuildManifest candidate, string baselineName, string candidateName)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        Dictionary<(string, string), ManifestPrompt> before = baseline.Prompts.ToDictionary(p => (p.Language, p.Id));
        HashSet<(string, string)> after = [.. candidate.Prompts.Select(p => (p.Language, p.Id))];
        List<PromptComparison> compared = [];
        List<string> added = [];
        foreach (ManifestPrompt now in candidate.Prompts)
        {
            if (!before.TryGetValue((now.Language, now.Id), out ManifestPrompt? then))
            {
                added.Add($"{now.Language}/{now.Id}");
                continue;
            }

            compared.Add(new PromptComparison
            {
                Id = now.Id,
                Language = now.Language,
                BaselineKey = then.Key.ToString(),
                CandidateKey = now.Key.ToString(),
                KeyChanged = then.Key != now.Key,
                AudioChanged = !string.Equals(then.Sha256, now.Sha256, StringComparison.Ordinal),
                TextChanged = !string.Equals(then.Text, now.Text, StringComparison.Ordinal),
                BaselineModel = then.Model,
                CandidateModel = now.Model,
                BaselineProvider = then.Provider,
                CandidateProvider = now.Provider,
                BaselineVoice = then.Voice,
                CandidateVoice = now.Voice,
                BaselineDurationSeconds = then.DurationSeconds,
                CandidateDurationSeconds = now.DurationSeconds,
            });
        }

        List<string> removed = [.. baseline.Prompts.Where(p => !after.Contains((p.Language, p.Id))).Select(p => $"{p.Language}/{p.Id}")];
        return new BuildComparison { Baseline = baselineName, Candidate = candidateName, Prompts = compared, Added = added, Removed = removed };
    }

    /// <summary>A review document: a summary, then every prompt (largest duration change first), then added and removed prompts.</summary>
    public string ToMarkdown()
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        StringBuilder md = new();
        md.Append(invariant, $"# Build comparison: {Candidate} against {Baseline}\n\n");
        string[] models = [.. Prompts.Select(p => $"{p.BaselineModel} → {p.CandidateModel}").Distinct(StringComparer.Ordinal)];
        if (models.Length > 0)
        {
            md.Append(invariant, $"Models: {string.Join(", ", models)}.\n\n");
        }

        double before = Prompts.Sum(p => p.BaselineDurationSeconds);
        double after = Prompts.Sum(p => p.CandidateDurationSeconds);
        md.Append(invariant, $"- {Prompts.Count} prompts in both builds: {KeysChanged} with a new key, {AudioChanged} with different audio, {Prompts.Count(p => p.TextChanged)} with different text.\n");
        md.Append(invariant, $"- Total duration {before:0.00} s → {after:0.00} s ({Signed(after - before)} s");
        md.Append(before > 0 ? string.Create(invariant, $", {Signed(100 * (after - before) / before)} %).\n") : ").\n");
        if (Prompts.Count > 0)
        {
            PromptComparison largest = Prompts.MaxBy(p => Math.Abs(p.DeltaSeconds))!;
            md.Append(invariant, $"- Largest change: {largest.Language}/{largest.Id}, {Signed(largest.DeltaSeconds)} s.\n");
        }

        md.Append(invariant, $"- Added: {Added.Count}. Removed: {Removed.Count}.\n\n");
        md.Append("| Prompt | Audio | Duration (s) | Δ (s) | Provider | Model | Voice |\n|---|---|---|---|---|---|---|\n");
        foreach (PromptComparison p in Prompts.OrderByDescending(p => Math.Abs(p.DeltaSeconds)).ThenBy(p => p.Language, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal))
        {
            string audio = p.AudioChanged ? (p.TextChanged ? "changed (text too)" : "changed") : "same";
            md.Append(invariant, $"| {p.Language}/{p.Id} | {audio} | {p.BaselineDurationSeconds:0.00} → {p.CandidateDurationSeconds:0.00} | {Signed(p.DeltaSeconds)} ");
            md.Append(invariant, $"| {Change(p.BaselineProvider, p.CandidateProvider)} | {Change(p.BaselineModel, p.CandidateModel)} | {Change(p.BaselineVoice, p.CandidateVoice)} |\n");
        }

        AppendList(md, "Added", Added);
        AppendList(md, "Removed", Removed);
        return md.ToString();
    }

    internal async Task WriteAsync(string folder, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAsync(Path.Combine(folder, MarkdownFileName), Encoding.UTF8.GetBytes(ToMarkdown()), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAsync(Path.Combine(folder, JsonFileName), JsonSerializer.SerializeToUtf8Bytes(this, BuildJsonContext.Default.BuildComparison), cancellationToken)
            .ConfigureAwait(false);
    }

    private static void AppendList(StringBuilder md, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        md.Append('\n').Append("## ").Append(title).Append("\n\n");
        foreach (string item in items)
        {
            md.Append("- ").Append(item).Append('\n');
        }
    }

    private static string Signed(double value) => value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);

    private static string Change(string before, string after) =>
        string.Equals(before, after, StringComparison.Ordinal) ? before : $"{before} → {after}";
}

/// <summary>One prompt in both builds.</summary>
public sealed record PromptComparison
{
    public required string Id { get; init; }

    public required string Language { get; init; }

    public required string BaselineKey { get; init; }

    public required string CandidateKey { get; init; }

    public bool KeyChanged { get; init; }

    /// <summary>The μ-law audio differs (by SHA-256).</summary>
    public bool AudioChanged { get; init; }

    /// <summary>The text as rendered differs (a migration's translated tags count).</summary>
    public bool TextChanged { get; init; }

    public required string BaselineModel { get; init; }

    public required string CandidateModel { get; init; }

    public required string BaselineProvider { get; init; }

    public required string CandidateProvider { get; init; }

    public required string BaselineVoice { get; init; }

    public required string CandidateVoice { get; init; }

    public double BaselineDurationSeconds { get; init; }

    public double CandidateDurationSeconds { get; init; }

    public double DeltaSeconds => CandidateDurationSeconds - BaselineDurationSeconds;
}
