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
    private readonly StoreInitialization _initialization;
    private readonly string _instanceTag = Guid.NewGuid().ToString("N")[..12];
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
        _initialization = new StoreInitialization(() =>
        {
            ScanAndIndex();
            return Task.CompletedTask;
        });
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

    internal string EntryPath(PromptKey key) =>
        System.IO.Path.Combine(_root, key.Value[..2], key.Value + EntryExtension);

    private Task EnsureInitializedAsync(CancellationToken cancellationToken) => _initialization.EnsureAsync(cancellationToken);

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
