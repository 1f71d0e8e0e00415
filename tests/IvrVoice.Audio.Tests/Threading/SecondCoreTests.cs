using IvrVoice.Audio.Threading;

namespace IvrVoice.Audio.Tests.Threading;

/// <summary>Work offered to a second core: done exactly once, by whichever thread gets there first, errors rethrown.</summary>
public sealed class SecondCoreTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(129)]
    public void Split_AnyCount_RunsEveryIndexExactlyOnce(int count)
    {
        int[] runs = new int[count];

        SecondCore.Split(count, (from, to) =>
        {
            for (int i = from; i < to; i++)
            {
                Interlocked.Increment(ref runs[i]);
            }
        });

        Assert.All(runs, n => Assert.Equal(1, n));
    }

    [Fact]
    public void Join_PoolBusy_RunsTheWorkOnTheCallersThread()
    {
        // Every pool thread is held until the work has been joined, so no pool thread can start it first.
        bool released = false;
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.GetMaxThreads(out int maxWorkers, out _);
        int blockers = Math.Min(maxWorkers, Math.Max(workers, Environment.ProcessorCount) + 4);
        for (int i = 0; i < blockers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => SpinWait.SpinUntil(() => Volatile.Read(ref released), TimeSpan.FromSeconds(30)), null);
        }

        int ranOn = -1;
        SecondCore work = SecondCore.Start(() => ranOn = Environment.CurrentManagedThreadId);
        work.Join();
        Volatile.Write(ref released, true);

        Assert.Equal(Environment.CurrentManagedThreadId, ranOn);
        _ = io;
    }

    [Fact]
    public void Join_WorkThrows_RethrowsItsException()
    {
        SecondCore work = SecondCore.Start(() => throw new IOException("spool full"));

        IOException error = Assert.Throws<IOException>(work.Join);
        Assert.Equal("spool full", error.Message);
    }
}
