namespace IvrVoice.Caching;

/// <summary>
/// The durable tier behind the memory tier: the file system on one node, PostgreSQL when several nodes share a cache.
/// Implementations are safe for concurrent use.
/// </summary>
public interface IPromptStore
{
    /// <summary>Short name used in metrics and logs: "disk" or "postgres".</summary>
    string Name { get; }

    /// <summary>
    /// Prepares the store (creates folders and indexes entries, or applies the schema). Idempotent; the other
    /// members call it on first use, the host calls it at start-up.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The prompt with its audio, or null when the store does not hold it.</summary>
    ValueTask<CachedPrompt?> GetAsync(PromptKey key, CancellationToken cancellationToken);

    /// <summary>The prompt's metadata without its audio, or null.</summary>
    ValueTask<PromptMetadata?> GetMetadataAsync(PromptKey key, CancellationToken cancellationToken);

    ValueTask<bool> ExistsAsync(PromptKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a prompt, replacing an entry with the same key. A pinned entry stays pinned when replaced by an unpinned one;
    /// only <see cref="SetPinnedAsync"/> unpins.
    /// </summary>
    /// <exception cref="ArgumentException">The metadata's length or SHA-256 does not match the audio.</exception>
    Task PutAsync(CachedPrompt prompt, CancellationToken cancellationToken);

    /// <summary>Removes an entry; false when there was none.</summary>
    Task<bool> DeleteAsync(PromptKey key, CancellationToken cancellationToken);

    /// <summary>Pins or unpins an entry; false when there is none.</summary>
    Task<bool> SetPinnedAsync(PromptKey key, bool pinned, CancellationToken cancellationToken);

    /// <summary>The metadata of every entry, in no particular order.</summary>
    IAsyncEnumerable<PromptMetadata> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lock that lets one renderer at a time render <paramref name="key"/>; dispose to release it.
    /// PostgreSQL holds an advisory lock shared by every node; the disk store returns at once (one process, already single-flight).
    /// </summary>
    ValueTask<IAsyncDisposable> AcquireRenderLockAsync(PromptKey key, CancellationToken cancellationToken);

    /// <summary>Whether the store can be read and written now (for readiness probes).</summary>
    Task<PromptStoreHealth> CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>The answer of <see cref="IPromptStore.CheckHealthAsync"/>.</summary>
/// <param name="IsHealthy">True when the store can be read and written.</param>
/// <param name="Description">What was checked, or why it failed; never contains a secret.</param>
/// <param name="Entries">How many prompts the store holds, when known.</param>
/// <param name="StoredBytes">How many bytes the store holds, when known.</param>
public sealed record PromptStoreHealth(bool IsHealthy, string Description, long? Entries = null, long? StoredBytes = null);

/// <summary>What <see cref="PromptCache.StoreStatus"/> reports about the durable store.</summary>
/// <param name="Store">"disk" or "postgres".</param>
/// <param name="Degraded">True while the store fails; the cache then serves from memory and renders.</param>
/// <param name="Reason">Why it is degraded (no secret, no path), or null.</param>
/// <param name="Since">When it started failing, or null.</param>
/// <param name="PendingWrites">Rendered prompts held in memory until the store takes them.</param>
public sealed record PromptStoreStatus(string Store, bool Degraded, string? Reason, DateTimeOffset? Since, int PendingWrites);
