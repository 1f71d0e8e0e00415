using System.Collections.Concurrent;

namespace IvrVoice.Providers.Tests;

/// <summary>
/// Real timers, but remembers every timer's due time, so a test can see which waits were asked for. With
/// <see cref="FrozenNow"/> the wall clock stands still, so a wait computed from an instant (now → reset time) is exact.
/// </summary>
internal sealed class RecordingTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();

    public IReadOnlyList<TimeSpan> DueTimes => [.. _dueTimes];

    /// <summary>When set, what <see cref="GetUtcNow"/> answers, always.</summary>
    public DateTimeOffset? FrozenNow { get; init; }

    public override DateTimeOffset GetUtcNow() => FrozenNow ?? System.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _dueTimes.Enqueue(dueTime);
        return System.CreateTimer(callback, state, dueTime, period);
    }
}
