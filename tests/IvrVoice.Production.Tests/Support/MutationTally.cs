using System.Collections.Concurrent;

namespace IvrVoice.Production.Tests.Support;

/// <summary>Counts what a mutation run produced, keeps the unexpected failures, and knows which input each worker is on.</summary>
internal sealed class MutationTally
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _inProgress = new();

    public ConcurrentQueue<string> Unexpected { get; } = new();

    /// <summary>Failures further down the pipeline, after the input itself was accepted.</summary>
    public ConcurrentQueue<string> Downstream { get; } = new();

    public void Add(string outcome) => _counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public int Count(string outcome) => _counts.GetValueOrDefault(outcome);

    public void Start(int worker, string input) => _inProgress[worker] = input;

    public string InProgress() => string.Join("; ", _inProgress.Select(p => $"worker {p.Key}: {p.Value}"));

    public string Summary() => string.Join(", ", _counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));
}
