using System.Runtime.InteropServices;

namespace IvrVoice.Audio.Buffers;

/// <summary>
/// One transcode's working memory outside the GC heap, handed out in pieces (<see cref="Take{T}"/>) and given back whole
/// (<see cref="Dispose"/>). It exists for the process that transcodes one prompt and exits: every fresh 4 KiB page a
/// process touches costs a page fault, about 10 µs on the virtual machines measured (docs/audio.md, "Speed and memory
/// as a whole process"), and a 5-second prompt's 8 kHz signal, limiter gains and output file are some fifty pages,
/// more than the resampling costs.
/// On Linux the memory is one anonymous mapping that asks for transparent huge pages and is populated in one system
/// call, so the pages come at once: one 2 MiB page where the kernel has one to give, else 4 KiB pages at about 5 µs
/// each instead of 10 (the kernel still counts them as minor faults). Elsewhere, or when the mapping fails, it is
/// ordinary native memory. Where huge pages are advised, a kernel whose `transparent_hugepage/defrag` setting is
/// `madvise` (a common default) may compact memory to find one: on a host with fragmented memory that can take longer
/// than the small pages would have, and the figures in docs/audio.md come from an idle machine.
/// </summary>
/// <remarks>Not thread-safe; pieces are valid until the memory is disposed, and their contents start undefined.</remarks>
internal sealed unsafe partial class ScratchMemory : IDisposable
{
    /// <summary>The size of a transparent huge page on x86-64 and on arm64 with 4 KiB pages.</summary>
    internal const int HugePage = 2 << 20;
    /// <summary>
    /// From this size a huge page is asked for. Zeroing one costs about what 14 to 28 small pages do (140 µs against
    /// 5–10 µs each, `bash scripts/bench-page-faults.sh`), so it pays from 56–112 KiB; 128 KiB leaves a margin.
    /// </summary>
    internal const long HugePageThreshold = 128 * 1024;
    private const int Alignment = 64;
    private const int ProtReadWrite = 0x1 | 0x2, MapPrivateAnonymous = 0x02 | 0x20;
    private const int MadvHugePage = 14, MadvPopulateWrite = 23;

    private byte* _start;
    private readonly nuint _capacity;
    private readonly void* _mapping;   // null when the memory came from NativeMemory
    private readonly nuint _mappingLength;
    private nuint _used;

    /// <summary>
    /// For tests, on this thread: native heap memory filled with 0xFF bytes (NaN as floats) instead of a fresh mapping's
    /// zeros, so a sample or gain the code forgets to write shows in its output.
    /// </summary>
    internal static bool PoisonForTests
    {
        get => t_poisonForTests;
        set => t_poisonForTests = value;
    }

    [ThreadStatic]
    private static bool t_poisonForTests;

    private ScratchMemory(byte* start, nuint capacity, void* mapping, nuint mappingLength)
    {
        _start = start;
        _capacity = capacity;
        _mapping = mapping;
        _mappingLength = mappingLength;
    }

    /// <summary>Room for <paramref name="bytes"/> bytes of pieces (each piece rounds up to 64 bytes).</summary>
    /// <param name="bytes">The total the pieces will take.</param>
    /// <param name="populate">How many of the first bytes to bring in at once (the rest fault in if touched).</param>
    public static ScratchMemory Allocate(long bytes, long populate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        nuint capacity = checked((nuint)bytes + Alignment);
        if (!t_poisonForTests && OperatingSystem.IsLinux() && TryMap(capacity, Math.Clamp(populate, 0, bytes), out ScratchMemory? mapped))
        {
            return mapped;
        }

        byte* memory = (byte*)NativeMemory.AlignedAlloc(capacity, Alignment);
        if (t_poisonForTests)
        {
            NativeMemory.Fill(memory, capacity, 0xFF);
        }

        return new ScratchMemory(memory, capacity, null, 0);
    }

    /// <summary>Whether the memory is a mapping of its own (Linux), not the native heap's.</summary>
    internal bool IsMapped => _mapping != null;

    /// <summary>The next <paramref name="count"/> elements, aligned to 64 bytes; contents undefined.</summary>
    /// <exception cref="InvalidOperationException">The pieces would exceed the size asked for.</exception>
    public Span<T> Take<T>(int count)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_start == null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        nuint bytes = checked(((nuint)count * (nuint)sizeof(T)) + Alignment - 1) & ~(nuint)(Alignment - 1);
        if (bytes > _capacity - _used)
        {
            throw new InvalidOperationException($"Scratch memory of {_capacity} bytes cannot give {bytes} more after {_used}.");
        }

        Span<T> piece = new(_start + _used, count);
        _used += bytes;
        return piece;
    }

    public void Dispose()
    {
        if (_start == null)
        {
            return;
        }

        if (_mapping != null)
        {
            _ = munmap(_mapping, _mappingLength);
        }
        else
        {
            NativeMemory.AlignedFree(_start);
        }

        _start = null;
    }

    // An anonymous mapping, aligned to a huge page when it is large enough to want one, populated up to `populate`.
    private static bool TryMap(nuint capacity, long populate, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScratchMemory? memory)
    {
        memory = null;
        bool huge = (long)capacity >= HugePageThreshold;
        nuint length = huge ? (capacity + HugePage - 1) & ~(nuint)(HugePage - 1) : capacity;
        nuint mappingLength = huge ? length + HugePage : length;   // room to align the start
        void* mapping = mmap(null, mappingLength, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (mapping == (void*)-1)
        {
            return false;
        }

        byte* start = huge ? (byte*)(((nuint)mapping + HugePage - 1) & ~(nuint)(HugePage - 1)) : (byte*)mapping;
        if (huge)
        {
            _ = madvise(start, length, MadvHugePage);   // a no-op where huge pages are off (refused where never built in)
        }

        if (populate > 0)
        {
            // Before Linux 5.14 this is refused, and the pages fault in one by one as they are touched.
            nuint page = (nuint)Environment.SystemPageSize;
            nuint populated = ((nuint)populate + page - 1) & ~(page - 1);
            _ = madvise(start, Math.Min(populated, length), MadvPopulateWrite);
        }

        memory = new ScratchMemory(start, length, mapping, mappingLength);
        return true;
    }

    [LibraryImport("libc")]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc")]
    private static partial int munmap(void* address, nuint length);

    [LibraryImport("libc")]
    private static partial int madvise(void* address, nuint length, int advice);
}
