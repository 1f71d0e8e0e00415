using IvrVoice.Audio.Buffers;

namespace IvrVoice.Audio.Tests.Buffers;

/// <summary>The native working memory a prompt-sized transcode takes its signal, limiter gains and file from.</summary>
public sealed class ScratchMemoryTests
{
    [Theory]
    [InlineData(10_000)]      // below the huge-page threshold: a plain mapping
    [InlineData(3_000_000)]   // above: aligned to a huge page, spanning two
    public void Take_Pieces_AreAlignedDisjointAndHoldWhatIsWritten(int floats)
    {
        using ScratchMemory scratch = ScratchMemory.Allocate((2L * floats * sizeof(float)) + 100 + (3 * 64), floats * sizeof(float));
        Span<float> first = scratch.Take<float>(floats);
        Span<byte> odd = scratch.Take<byte>(100);
        Span<float> second = scratch.Take<float>(floats);

        first.Fill(1.5f);
        odd.Fill(7);
        second.Fill(-2.5f);

        Assert.True(first.ToArray().All(x => x == 1.5f), "the first piece was overwritten");
        Assert.True(odd.ToArray().All(x => x == 7), "the byte piece was overwritten");
        Assert.True(second.ToArray().All(x => x == -2.5f), "the last piece did not hold its values to its end");
        Assert.Equal(0, Address(first) % 64);
        Assert.Equal(0, Address(odd) % 64);
        Assert.Equal(0, Address(second) % 64);
        Assert.True(Address(odd) >= Address(first) + (floats * sizeof(float)));
        Assert.True(Address(second) >= Address(odd) + 100);
    }

    [SkippableFact]
    public void Allocate_LargeOnLinux_IsItsOwnMappingStartingOnAHugePage()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the mapping and its huge-page alignment are Linux's");
        using ScratchMemory scratch = ScratchMemory.Allocate(ScratchMemory.HugePageThreshold * 4, ScratchMemory.HugePageThreshold);

        Assert.True(scratch.IsMapped);
        Assert.Equal(0, Address(scratch.Take<byte>(1)) % ScratchMemory.HugePage);
    }

    [Fact]
    public void Take_MoreThanAllocated_ThrowsAndTheEarlierPiecesStay()
    {
        using ScratchMemory scratch = ScratchMemory.Allocate(1000, 0);
        Span<int> piece = scratch.Take<int>(200);
        piece.Fill(42);

        Assert.Throws<InvalidOperationException>(() => scratch.Take<int>(200));
        Assert.Throws<ArgumentOutOfRangeException>(() => scratch.Take<int>(-1));
        Span<int> rest = scratch.Take<int>(40);   // what is left is still given, after the first piece
        rest.Fill(-1);

        Assert.Equal(40, rest.Length);
        Assert.All(piece.ToArray(), v => Assert.Equal(42, v));
    }

    [Fact]
    public void Take_AfterDispose_ThrowsObjectDisposed()
    {
        ScratchMemory scratch = ScratchMemory.Allocate(4096, 4096);
        scratch.Dispose();
        scratch.Dispose();   // twice is harmless

        Assert.Throws<ObjectDisposedException>(() => scratch.Take<byte>(1));
    }

    [Fact]
    public void Allocate_NegativeSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ScratchMemory.Allocate(-1, 0));

    private static unsafe long Address<T>(Span<T> span)
        where T : unmanaged
    {
        fixed (T* p = span)
        {
            return (long)p;
        }
    }
}
