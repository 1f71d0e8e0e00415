using System.Collections.Concurrent;

namespace IvrVoice.Caching;

// Index and eviction: which entries exist, how large, how recently used, and the per-key locks that keep them consistent.
public sealed partial class DiskPromptStore
{
    /// <summary>Marks an entry as used now, for eviction order; called on memory-tier hits, so it touches no file.</summary>
    internal void RecordAccess(PromptKey key)
    {
        if (_index.TryGetValue(key, out IndexEntry? entry))
        {
            Volatile.Write(ref entry.LastAccessTicks, _timeProvider.GetUtcNow().UtcTicks);
        }
    }

    private async Task EvictIfOverLimitAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _storedBytes) <= _sizeLimitBytes)
        {
            return;
        }

        await _evictionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _storedBytes) <= _sizeLimitBytes)
            {
                return;
            }

            // Oldest access first; pinned entries are never candidates.
            PriorityQueue<KeyValuePair<PromptKey, IndexEntry>, long> candidates = new(
                _index.Where(static pair => !pair.Value.Pinned)
                    .Select(static pair => (pair, Volatile.Read(ref pair.Value.LastAccessTicks))));
            int evicted = 0;
            long freed = 0;
            while (Volatile.Read(ref _storedBytes) > _sizeLimitBytes
                && candidates.TryDequeue(out KeyValuePair<PromptKey, IndexEntry> candidate, out _))
            {
                SemaphoreSlim keyLock = LockFor(candidate.Key);
                await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    // Skip an entry rewritten since the snapshot: it is no longer the least recently used.
                    if (_index.TryGetValue(candidate.Key, out IndexEntry? current) && ReferenceEquals(current, candidate.Value)
                        && DeleteEntryLocked(candidate.Key))
                    {
                        evicted++;
                        freed += current.Length;
                    }
                }
                finally
                {
                    keyLock.Release();
                }
            }

            if (evicted > 0)
            {
                _metrics.Evicted(StoreName, evicted);
                Log.Evicted(_logger, evicted, freed, _sizeLimitBytes);
            }

            if (Volatile.Read(ref _storedBytes) > _sizeLimitBytes)
            {
                Log.PinnedOverLimit(_logger, Volatile.Read(ref _storedBytes), _sizeLimitBytes);
            }
        }
        finally
        {
            _evictionGate.Release();
        }
    }

    private bool DeleteEntryLocked(PromptKey key)
    {
        bool existed = File.Exists(EntryPath(key));
        TryDeleteFile(EntryPath(key));
        if (_index.TryRemove(key, out IndexEntry? removed))
        {
            Interlocked.Add(ref _storedBytes, -removed.Length);
            return true;
        }

        return existed;
    }

    private void SetIndex(PromptKey key, long length, bool pinned)
    {
        long now = _timeProvider.GetUtcNow().UtcTicks;
        IndexEntry entry = new(length, pinned, now) { PersistedAccessTicks = now };
        long previousLength = _index.TryGetValue(key, out IndexEntry? previous) ? previous.Length : 0;
        _index[key] = entry;
        Interlocked.Add(ref _storedBytes, length - previousLength);
    }

    private void RecordRead(PromptKey key, string path, long length, bool pinned)
    {
        long now = _timeProvider.GetUtcNow().UtcTicks;
        if (!_index.TryGetValue(key, out IndexEntry? entry))
        {
            // Written by another process sharing the folder: adopt it so eviction accounts for it. A busy lock means a
            // writer here is indexing this key anyway, so never block a read on it.
            SemaphoreSlim keyLock = LockFor(key);
            if (!keyLock.Wait(0))
            {
                return;
            }

            try
            {
                if (!_index.ContainsKey(key) && File.Exists(path))
                {
                    SetIndex(key, length, pinned);
                }
            }
            finally
            {
                keyLock.Release();
            }

            return;
        }

        Volatile.Write(ref entry.LastAccessTicks, now);
        if (now - Volatile.Read(ref entry.PersistedAccessTicks) >= AccessPersistInterval.Ticks)
        {
            Volatile.Write(ref entry.PersistedAccessTicks, now);
            try
            {
                // The mtime carries the access order across restarts.
                File.SetLastWriteTimeUtc(path, new DateTime(now, DateTimeKind.Utc));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Best effort: at worst the entry looks older after a restart.
            }
        }
    }

    private SemaphoreSlim LockFor(PromptKey key) => _keyLocks[(uint)key.GetHashCode() % (uint)_keyLocks.Length];

    private static SemaphoreSlim[] CreateKeyLocks(int count)
    {
        SemaphoreSlim[] locks = new SemaphoreSlim[count];
        for (int i = 0; i < count; i++)
        {
            locks[i] = new SemaphoreSlim(1, 1);
        }

        return locks;
    }

    private sealed class IndexEntry(long length, bool pinned, long lastAccessTicks)
    {
        public long Length { get; } = length;

        public bool Pinned { get; } = pinned;

        public long LastAccessTicks = lastAccessTicks;

        public long PersistedAccessTicks = lastAccessTicks;
    }
}
