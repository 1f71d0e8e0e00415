using System.Collections.Concurrent;

namespace IvrVoice.Caching;

/// <summary>
/// Hand-offs in this process's memory: the store of a single node (memory or disk prompt cache). A request that reads must
/// reach the node that wrote. Expired entries are swept as new ones come; at most <see cref="MaxEntries"/> are held.
/// </summary>
internal sealed class MemoryHandoffStore(TimeProvider time) : IHandoffStore
{
    internal const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, (string Value, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private int _puts;

    public bool Shared => false;

    public Task PutAsync(string key, string value, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        HandoffLimits.Check(key, value, lifetime);
        ArgumentNullException.ThrowIfNull(value);
        DateTimeOffset now = time.GetUtcNow();
        if (Interlocked.Increment(ref _puts) % 1024 == 0 || _entries.Count >= MaxEntries)
        {
            Sweep(now);
        }

        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(key))
        {
            throw new InvalidOperationException($"The in-memory hand-off store holds its limit of {MaxEntries} entries.");
        }

        _entries[key] = (value, now + lifetime);
        return Task.CompletedTask;
    }

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        HandoffLimits.Check(key);
        return Task.FromResult(_entries.TryGetValue(key, out (string Value, DateTimeOffset Expires) entry) && entry.Expires > time.GetUtcNow() ? entry.Value : null);
    }

    public Task<string?> TakeAsync(string key, CancellationToken cancellationToken)
    {
        HandoffLimits.Check(key);
        return Task.FromResult(_entries.TryRemove(key, out (string Value, DateTimeOffset Expires) entry) && entry.Expires > time.GetUtcNow() ? entry.Value : null);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach ((string key, (string _, DateTimeOffset expires)) in _entries)
        {
            if (expires <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
