namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// Real clocks, but every timer fires at once: polling loops run without waiting, so a mutation run of many thousand
/// submit-poll-download conversations takes seconds. Infinite timers never fire.
/// </summary>
internal sealed class InstantTimeProvider : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        InstantTimer timer = new();
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                if (!timer.Disposed)
                {
                    callback(state);
                }
            }, null);
        }

        return timer;
    }

    private sealed class InstantTimer : ITimer
    {
        public volatile bool Disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
