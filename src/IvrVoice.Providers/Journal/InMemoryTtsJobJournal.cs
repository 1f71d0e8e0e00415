using System.Collections.Concurrent;

namespace IvrVoice.Providers.Journal;

/// <summary>The default journal: survives retries and failovers within one process, not a restart.</summary>
internal sealed class InMemoryTtsJobJournal(TimeProvider timeProvider) : ITtsJobJournal
{
    // Longer than any route keeps a result (Segmind: 1 hour), so a forgotten entry can never be resumed wrongly.
    private static readonly TimeSpan s_maxAge = TimeSpan.FromHours(2);
    private readonly ConcurrentDictionary<(string Route, string Key), TtsJob> _jobs = new();

    public Task<TtsJob?> FindAsync(string route, string idempotencyKey, CancellationToken cancellationToken)
    {
        _jobs.TryGetValue((route, idempotencyKey), out TtsJob? job);
        return Task.FromResult(job);
    }

    public Task RecordAsync(TtsJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        DateTimeOffset cutoff = timeProvider.GetUtcNow() - s_maxAge;
        foreach (KeyValuePair<(string, string), TtsJob> stale in _jobs.Where(p => p.Value.SubmittedAt < cutoff))
        {
            _jobs.TryRemove(stale.Key, out _);
        }

        _jobs[(job.Route, job.IdempotencyKey)] = job;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string route, string idempotencyKey, CancellationToken cancellationToken)
    {
        _jobs.TryRemove((route, idempotencyKey), out _);
        return Task.CompletedTask;
    }
}
