using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Caching;

/// <summary>
/// Prompts as content-addressed files: <c>{root}/{first two key characters}/{key}.prompt</c>, each holding metadata and
/// audio. A write goes to a temporary file in the same folder, is flushed to disk, then renamed over the entry, so a
/// kill at any moment leaves either the old entry or the new one, never a partial one. The folder is bounded in bytes:
/// least-recently-used entries are evicted first and pinned (library) entries never.
/// </summary>
public sealed partial class DiskPromptStore : IPromptStore
{
    internal const string EntryExtension = ".prompt";
    internal const string TempExtension = ".tmp";

    // A temporary file this young may belong to another live process sharing the folder; older ones are crash leftovers.
    internal static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(1);

    // Access times reach the file's mtime at most this often, so a hot prompt costs one syscall a minute, not one per read.
    private static readonly TimeSpan AccessPersistInterval = TimeSpan.FromMinutes(1);

    private static readonly IAsyncDisposable NoLock = new NoOpLock();

    private readonly string _root;
    private readonly long _sizeLimitBytes;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PromptCacheMetrics _metrics;
    private readonly ConcurrentDictionary<PromptKey, IndexEntry> _index = new();
    private readonly SemaphoreSlim[] _keyLocks = CreateKeyLocks(64);
    private readonly SemaphoreSlim _evictionGate = new(1, 1);
    private readonly Lock _initializationLock = new();
    private readonly string _instanceTag = Guid.NewGuid().ToString("N")[..12];
    private Task? _initialization;
    private RepairFindings? _unreportedStartupFindings;
    private long _storedBytes;
    private long _tempCounter;

    public DiskPromptStore(DiskStoreOptions options, TimeProvider timeProvider, ILogger<DiskPromptStore> logger, PromptCacheMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SizeLimitBytes);
        _root = System.IO.Path.GetFullPath(options.Path);
        _sizeLimitBytes = options.SizeLimitBytes;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        metrics.ObserveStoredBytes(StoreName, () => Volatile.Read(ref _storedBytes));
    }

    internal const string StoreName = "disk";

    public string Name => StoreName;

    /// <summary>The absolute path of the cache folder.</summary>
    public string RootPath => _root;

    /// <summary>Bytes the entry files occupy, as indexed.</summary>
    public long StoredBytes => Volatile.Read(ref _storedBytes);

    /// <summary>
    /// Creates the folder and indexes existing entries, deleting temporary files left by a crash and entries whose
    /// structure is damaged. Runs once; every other member waits for it.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureInitializedAsync(cancellationToken);

    public async ValueTask<CachedPrompt?> GetAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        string path = EntryPath(key);
        byte[]? entry = await ReadFileOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        string? problem = DiskEntryFormat.Decode(entry, key, out CachedPrompt? prompt);
        if (problem is not null)
        {
            await RemoveIfStillCorruptAsync(key, cancellationToken).ConfigureAwait(false);
            return null;
        }

        RecordRead(key, path, entry.Length, prompt!.Metadata.Pinned);
        return prompt;
    }

    public async ValueTask<PromptMetadata?> GetMetadataAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        (PromptMetadata? metadata, _) = await ReadMetadataAsync(EntryPath(key), key, cancellationToken).ConfigureAwait(false);
        return metadata;
    }

    public async ValueTask<bool> ExistsAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return File.Exists(EntryPath(key));
    }

    public async Task PutAsync(CachedPrompt prompt, CancellationToken cancellationToken)
    {
        ValidateForStorage(prompt);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        PromptKey key = prompt.Metadata.Key;
        SemaphoreSlim keyLock = LockFor(key);
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool pinned = prompt.Metadata.Pinned || (_index.TryGetValue(key, out IndexEntry? existing) && existing.Pinned);
            PromptMetadata metadata = prompt.Metadata.Pinned == pinned ? prompt.Metadata : prompt.Metadata with { Pinned = pinned };
            byte[] entry = DiskEntryFormat.Encode(metadata, prompt.Audio.Span);
            await WriteAtomicallyAsync(key, entry, cancellationToken).ConfigureAwait(false);
            SetIndex(key, entry.Length, pinned);
        }
        finally
        {
            keyLock.Release();
        }

        await EvictIfOverLimitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        SemaphoreSlim keyLock = LockFor(key);
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return DeleteEntryLocked(key);
        }
        finally
        {
            keyLock.Release();
        }
    }

    public async Task<bool> SetPinnedAsync(PromptKey key, bool pinned, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        SemaphoreSlim keyLock = LockFor(key);
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[]? entry = await ReadFileOrNullAsync(EntryPath(key), cancellationToken).ConfigureAwait(false);
            if (entry is null || DiskEntryFormat.Decode(entry, key, out CachedPrompt? prompt) is not null)
            {
                return false;
            }

            if (prompt!.Metadata.Pinned != pinned)
            {
                byte[] updated = DiskEntryFormat.Encode(prompt.Metadata with { Pinned = pinned }, prompt.Audio.Span);
                await WriteAtomicallyAsync(key, updated, cancellationToken).ConfigureAwait(false);
                SetIndex(key, updated.Length, pinned);
            }

            return true;
        }
        finally
        {
            keyLock.Release();
        }
    }

    public async IAsyncEnumerable<PromptMetadata> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        foreach (PromptKey key in _index.Keys)
        {
            (PromptMetadata? metadata, _) = await ReadMetadataAsync(EntryPath(key), key, cancellationToken).ConfigureAwait(false);
            if (metadata is not null)
            {
                yield return metadata;
            }
        }
    }

    /// <summary>No cross-process lock: in one process <see cref="PromptCache"/> already renders each key once.</summary>
    public ValueTask<IAsyncDisposable> AcquireRenderLockAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return ValueTask.FromResult(NoLock);
    }

    public async Task<PromptStoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            string probe = System.IO.Path.Combine(_root, $".health-{_instanceTag}{TempExtension}");
            await File.WriteAllBytesAsync(probe, [1], cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
            return new PromptStoreHealth(true, $"Disk store at {_root} is writable.", _index.Count, StoredBytes);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new PromptStoreHealth(false, $"Disk store at {_root} cannot be written: {exception.Message}");
        }
    }

    /// <summary>
    /// Checks every entry's audio against its recorded SHA-256 and removes those that fail, and deletes temporary files
    /// left by a crash. The report also counts what the start-up scan repaired, the first time it is asked.
    /// </summary>
    public async Task<PromptStoreRepairReport> VerifyAndRepairAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        RepairFindings findings = Interlocked.Exchange(ref _unreportedStartupFindings, null) ?? new RepairFindings();
        findings.TempFilesDeleted += DeleteStaleTempFiles();
        int verified = 0;
        foreach (PromptKey key in _index.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SemaphoreSlim keyLock = LockFor(key);
            await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                byte[]? entry = await ReadFileOrNullAsync(EntryPath(key), cancellationToken).ConfigureAwait(false);
                if (entry is null)
                {
                    continue;
                }

                string? problem = DiskEntryFormat.Decode(entry, key, out _);
                if (problem is null)
                {
                    verified++;
                }
                else
                {
                    Log.CorruptEntryRemoved(_logger, key.Value, problem);
                    DeleteEntryLocked(key);
                    findings.CorruptEntries.Add(key);
                }
            }
            finally
            {
                keyLock.Release();
            }
        }

        if (findings.TempFilesDeleted > 0 || findings.CorruptEntries.Count > 0)
        {
            Log.Repaired(_logger, findings.CorruptEntries.Count, findings.TempFilesDeleted, _root);
        }

        return new PromptStoreRepairReport(verified, findings.TempFilesDeleted, findings.CorruptEntries);
    }

    /// <summary>Marks an entry as used now, for eviction order; called on memory-tier hits, so it touches no file.</summary>
    internal void RecordAccess(PromptKey key)
    {
        if (_index.TryGetValue(key, out IndexEntry? entry))
        {
            Volatile.Write(ref entry.LastAccessTicks, _timeProvider.GetUtcNow().UtcTicks);
        }
    }

    internal string EntryPath(PromptKey key) =>
        System.IO.Path.Combine(_root, key.Value[..2], key.Value + EntryExtension);

    private Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        Task? initialization = Volatile.Read(ref _initialization);
        if (initialization is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_initializationLock)
        {
            // A failed scan (e.g. the folder was not writable yet) is retried by the next caller.
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = Task.Run(ScanAndIndex, CancellationToken.None);
            }

            initialization = _initialization;
        }

        return initialization.WaitAsync(cancellationToken);
    }

    private void ScanAndIndex()
    {
        Directory.CreateDirectory(_root);
        RepairFindings findings = new() { TempFilesDeleted = DeleteStaleTempFiles() };
        foreach (string folder in Directory.EnumerateDirectories(_root))
        {
            string folderName = System.IO.Path.GetFileName(folder);
            if (!IsFanOutFolderName(folderName))
            {
                continue;
            }

            foreach (string path in Directory.EnumerateFiles(folder, "*" + EntryExtension))
            {
                string fileName = System.IO.Path.GetFileName(path);
                if (!PromptKey.TryParse(fileName[..^EntryExtension.Length], out PromptKey key)
                    || !key.Value.StartsWith(folderName, StringComparison.Ordinal))
                {
                    continue;
                }

                IndexExistingEntry(key, path, findings);
            }
        }

        Volatile.Write(ref _unreportedStartupFindings, findings);
        if (findings.TempFilesDeleted > 0 || findings.CorruptEntries.Count > 0)
        {
            Log.Repaired(_logger, findings.CorruptEntries.Count, findings.TempFilesDeleted, _root);
        }
    }

    private void IndexExistingEntry(PromptKey key, string path, RepairFindings findings)
    {
        string? problem;
        bool pinned = false;
        long length = 0;
        DateTime lastWrite = default;
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            length = stream.Length;
            lastWrite = File.GetLastWriteTimeUtc(path);
            problem = ReadMetadata(stream, key, out PromptMetadata? metadata);
            pinned = metadata?.Pinned ?? false;
        }
        catch (FileNotFoundException)
        {
            return;
        }

        if (problem is not null)
        {
            Log.CorruptEntryRemoved(_logger, key.Value, problem);
            TryDeleteFile(path);
            findings.CorruptEntries.Add(key);
            return;
        }

        _index[key] = new IndexEntry(length, pinned, lastWrite.Ticks);
        Interlocked.Add(ref _storedBytes, length);
    }

    private int DeleteStaleTempFiles()
    {
        if (!Directory.Exists(_root))
        {
            return 0;
        }

        int deleted = 0;
        DateTime staleBefore = _timeProvider.GetUtcNow().UtcDateTime - StaleTempAge;
        foreach (string folder in Directory.EnumerateDirectories(_root))
        {
            if (!IsFanOutFolderName(System.IO.Path.GetFileName(folder)))
            {
                continue;
            }

            foreach (string path in Directory.EnumerateFiles(folder, "*" + TempExtension))
            {
                // This process's own temporary files ({key}.{tag}.{n}.tmp) are live writes; never pull one from under its writer.
                string[] nameParts = System.IO.Path.GetFileName(path).Split('.');
                bool ours = nameParts.Length == 4 && string.Equals(nameParts[1], _instanceTag, StringComparison.Ordinal);
                if (ours || File.GetLastWriteTimeUtc(path) > staleBefore)
                {
                    continue;
                }

                if (TryDeleteFile(path))
                {
                    deleted++;
                }
            }
        }

        return deleted;
    }

    private async Task WriteAtomicallyAsync(PromptKey key, byte[] entry, CancellationToken cancellationToken)
    {
        string finalPath = EntryPath(key);
        string folder = System.IO.Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(folder);
        string tempPath = System.IO.Path.Combine(folder, $"{key.Value}.{_instanceTag}.{Interlocked.Increment(ref _tempCounter)}{TempExtension}");
        try
        {
            FileStreamOptions options = new()
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = entry.Length,
            };
            FileStream stream = new(tempPath, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(entry, cancellationToken).ConfigureAwait(false);

                // fsync before the rename: the name never points at data that is not on disk yet.
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, finalPath, overwrite: true);
        }
        catch
        {
            TryDeleteFile(tempPath);
            throw;
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

    private async Task RemoveIfStillCorruptAsync(PromptKey key, CancellationToken cancellationToken)
    {
        SemaphoreSlim keyLock = LockFor(key);
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Read again under the lock: a writer may have replaced the entry since the failed read.
            byte[]? entry = await ReadFileOrNullAsync(EntryPath(key), cancellationToken).ConfigureAwait(false);
            string? problem = entry is null ? null : DiskEntryFormat.Decode(entry, key, out _);
            if (problem is not null)
            {
                Log.CorruptEntryRemoved(_logger, key.Value, problem);
                DeleteEntryLocked(key);
            }
        }
        finally
        {
            keyLock.Release();
        }
    }

    private static async Task<byte[]?> ReadFileOrNullAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task<(PromptMetadata? Metadata, string? Problem)> ReadMetadataAsync(string path, PromptKey key, CancellationToken cancellationToken)
    {
        try
        {
            FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                byte[] header = new byte[DiskEntryFormat.HeaderLength];
                int read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                string? problem = DiskEntryFormat.ReadHeader(header.AsSpan(0, read), stream.Length, out int metadataLength, out long audioLength);
                if (problem is not null)
                {
                    return (null, problem);
                }

                byte[] json = new byte[metadataLength];
                await stream.ReadExactlyAsync(json, cancellationToken).ConfigureAwait(false);
                problem = DiskEntryFormat.DecodeMetadata(json, key, audioLength, out PromptMetadata? metadata);
                return (metadata, problem);
            }
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, null);
        }
    }

    private static string? ReadMetadata(FileStream stream, PromptKey key, out PromptMetadata? metadata)
    {
        metadata = null;
        Span<byte> header = stackalloc byte[DiskEntryFormat.HeaderLength];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        string? problem = DiskEntryFormat.ReadHeader(header[..read], stream.Length, out int metadataLength, out long audioLength);
        if (problem is not null)
        {
            return problem;
        }

        byte[] json = new byte[metadataLength];
        stream.ReadExactly(json);
        return DiskEntryFormat.DecodeMetadata(json, key, audioLength, out metadata);
    }

    internal static void ValidateForStorage(CachedPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        PromptMetadata metadata = prompt.Metadata ?? throw new ArgumentException("The prompt has no metadata.", nameof(prompt));
        if (metadata.Key.IsDefault)
        {
            throw new ArgumentException("The prompt's metadata has no key.", nameof(prompt));
        }

        if (metadata.ByteLength != prompt.Audio.Length)
        {
            throw new ArgumentException(
                $"Prompt {metadata.Key}: metadata ByteLength {metadata.ByteLength} does not match the {prompt.Audio.Length} audio bytes.", nameof(prompt));
        }

        if (!string.Equals(metadata.Sha256, AudioHash.Compute(prompt.Audio.Span), StringComparison.Ordinal))
        {
            throw new ArgumentException($"Prompt {metadata.Key}: metadata Sha256 does not match the audio.", nameof(prompt));
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

    private static bool IsFanOutFolderName(string name) =>
        name.Length == 2 && name.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static bool TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed class IndexEntry(long length, bool pinned, long lastAccessTicks)
    {
        public long Length { get; } = length;

        public bool Pinned { get; } = pinned;

        public long LastAccessTicks = lastAccessTicks;

        public long PersistedAccessTicks = lastAccessTicks;
    }

    private sealed class RepairFindings
    {
        public int TempFilesDeleted { get; set; }

        public List<PromptKey> CorruptEntries { get; } = [];
    }

    private sealed class NoOpLock : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "Removed corrupt cache entry {PromptKey}: {Problem}")]
        public static partial void CorruptEntryRemoved(ILogger logger, string promptKey, string problem);

        [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Repaired the disk cache at {Root}: removed {CorruptEntries} corrupt entries and {TempFiles} leftover temporary files")]
        public static partial void Repaired(ILogger logger, int corruptEntries, int tempFiles, string root);

        [LoggerMessage(EventId = 322, Level = LogLevel.Information, Message = "Evicted {Entries} least-recently-used prompts ({Bytes} bytes) to stay within Cache:Disk:SizeLimitBytes ({SizeLimitBytes})")]
        public static partial void Evicted(ILogger logger, int entries, long bytes, long sizeLimitBytes);

        [LoggerMessage(EventId = 323, Level = LogLevel.Warning, Message = "The disk cache holds {StoredBytes} bytes, over Cache:Disk:SizeLimitBytes ({SizeLimitBytes}), and only pinned prompts remain")]
        public static partial void PinnedOverLimit(ILogger logger, long storedBytes, long sizeLimitBytes);
    }
}

/// <summary>What <see cref="DiskPromptStore.VerifyAndRepairAsync"/> found and fixed.</summary>
/// <param name="EntriesVerified">Entries whose audio matched their recorded SHA-256.</param>
/// <param name="TempFilesDeleted">Temporary files left by interrupted writes, deleted.</param>
/// <param name="CorruptEntriesRemoved">Entries removed because they were damaged or their audio did not match.</param>
public sealed record PromptStoreRepairReport(int EntriesVerified, int TempFilesDeleted, IReadOnlyList<PromptKey> CorruptEntriesRemoved);
