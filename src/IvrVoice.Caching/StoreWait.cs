namespace IvrVoice.Caching;

/// <summary>
/// Bounds a caller's wait on a store operation by the caller's own token, whatever the driver does with that token. A
/// database that accepts connections and never answers can leave a driver waiting for its own timeouts; the caller stops
/// waiting when its token says so and the operation finishes (or fails) on its own, observed so that nothing leaks.
/// </summary>
internal static class StoreWait
{
    /// <summary>Waits for <paramref name="operation"/> until <paramref name="cancellationToken"/> ends the wait.</summary>
    /// <param name="abandoned">Runs on the result of an operation that succeeded after its caller stopped waiting (to release it).</param>
    public static async Task<T> WithinAsync<T>(Task<T> operation, CancellationToken cancellationToken, Func<T, ValueTask>? abandoned = null)
    {
        try
        {
            return await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !operation.IsCompleted)
        {
            _ = ObserveAsync(operation, abandoned);
            throw;
        }
    }

    /// <summary>Waits for <paramref name="operation"/> until <paramref name="cancellationToken"/> ends the wait.</summary>
    public static async Task WithinAsync(Task operation, CancellationToken cancellationToken)
    {
        try
        {
            await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !operation.IsCompleted)
        {
            _ = operation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// A wait that ends after <paramref name="limit"/> (measured by <paramref name="time"/>) or with <paramref name="cancellationToken"/>,
    /// whichever comes first.
    /// </summary>
    public static Deadline Limit(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken) => new(limit, time, cancellationToken);

    /// <summary>A caller's token narrowed by a time limit; <see cref="TimedOut"/> tells which of the two ended it.</summary>
    internal sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public Deadline(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
        {
            _timer = new CancellationTokenSource(limit, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, cancellationToken);
        }

        public CancellationToken Token => _linked.Token;

        public bool TimedOut => _timer.IsCancellationRequested;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }

    private static async Task ObserveAsync<T>(Task<T> operation, Func<T, ValueTask>? abandoned)
    {
        try
        {
            T result = await operation.ConfigureAwait(false);
            if (abandoned is not null)
            {
                await abandoned(result).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Nobody is waiting for this answer any more; the store logs its own failures where they matter.
        }
    }
}
