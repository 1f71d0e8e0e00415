using System.Runtime.ExceptionServices;

namespace IvrVoice.Audio.Threading;

/// <summary>
/// Work offered to a second core: a pool thread runs it if it gets there first, otherwise <see cref="Join"/> runs it on the
/// caller's thread. The caller therefore never waits for a pool thread to be scheduled (on a loaded machine, or in a
/// service whose pool is busy, that wait could be long); it waits only for work a pool thread has already begun.
/// </summary>
internal sealed class SecondCore
{
    private const int Queued = 0, Running = 1, Done = 2;
    private readonly Action _work;
    private int _state;
    private ExceptionDispatchInfo? _error;

    private SecondCore(Action work) => _work = work;

    /// <summary>Whether a second core may help at all (more than one processor).</summary>
    public static bool Available => Environment.ProcessorCount > 1;

    /// <summary>Offers <paramref name="work"/> to the thread pool.</summary>
    public static SecondCore Start(Action work)
    {
        SecondCore offered = new(work);
        ThreadPool.UnsafeQueueUserWorkItem(static state => ((SecondCore)state!).TryRun(), offered);
        return offered;
    }

    /// <summary>Runs [0, count) as two halves, the second offered to another core.</summary>
    public static void Split(int count, Action<int, int> work)
    {
        int half = count / 2;
        SecondCore other = Start(() => work(half, count));
        work(0, half);
        other.Join();
    }

    /// <summary>Returns when the work is done (running it here if no pool thread has started it), rethrowing its exception.</summary>
    public void Join()
    {
        TryRun();
        // Spins and yields, never sleeps: SpinWait's default falls back to Thread.Sleep(1) after a few yields, and a pass
        // that joins a few dozen batches then paid a millisecond or more per join whenever the other half ran a little
        // longer (a ten-minute file's second pass took 20-50 ms instead of 5-8 on one core).
        SpinWait spin = default;
        while (Volatile.Read(ref _state) != Done)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        _error?.Throw();
    }

    private void TryRun()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Queued) != Queued)
        {
            return;
        }

        try
        {
            _work();
        }
        catch (Exception ex)
        {
            _error = ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            Volatile.Write(ref _state, Done);
        }
    }
}
