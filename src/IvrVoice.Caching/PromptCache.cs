using System.Collections.Concurrent;
using IvrVoice.Caching.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Caching;

/// <summary>
/// The prompt cache: a memory tier bounded in bytes in front of the configured <see cref="IPromptStore"/>, with
/// single-flight rendering. Concurrent requests for one missing prompt share one render in this process and, when the
/// store is PostgreSQL, one render across every node.
/// </summary>
public sealed partial class PromptCache : IDisposable
{
    internal const string MemoryTier = "memory";

    private readonly IPromptStore _store;
    private readonly StoreGuard _guard;
    private readonly DiskPromptStore? _diskStore;
    private readonly MemoryCache _memory;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _renderTimeout;
    private readonly ILogger _logger;
    private readonly PromptCacheMetrics _metrics;
    private readonly ConcurrentDictionary<PromptKey, RenderFlight> _writingFlights = new();
    private readonly ConcurrentDictionary<PromptKey, RenderFlight> _readOnlyFlights = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly PostEvictionDelegate _onMemoryEviction;

    public PromptCache(
        IPromptStore store,
        IOptions<CacheOptions> options,
        TimeProvider timeProvider,
        ILogger<PromptCache> logger,
        PromptCacheMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(metrics);
        CacheOptions settings = options.Value;
        _store = store;
        _diskStore = store as DiskPromptStore;
        _timeProvider = timeProvider;
        _renderTimeout = settings.RenderTimeout;
        _logger = logger;
        _metrics = metrics;
        _memory = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = settings.Memory.SizeLimitBytes,
            TrackStatistics = true,
        });
        _onMemoryEviction = OnMemoryEviction;
        _guard = new StoreGuard(store, settings.StoreTimeout, timeProvider, logger, metrics);
        metrics.ObserveStoredBytes(MemoryTier, () => _memory.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0);
    }

    /// <summary>The durable tier, for listing and administration.</summary>
    public IPromptStore Store => _store;

    /// <summary>
    /// Whether the durable store is failing (the cache then serves from memory and renders, and keeps writes pending), why,
    /// since when, and how many rendered prompts wait to be written.
    /// </summary>
    public PromptStoreStatus StoreStatus => new(_store.Name, _guard.IsDegraded, _guard.DegradedReason, _guard.DegradedSince, _guard.PendingWrites);

    /// <summary>The store's health check, bounded by <see cref="CacheOptions.StoreTimeout"/>; it also updates <see cref="StoreStatus"/>.</summary>
    public Task<PromptStoreHealth> CheckStoreHealthAsync(CancellationToken cancellationToken) => _guard.CheckHealthAsync(cancellationToken);

    /// <summary>
    /// Whether the durable store holds <paramref name="key"/> now, so a URL naming it will serve it after a restart and on
    /// every node. False while the prompt only waits in memory to be written, or when the store cannot say in time.
    /// </summary>
    public ValueTask<bool> IsKeptAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return _guard.IsKeptAsync(key, cancellationToken);
    }

    /// <summary>
    /// Looks a prompt up in memory, then in the store. A memory hit completes synchronously. A store hit is promoted to
    /// memory in <see cref="CacheMode.ReadWrite"/>; <see cref="CacheMode.ReadOnly"/> writes no tier and
    /// <see cref="CacheMode.Bypass"/> reads none (it always answers null).
    /// </summary>
    public ValueTask<CachedPrompt?> TryGetAsync(PromptKey key, CacheMode mode, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        ThrowIfUndefined(mode);
        if (mode == CacheMode.Bypass)
        {
            return ValueTask.FromResult<CachedPrompt?>(null);
        }

        if (TryGetFromMemory(key, out CachedPrompt? hit))
        {
            return ValueTask.FromResult<CachedPrompt?>(hit);
        }

        return TryGetFromStoreAsync(key, mode, tolerateStoreFailure: false, cancellationToken);
    }

    /// <summary>
    /// Answers from the cache, or renders on a miss. Concurrent callers for one key share a single render, which runs on
    /// its own token bounded by <see cref="CacheOptions.RenderTimeout"/>: <paramref name="cancellationToken"/> cancels only
    /// this caller's wait, and the render goes on to be stored for the next caller. A failed render reaches every caller
    /// waiting on it and is not cached.
    /// </summary>
    /// <exception cref="TimeoutException">The shared render exceeded <see cref="CacheOptions.RenderTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The render returned a prompt for another key, or with metadata that does not match its audio.</exception>
    public Task<CachedPrompt> GetOrRenderAsync(
        PromptKey key,
        Func<CancellationToken, Task<CachedPrompt>> render,
        CacheMode mode,
        CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(render);
        ThrowIfUndefined(mode);
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        if (mode == CacheMode.Bypass)
        {
            return RenderUnsharedAsync(key, render, cancellationToken);
        }

        if (TryGetFromMemory(key, out CachedPrompt? hit))
        {
            return Task.FromResult(hit);
        }

        return GetFromStoreOrRenderAsync(key, render, mode, cancellationToken);
    }

    /// <summary>Stores a prompt in every tier (library builds pin theirs). Store failures propagate.</summary>
    public async Task PutAsync(CachedPrompt prompt, bool pinned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        PromptKey.ThrowIfDefault(prompt.Metadata.Key);
        CachedPrompt stored = prompt.Metadata.Pinned == pinned ? prompt : prompt with { Metadata = prompt.Metadata with { Pinned = pinned } };
        using (System.Diagnostics.Activity? write = CachingTracing.StartTier("cache.store.write", _store.Name))
        {
            write?.SetTag("ivrvoice.cache.bytes", stored.Audio.Length);
            await _store.PutAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        SetMemory(stored);
    }

    /// <summary>The metadata of a cached prompt (memory first, then the store), or null.</summary>
    public async ValueTask<PromptMetadata?> GetMetadataAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        if (_memory.TryGetValue(key.Value, out CachedPrompt? hit) && hit is not null)
        {
            return hit.Metadata;
        }

        return await _guard.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a prompt from every tier; false when the store did not hold it.</summary>
    public async Task<bool> RemoveAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        _memory.Remove(key.Value);
        return await _store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels renders still running and releases the memory tier.</summary>
    public void Dispose()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        // The token source is not disposed: running flights still hold links to it.
        _disposing.Cancel();
        _guard.Dispose();
        _memory.Dispose();
    }

    private bool TryGetFromMemory(PromptKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CachedPrompt? hit)
    {
        using System.Diagnostics.Activity? activity = CachingTracing.StartTier("cache.memory", MemoryTier);
        if (_memory.TryGetValue(key.Value, out hit) && hit is not null)
        {
            activity?.SetTag("ivrvoice.cache.hit", true);
            _metrics.Hit(MemoryTier);
            Log.Hit(_logger, key.Value, MemoryTier);

            // Keeps a prompt that lives in memory from looking unused to the disk tier's eviction.
            _diskStore?.RecordAccess(key);
            return true;
        }

        activity?.SetTag("ivrvoice.cache.hit", false);
        hit = null;
        return false;
    }

    private async ValueTask<CachedPrompt?> TryGetFromStoreAsync(PromptKey key, CacheMode mode, bool tolerateStoreFailure, CancellationToken cancellationToken)
    {
        CachedPrompt? stored;
        using (System.Diagnostics.Activity? activity = CachingTracing.StartTier("cache.store.read", _store.Name))
        {
            try
            {
                stored = await _guard.GetAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreUnavailableException exception) when (tolerateStoreFailure)
            {
                // A render can still answer the caller while the store is unreachable.
                Log.StoreReadFailed(_logger, exception, key.Value, _store.Name);
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "store unreachable");
                stored = null;
            }

            activity?.SetTag("ivrvoice.cache.hit", stored is not null);
        }

        if (stored is null)
        {
            _metrics.Miss();
            Log.Miss(_logger, key.Value);
            return null;
        }

        _metrics.Hit(_store.Name);
        Log.Hit(_logger, key.Value, _store.Name);
        if (mode == CacheMode.ReadWrite)
        {
            SetMemory(stored);
        }

        return stored;
    }

    private async Task<CachedPrompt> GetFromStoreOrRenderAsync(
        PromptKey key,
        Func<CancellationToken, Task<CachedPrompt>> render,
        CacheMode mode,
        CancellationToken cancellationToken)
    {
        CachedPrompt? stored = await TryGetFromStoreAsync(key, mode, tolerateStoreFailure: true, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            return stored;
        }

        RenderFlight flight = JoinOrStartFlight(key, render, writes: mode == CacheMode.ReadWrite);
        try
        {
            // Only this caller's wait ends with its token; the flight runs on its own.
            return await flight.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref flight.Waiters);
        }
    }

    /// <summary>How many callers are waiting on the render of <paramref name="key"/> in this process (for diagnostics and tests).</summary>
    internal int CountWaiters(PromptKey key) =>
        (_writingFlights.TryGetValue(key, out RenderFlight? writing) ? Volatile.Read(ref writing.Waiters) : 0)
        + (_readOnlyFlights.TryGetValue(key, out RenderFlight? readOnly) ? Volatile.Read(ref readOnly.Waiters) : 0);

    private RenderFlight JoinOrStartFlight(PromptKey key, Func<CancellationToken, Task<CachedPrompt>> render, bool writes)
    {
        // A read-only caller may share a render that will be stored; a writing caller never waits on one that won't be.
        if (!writes && _writingFlights.TryGetValue(key, out RenderFlight? writing))
        {
            Interlocked.Increment(ref writing.Waiters);
            return writing;
        }

        ConcurrentDictionary<PromptKey, RenderFlight> flights = writes ? _writingFlights : _readOnlyFlights;
        RenderFlight candidate = new();
        RenderFlight flight = flights.GetOrAdd(key, candidate);
        Interlocked.Increment(ref flight.Waiters);
        if (ReferenceEquals(flight, candidate))
        {
            // Started off the caller's stack, so nothing of the first caller's request leaks into it but its trace context:
            // the render's span is a child of the lookup that started it.
            System.Diagnostics.ActivityContext parent = System.Diagnostics.Activity.Current?.Context ?? default;
            _ = Task.Run(() => RunFlightAsync(key, render, writes, candidate, flights, parent), CancellationToken.None);
        }

        return flight;
    }

    private async Task RunFlightAsync(
        PromptKey key,
        Func<CancellationToken, Task<CachedPrompt>> render,
        bool writes,
        RenderFlight flight,
        ConcurrentDictionary<PromptKey, RenderFlight> flights,
        System.Diagnostics.ActivityContext parent)
    {
        using System.Diagnostics.Activity? activity = CachingTracing.Source.StartActivity(
            "cache.render", System.Diagnostics.ActivityKind.Internal, parent);
        activity?.SetTag("ivrvoice.cache.writes", writes);
        TaskCompletionSource<CachedPrompt> completion = flight.Completion;
        using CancellationTokenSource timeout = new(_renderTimeout, _timeProvider);
        using CancellationTokenSource renderCancellation = CreateLinkedToDisposal(timeout.Token);
        try
        {
            CachedPrompt result = writes
                ? await RenderAndStoreAsync(key, render, renderCancellation.Token).ConfigureAwait(false)
                : await RenderWithoutStoringAsync(key, render, renderCancellation.Token).ConfigureAwait(false);

            // Memory is filled before the flight leaves the table, so a new caller finds one or the other.
            if (writes)
            {
                SetMemory(result);
            }

            flights.TryRemove(new KeyValuePair<PromptKey, RenderFlight>(key, flight));
            completion.TrySetResult(result);
        }
        catch (Exception exception)
        {
            // A failure is not cached: the flight leaves the table, so the next caller renders afresh.
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            flights.TryRemove(new KeyValuePair<PromptKey, RenderFlight>(key, flight));
            if (exception is OperationCanceledException && timeout.IsCancellationRequested)
            {
                Log.RenderTimedOut(_logger, key.Value, _renderTimeout);
                completion.TrySetException(new TimeoutException(
                    $"Rendering prompt {key} took longer than Cache:RenderTimeout ({_renderTimeout})."));
            }
            else if (exception is OperationCanceledException && IsDisposing())
            {
                completion.TrySetCanceled();
            }
            else
            {
                Log.RenderFailed(_logger, exception, key.Value);
                completion.TrySetException(exception);
            }

            // Every waiter may have given up already; observe the fault so it is not reported as unobserved.
            _ = completion.Task.Exception;
        }
    }

    private async Task<CachedPrompt> RenderAndStoreAsync(PromptKey key, Func<CancellationToken, Task<CachedPrompt>> render, CancellationToken cancellationToken)
    {
        // Without the store, two nodes may both render; that beats a caller hearing nothing.
        IAsyncDisposable renderLock = await _guard.TryLockAsync(key, cancellationToken).ConfigureAwait(false) ?? NoRenderLock.Instance;

        await using (renderLock.ConfigureAwait(false))
        {
            // While this node waited for the lock, another node, or an earlier flight here, may have stored the prompt.
            CachedPrompt? stored = await TryReadStoreAsync(key, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                _metrics.Hit(_store.Name);
                Log.Hit(_logger, key.Value, _store.Name);
                return stored;
            }

            CachedPrompt rendered = await InvokeRenderAsync(key, render, cancellationToken).ConfigureAwait(false);
            using System.Diagnostics.Activity? write = CachingTracing.StartTier("cache.store.write", _store.Name);
            write?.SetTag("ivrvoice.cache.bytes", rendered.Audio.Length);

            // The caller gets the audio either way; a prompt the store could not take stays pending until it can.
            await _guard.PutAsync(rendered, cancellationToken).ConfigureAwait(false);
            return rendered;
        }
    }

    private async Task<CachedPrompt> RenderWithoutStoringAsync(PromptKey key, Func<CancellationToken, Task<CachedPrompt>> render, CancellationToken cancellationToken)
    {
        CachedPrompt? stored = await TryReadStoreAsync(key, cancellationToken).ConfigureAwait(false);
        return stored ?? await InvokeRenderAsync(key, render, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CachedPrompt?> TryReadStoreAsync(PromptKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await _guard.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException exception)
        {
            Log.StoreReadFailed(_logger, exception, key.Value, _store.Name);
            return null;
        }
    }

    private async Task<CachedPrompt> RenderUnsharedAsync(PromptKey key, Func<CancellationToken, Task<CachedPrompt>> render, CancellationToken cancellationToken)
    {
        // Nothing is shared or stored, so nobody else gains from finishing: the caller's token cancels the render itself.
        using CancellationTokenSource timeout = new(_renderTimeout, _timeProvider);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _disposing.Token);
        try
        {
            return await InvokeRenderAsync(key, render, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Rendering prompt {key} took longer than Cache:RenderTimeout ({_renderTimeout}).");
        }
    }

    private async Task<CachedPrompt> InvokeRenderAsync(PromptKey key, Func<CancellationToken, Task<CachedPrompt>> render, CancellationToken cancellationToken)
    {
        CachedPrompt rendered;
        try
        {
            rendered = await render(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The render for prompt {key} returned null.");
            EnsureMatches(key, rendered);
        }
        catch
        {
            _metrics.Rendered(succeeded: false);
            throw;
        }

        _metrics.Rendered(succeeded: true);
        Log.Rendered(_logger, key.Value, rendered.Audio.Length, rendered.Metadata.Provider);
        return rendered;
    }

    private static void EnsureMatches(PromptKey key, CachedPrompt rendered)
    {
        PromptMetadata metadata = rendered.Metadata ?? throw new InvalidOperationException($"The render for prompt {key} returned no metadata.");
        if (metadata.Key != key)
        {
            throw new InvalidOperationException($"The render for prompt {key} returned a prompt keyed {metadata.Key}.");
        }

        if (metadata.ByteLength != rendered.Audio.Length
            || !string.Equals(metadata.Sha256, AudioHash.Compute(rendered.Audio.Span), StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The render for prompt {key} returned metadata whose ByteLength or Sha256 does not match its audio; build it with CachedPrompt.Create.");
        }
    }

    private void SetMemory(CachedPrompt prompt)
    {
        if (IsDisposing())
        {
            return;
        }

        MemoryCacheEntryOptions entry = new()
        {
            // Sized by audio bytes, the part that dominates; at least 1 so the limit counts every entry.
            Size = Math.Max(1, prompt.Audio.Length),
            Priority = prompt.Metadata.Pinned ? CacheItemPriority.High : CacheItemPriority.Normal,
        };
        entry.PostEvictionCallbacks.Add(new PostEvictionCallbackRegistration { EvictionCallback = _onMemoryEviction });
        _memory.Set(prompt.Metadata.Key.Value, prompt, entry);
    }

    private void OnMemoryEviction(object key, object? value, EvictionReason reason, object? state)
    {
        if (reason == EvictionReason.Capacity)
        {
            _metrics.Evicted(MemoryTier);
        }
    }

    private CancellationTokenSource CreateLinkedToDisposal(CancellationToken token) =>
        CancellationTokenSource.CreateLinkedTokenSource(token, _disposing.Token);

    private bool IsDisposing() => _disposing.IsCancellationRequested;

    private static void ThrowIfUndefined(CacheMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Cache mode must be ReadWrite, ReadOnly or Bypass.");
        }
    }

    /// <summary>One shared render: its outcome and how many callers are waiting on it.</summary>
    private sealed class RenderFlight
    {
        public readonly TaskCompletionSource<CachedPrompt> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters;
    }

    private sealed class NoRenderLock : IAsyncDisposable
    {
        public static readonly NoRenderLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Cache hit for prompt {PromptKey} in {Tier}")]
        public static partial void Hit(ILogger logger, string promptKey, string tier);

        [LoggerMessage(EventId = 301, Level = LogLevel.Debug, Message = "Cache miss for prompt {PromptKey}")]
        public static partial void Miss(ILogger logger, string promptKey);

        [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Rendered prompt {PromptKey} ({AudioBytes} bytes) via {Provider}")]
        public static partial void Rendered(ILogger logger, string promptKey, int audioBytes, string provider);

        [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Rendering prompt {PromptKey} failed; nothing was cached")]
        public static partial void RenderFailed(ILogger logger, Exception exception, string promptKey);

        [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Rendering prompt {PromptKey} exceeded Cache:RenderTimeout ({RenderTimeout}); nothing was cached")]
        public static partial void RenderTimedOut(ILogger logger, string promptKey, TimeSpan renderTimeout);

        [LoggerMessage(EventId = 306, Level = LogLevel.Debug, Message = "The {Store} store could not be read for prompt {PromptKey}; rendering without it")]
        public static partial void StoreReadFailed(ILogger logger, Exception exception, string promptKey, string store);
    }
}
