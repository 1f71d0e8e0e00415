namespace IvrVoice.Caching;

/// <summary>
/// A store's one-time initialisation (create the folder and index it, apply the schema): started by the first caller, shared
/// by every caller while it runs, remembered once it succeeds, and started afresh by the next caller after a failure or a
/// cancellation, so a store that was unreachable at start-up recovers without a restart. Each caller waits only as long as
/// its own token allows; the attempt itself runs on regardless.
/// </summary>
internal sealed class StoreInitialization(Func<Task> initialize)
{
    private readonly Lock _lock = new();
    private Task? _attempt;

    /// <summary>Completes when the store is initialised; faults with the attempt's failure; cancels with the caller's token.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        Task? attempt = Volatile.Read(ref _attempt);
        if (attempt is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            if (_attempt is null || _attempt.IsFaulted || _attempt.IsCanceled)
            {
                // Off the caller's stack and execution context: a caller's cancellation or request state never reaches it.
                _attempt = Task.Run(initialize, CancellationToken.None);
            }

            attempt = _attempt;
        }

        return attempt.WaitAsync(cancellationToken);
    }
}
