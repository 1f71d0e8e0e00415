using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Caching;

/// <summary>
/// How <see cref="PromptCache"/> uses its durable store so that the store can never cost a caller more than
/// <see cref="CacheOptions.StoreTimeout"/>, and never makes the cache claim what is not true:
/// <list type="bullet">
/// <item>every read, write and health check is bounded by the caller's token and by <c>Cache:StoreTimeout</c>;</item>
/// <item>after a failure the store is <em>degraded</em> (logged once, a gauge, the health detail); reads then skip it for
/// <see cref="RetryInterval"/> so calls do not pay the timeout again and again, until a probe finds it answering;</item>
/// <item>a prompt that could not be written is kept in memory as a pending write (bounded), served from there, and written
/// when the store answers again; <see cref="IsKeptAsync"/> says whether it is durably stored.</item>
/// </list>
/// </summary>
internal sealed partial class StoreGuard : IDisposable
{
    /// <summary>How long reads skip a failed store before trying it again.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>Most pending writes held at once; beyond it the oldest is given up (and logged).</summary>
    internal const int MaxPendingWrites = 512;

    private readonly IPromptStore _store;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PromptCacheMetrics _metrics;
    private readonly ConcurrentDictionary<PromptKey, CachedPrompt> _pending = new();
    private readonly ConcurrentQueue<PromptKey> _pendingOrder = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly ITimer _retryTimer;
    private readonly CancellationTokenSource _disposing = new();
    private long _degradedSinceTicks;
    private long _lastFailureTicks;
    private string? _degradedReason;

    public StoreGuard(IPromptStore store, TimeSpan timeout, TimeProvider time, ILogger logger, PromptCacheMetrics metrics)
    {
        _store = store;
        _timeout = timeout;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _retryTimer = time.CreateTimer(static state => ((StoreGuard)state!).OnRetryTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        metrics.ObserveStoreState(() => (store.Name, IsDegraded, _pending.Count));
    }

    public IPromptStore Store => _store;

    /// <summary>True from a store failure until the store answers again.</summary>
    public bool IsDegraded => Volatile.Read(ref _degradedSinceTicks) != 0;

    /// <summary>Why the store is degraded (no secret, no path), or null.</summary>
    public string? DegradedReason => IsDegraded ? Volatile.Read(ref _degradedReason) : null;

    /// <summary>Since when the store has been degraded, or null.</summary>
    public DateTimeOffset? DegradedSince =>
        Volatile.Read(ref _degradedSinceTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public int PendingWrites => _pending.Count;

    /// <summary>Reads a prompt: from the pending writes, else the store. Throws <see cref="StoreUnavailableException"/> when it cannot answer.</summary>
    public async ValueTask<CachedPrompt?> GetAsync(PromptKey key, CancellationToken cancellationToken)
    {
        if (_pending.TryGetValue(key, out CachedPrompt? pending))
        {
            return pending;
        }

        return await CallAsync("read", token => _store.GetAsync(key, token).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<PromptMetadata?> GetMetadataAsync(PromptKey key, CancellationToken cancellationToken)
    {
        if (_pending.TryGetValue(key, out CachedPrompt? pending))
        {
            return pending.Metadata;
        }

        return await CallAsync("read", token => _store.GetMetadataAsync(key, token).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the store durably holds <paramref name="key"/> now (false when it cannot say, or holds it only as a pending write).</summary>
    public async ValueTask<bool> IsKeptAsync(PromptKey key, CancellationToken cancellationToken)
    {
        if (_pending.ContainsKey(key))
        {
            return false;
        }

        try
        {
            return await CallAsync("read", token => _store.ExistsAsync(key, token).AsTask(), cancellationToken, probe: true).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes a prompt; true when the store kept it. When the store fails, the prompt becomes a pending write (served from
    /// memory, retried until the store answers) and the answer is false.
    /// </summary>
    public async Task<bool> PutAsync(CachedPrompt prompt, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("write", async token =>
            {
                await _store.PutAsync(prompt, token).ConfigureAwait(false);
                return true;
            }, cancellationToken, probe: true).ConfigureAwait(false);
            _pending.TryRemove(prompt.Metadata.Key, out _);
            return true;
        }
        catch (StoreUnavailableException exception)
        {
            Log.WriteFailed(_logger, exception.InnerException, prompt.Metadata.Key.ToString(), _store.Name);
            AddPending(prompt);
            return false;
        }
    }

    /// <summary>Takes the store's render lock, bounded by the store itself (see <see cref="IPromptStore.AcquireRenderLockAsync"/>).</summary>
    public async Task<IAsyncDisposable?> TryLockAsync(PromptKey key, CancellationToken cancellationToken)
    {
        if (SkipsStore())
        {
            return null;
        }

        try
        {
            IAsyncDisposable held = await _store.AcquireRenderLockAsync(key, cancellationToken).ConfigureAwait(false);
            MarkHealthy();
            return held;
        }
        catch (Exception exception) when (IsStoreFailure(exception, cancellationToken))
        {
            MarkFailed("lock", exception);
            return null;
        }
    }

    /// <summary>The store's own health check, bounded; a failed check marks the store degraded, a good one clears it.</summary>
    public async Task<PromptStoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        PromptStoreHealth health;
        try
        {
            health = await CallAsync("health", _store.CheckHealthAsync, cancellationToken, probe: true).ConfigureAwait(false);
        }
        catch (StoreUnavailableException exception)
        {
            return new PromptStoreHealth(false, exception.Message);
        }

        if (health.IsHealthy)
        {
            MarkHealthy();
        }
        else
        {
            MarkFailed("health", null, health.Description);
        }

        return health;
    }

    public void Dispose()
    {
        _disposing.Cancel();
        _retryTimer.Dispose();
    }

    private async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool probe = false)
    {
        if (!probe && SkipsStore())
        {
            throw new StoreUnavailableException($"The {_store.Name} prompt store is degraded ({DegradedReason}); not waiting on it.", null);
        }

        using StoreWait.Deadline deadline = StoreWait.Limit(_timeout, _time, cancellationToken);
        try
        {
            T result = await StoreWait.WithinAsync(call(deadline.Token), deadline.Token).ConfigureAwait(false);
            MarkHealthy();
            return result;
        }
        catch (OperationCanceledException exception) when (deadline.TimedOut && !cancellationToken.IsCancellationRequested)
        {
            MarkFailed(operation, exception, $"no answer within Cache:StoreTimeout ({_timeout.TotalSeconds:0.###} s)");
            throw new StoreUnavailableException($"The {_store.Name} prompt store did not answer within Cache:StoreTimeout.", exception);
        }
        catch (Exception exception) when (IsStoreFailure(exception, cancellationToken))
        {
            MarkFailed(operation, exception);
            throw new StoreUnavailableException($"The {_store.Name} prompt store failed: {Describe(exception)}.", exception);
        }
    }

    private bool SkipsStore()
    {
        if (!IsDegraded)
        {
            return false;
        }

        long since = _time.GetUtcNow().UtcTicks - Volatile.Read(ref _lastFailureTicks);
        return since < RetryInterval.Ticks;
    }

    // Cancellation by the caller is never a store failure, and neither are argument or programming errors.
    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        && exception is not (ArgumentException or ObjectDisposedException or NullReferenceException);

    // The type and, for I/O and database errors, their message: these name the failure (disk full, refused) and never a secret.
    private static string Describe(Exception exception) => exception switch
    {
        IOException io when io.HResult is 28 or -2147024784 => "the disk is full",
        IOException => "an I/O error",
        UnauthorizedAccessException => "permission denied",
        TimeoutException => "a timeout",
        _ when exception.GetType().Namespace?.StartsWith("Npgsql", StringComparison.Ordinal) == true => "a database error",
        _ => "an unexpected error",
    };

    private void MarkFailed(string operation, Exception? exception, string? reason = null)
    {
        _metrics.StoreFailed(_store.Name, operation);
        long now = _time.GetUtcNow().UtcTicks;
        Volatile.Write(ref _lastFailureTicks, now);
        Volatile.Write(ref _degradedReason, reason ?? (exception is null ? "failed" : Describe(exception)));
        if (Interlocked.CompareExchange(ref _degradedSinceTicks, now, 0) == 0)
        {
            Log.Degraded(_logger, exception, _store.Name, operation, _degradedReason!);
        }
    }

    private void MarkHealthy()
    {
        long since = Interlocked.Exchange(ref _degradedSinceTicks, 0);
        if (since != 0)
        {
            Log.Recovered(_logger, _store.Name, TimeSpan.FromTicks(_time.GetUtcNow().UtcTicks - since).TotalSeconds, _pending.Count);
        }

        if (!_pending.IsEmpty)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }
    }

    private void AddPending(CachedPrompt prompt)
    {
        PromptKey key = prompt.Metadata.Key;
        if (_pending.TryAdd(key, prompt))
        {
            _pendingOrder.Enqueue(key);
        }
        else
        {
            _pending[key] = prompt;
        }

        while (_pending.Count > MaxPendingWrites && _pendingOrder.TryDequeue(out PromptKey oldest))
        {
            if (_pending.TryRemove(oldest, out _))
            {
                Log.PendingDropped(_logger, oldest.ToString(), MaxPendingWrites);
            }
        }

        _retryTimer.Change(RetryInterval, RetryInterval);
    }

    private void OnRetryTimer()
    {
        if (_pending.IsEmpty)
        {
            _retryTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        _ = Task.Run(FlushAsync, CancellationToken.None);
    }

    /// <summary>Writes the pending prompts, oldest first, until one fails; one flush at a time.</summary>
    internal async Task FlushAsync()
    {
        if (_disposing.IsCancellationRequested || !await _flushGate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        int written = 0;
        try
        {
            foreach (PromptKey key in _pendingOrder.ToArray())
            {
                if (!_pending.TryGetValue(key, out CachedPrompt? prompt))
                {
                    continue;
                }

                try
                {
                    await CallAsync("write", async token =>
                    {
                        await _store.PutAsync(prompt, token).ConfigureAwait(false);
                        return true;
                    }, _disposing.Token, probe: true).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is StoreUnavailableException or OperationCanceledException)
                {
                    break;
                }

                // Only this version: a newer render of the same key stays pending until written.
                if (_pending.TryRemove(new KeyValuePair<PromptKey, CachedPrompt>(key, prompt)))
                {
                    written++;
                }
            }

            // Keys written or dropped leave the order queue; the rest keep their places.
            int remaining = _pendingOrder.Count;
            for (int i = 0; i < remaining && _pendingOrder.TryDequeue(out PromptKey key); i++)
            {
                if (_pending.ContainsKey(key))
                {
                    _pendingOrder.Enqueue(key);
                }
            }
        }
        finally
        {
            _flushGate.Release();
        }

        if (written > 0)
        {
            Log.PendingWritten(_logger, written, _store.Name, _pending.Count);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 370, Level = LogLevel.Error, Message = "The {Store} prompt store failed ({Operation}: {Reason}); serving from memory and renders, writes kept pending until it answers")]
        public static partial void Degraded(ILogger logger, Exception? exception, string store, string operation, string reason);

        [LoggerMessage(EventId = 371, Level = LogLevel.Information, Message = "The {Store} prompt store answers again after {Seconds:0.#} s; {Pending} pending writes to catch up")]
        public static partial void Recovered(ILogger logger, string store, double seconds, int pending);

        [LoggerMessage(EventId = 372, Level = LogLevel.Information, Message = "Wrote {Written} pending prompts to the {Store} store; {Remaining} still pending")]
        public static partial void PendingWritten(ILogger logger, int written, string store, int remaining);

        [LoggerMessage(EventId = 373, Level = LogLevel.Warning, Message = "Gave up the pending write of prompt {PromptKey}: more than {Limit} prompts wait for the store")]
        public static partial void PendingDropped(ILogger logger, string promptKey, int limit);

        [LoggerMessage(EventId = 374, Level = LogLevel.Warning, Message = "Prompt {PromptKey} could not be written to the {Store} store; it is served from memory and kept pending")]
        public static partial void WriteFailed(ILogger logger, Exception? exception, string promptKey, string store);
    }
}

/// <summary>The durable prompt store failed or did not answer within <c>Cache:StoreTimeout</c>; the message names no secret.</summary>
public sealed class StoreUnavailableException(string message, Exception? innerException) : Exception(message, innerException);
