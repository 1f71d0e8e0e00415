using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio.Resampling;

internal static partial class Decimator3Kernels
{
    private const int HalfTaps = PhaseTaps / 2;
    // Blocks per chunk: a chunk's three stretches share one scratch of partial sums; 4096 outputs (the stage's block) fit one.
    private const int ChunkBlocks256 = 3 * 171;

    // Rolling layout for 8-lane blocks over half the taps: entry h * 96 + s * 12 + r * 4 + i is
    // Taps[3 * (32 * h + s + 8 * i) + r], the tap that phase sample o (o % 8 == s) meets, in half h, in the block i blocks
    // behind the newest one.
    private static readonly float[] RollingTaps256 = BuildHalfRollingTaps();

    /// <summary>
    /// Eight outputs per vector, data-stationary as <see cref="ComputeVector512"/>, in two passes over the taps. Over all
    /// 64 taps of a phase, 8-lane blocks would keep eight blocks live, which with three stretches side by side needs more
    /// than AVX2's 16 registers; over half the taps (q = 0..31, then 32..63) four are live. Each pass runs three
    /// stretches of the output side by side: a loaded phase vector serves its stretch's four blocks, and each tap,
    /// broadcast once, feeds one FMA per stretch, so a step's 9 loads and 12 broadcasts feed 36 FMAs over 12
    /// independent accumulators (a single stretch over all taps has 8 accumulators and 27 loads per 24 FMAs: on
    /// two 4-cycle FMA pipes that is no slack at all for a late load). The first pass stores each block's partial sum
    /// (a float, exactly) in a scratch; the second starts each block from it, so every block still accumulates taps in
    /// order k = 0..191 from zero, as the oracle. Uses 16 vector registers: 12 accumulators, 3 phase vectors and a tap.
    /// Returns the number of outputs written (a multiple of 8).
    /// </summary>
    [SkipLocalsInit]
    internal static int ComputeVector256<TOutput, TWriter>(ReadOnlySpan<float> phases, int stride, int first, Span<TOutput> output)
        where TOutput : unmanaged
        where TWriter : IBlockWriter<TOutput>
    {
        int blocks = output.Length / 8;
        if (blocks == 0)
        {
            return 0;
        }

        CheckBounds(phases, stride, first, blocks * 8);
        ref float p0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), first);
        ref TOutput y = ref MemoryMarshal.GetReference(output);
        if (blocks < 3)
        {
            for (nuint j = 0; j < (nuint)(8 * blocks); j += 8)
            {
                TWriter.Write(Block256(ref Unsafe.Add(ref p0, j), (nuint)stride), ref y, j);
            }

            return blocks * 8;
        }

        // Partial sums of one chunk (plus the three blocks past it that the second pass's last rotation loads and
        // discards), then its sums. Apart, because with uneven thirds two stretches share blocks: one must not start from
        // a sum the other has already finished.
        Span<float> scratch = stackalloc float[2 * 8 * (ChunkBlocks256 + 3)];
        ref float partial = ref MemoryMarshal.GetReference(scratch);
        ref float sums = ref Unsafe.Add(ref partial, 8 * (ChunkBlocks256 + 3));
        ref float rolling = ref MemoryMarshal.GetArrayDataReference(RollingTaps256);
        int chunks = (blocks + ChunkBlocks256 - 1) / ChunkBlocks256;
        for (int c = 0, done = 0; c < chunks; c++)
        {
            int n = (blocks - done) / (chunks - c);   // near-equal chunks, each at least 3 blocks
            ref float p = ref Unsafe.Add(ref p0, 8 * done);
            HalfPass256(ref p, (nuint)stride, ref rolling, ref partial, n, carry: false, ref partial);
            HalfPass256(ref Unsafe.Add(ref p, HalfTaps), (nuint)stride, ref Unsafe.Add(ref rolling, 96), ref partial, n, carry: true, ref sums);

            // The writer runs here, not in the pass: with all 16 registers taken there, the μ-law encoder's constants and
            // temporaries would spill accumulators every round.
            for (nuint j = 0; j < (nuint)(8 * n); j += 8)
            {
                TWriter.Write(Vector256.LoadUnsafe(ref sums, j), ref y, (nuint)(8 * done) + j);
            }

            done += n;
        }

        return blocks * 8;
    }

    /// <summary>
    /// One pass over 32 taps for <paramref name="blocks"/> (at least 3) blocks of 8 outputs, in three stretches (the last
    /// ending at the last block, so it may overlap the second and recompute the same bits). Block m reads phase samples
    /// m * 8 + o for o = 0..38 from <paramref name="p0"/>; it starts from zero or, with <paramref name="carry"/>, from
    /// <c>partial[8m ..]</c>, and its sum goes to <c>sums[8m ..]</c>.
    /// </summary>
    private static void HalfPass256(ref float p0, nuint stride, ref float rolling, ref float partial, int blocks, bool carry, ref float sums)
    {
        int length = (blocks + 2) / 3;
        nuint second = (nuint)(8 * length), third = (nuint)(8 * (blocks - length));
        ref float p1 = ref Unsafe.Add(ref p0, stride);
        ref float p2 = ref Unsafe.Add(ref p1, stride);
        Vector256<float> a0 = carry ? Vector256.LoadUnsafe(ref partial) : Vector256<float>.Zero;
        Vector256<float> b0 = carry ? Vector256.LoadUnsafe(ref partial, second) : Vector256<float>.Zero;
        Vector256<float> c0 = carry ? Vector256.LoadUnsafe(ref partial, third) : Vector256<float>.Zero;
        Vector256<float> a1 = Vector256<float>.Zero, a2 = a1, a3 = a1, b1 = a1, b2 = a1, b3 = a1, c1 = a1, c2 = a1, c3 = a1;
        nuint o = 0;
        for (int round = 0; round < length + 3; round++)
        {
            ref float t = ref rolling;
            for (int s = 0; s < 8; s++, o++)
            {
                Vector256<float> va = Vector256.LoadUnsafe(ref p0, o);
                Vector256<float> vb = Vector256.LoadUnsafe(ref p0, o + second);
                Vector256<float> vc = Vector256.LoadUnsafe(ref p0, o + third);
                Vector256<float> tap = Vector256.Create(Unsafe.Add(ref t, 0));
                a0 = Vector256.FusedMultiplyAdd(va, tap, a0);
                b0 = Vector256.FusedMultiplyAdd(vb, tap, b0);
                c0 = Vector256.FusedMultiplyAdd(vc, tap, c0);
                tap = Vector256.Create(Unsafe.Add(ref t, 1));
                a1 = Vector256.FusedMultiplyAdd(va, tap, a1);
                b1 = Vector256.FusedMultiplyAdd(vb, tap, b1);
                c1 = Vector256.FusedMultiplyAdd(vc, tap, c1);
                tap = Vector256.Create(Unsafe.Add(ref t, 2));
                a2 = Vector256.FusedMultiplyAdd(va, tap, a2);
                b2 = Vector256.FusedMultiplyAdd(vb, tap, b2);
                c2 = Vector256.FusedMultiplyAdd(vc, tap, c2);
                tap = Vector256.Create(Unsafe.Add(ref t, 3));
                a3 = Vector256.FusedMultiplyAdd(va, tap, a3);
                b3 = Vector256.FusedMultiplyAdd(vb, tap, b3);
                c3 = Vector256.FusedMultiplyAdd(vc, tap, c3);
                va = Vector256.LoadUnsafe(ref p1, o);
                vb = Vector256.LoadUnsafe(ref p1, o + second);
                vc = Vector256.LoadUnsafe(ref p1, o + third);
                tap = Vector256.Create(Unsafe.Add(ref t, 4));
                a0 = Vector256.FusedMultiplyAdd(va, tap, a0);
                b0 = Vector256.FusedMultiplyAdd(vb, tap, b0);
                c0 = Vector256.FusedMultiplyAdd(vc, tap, c0);
                tap = Vector256.Create(Unsafe.Add(ref t, 5));
                a1 = Vector256.FusedMultiplyAdd(va, tap, a1);
                b1 = Vector256.FusedMultiplyAdd(vb, tap, b1);
                c1 = Vector256.FusedMultiplyAdd(vc, tap, c1);
                tap = Vector256.Create(Unsafe.Add(ref t, 6));
                a2 = Vector256.FusedMultiplyAdd(va, tap, a2);
                b2 = Vector256.FusedMultiplyAdd(vb, tap, b2);
                c2 = Vector256.FusedMultiplyAdd(vc, tap, c2);
                tap = Vector256.Create(Unsafe.Add(ref t, 7));
                a3 = Vector256.FusedMultiplyAdd(va, tap, a3);
                b3 = Vector256.FusedMultiplyAdd(vb, tap, b3);
                c3 = Vector256.FusedMultiplyAdd(vc, tap, c3);
                va = Vector256.LoadUnsafe(ref p2, o);
                vb = Vector256.LoadUnsafe(ref p2, o + second);
                vc = Vector256.LoadUnsafe(ref p2, o + third);
                tap = Vector256.Create(Unsafe.Add(ref t, 8));
                a0 = Vector256.FusedMultiplyAdd(va, tap, a0);
                b0 = Vector256.FusedMultiplyAdd(vb, tap, b0);
                c0 = Vector256.FusedMultiplyAdd(vc, tap, c0);
                tap = Vector256.Create(Unsafe.Add(ref t, 9));
                a1 = Vector256.FusedMultiplyAdd(va, tap, a1);
                b1 = Vector256.FusedMultiplyAdd(vb, tap, b1);
                c1 = Vector256.FusedMultiplyAdd(vc, tap, c1);
                tap = Vector256.Create(Unsafe.Add(ref t, 10));
                a2 = Vector256.FusedMultiplyAdd(va, tap, a2);
                b2 = Vector256.FusedMultiplyAdd(vb, tap, b2);
                c2 = Vector256.FusedMultiplyAdd(vc, tap, c2);
                tap = Vector256.Create(Unsafe.Add(ref t, 11));
                a3 = Vector256.FusedMultiplyAdd(va, tap, a3);
                b3 = Vector256.FusedMultiplyAdd(vb, tap, b3);
                c3 = Vector256.FusedMultiplyAdd(vc, tap, c3);
                t = ref Unsafe.Add(ref t, 12);
            }

            nuint next = (nuint)(8 * (round + 1));
            if (round >= 3)
            {
                nuint at = next - 32;
                a3.StoreUnsafe(ref sums, at);
                b3.StoreUnsafe(ref sums, at + second);
                c3.StoreUnsafe(ref sums, at + third);
            }

            a3 = a2;
            a2 = a1;
            a1 = a0;
            a0 = carry ? Vector256.LoadUnsafe(ref partial, next) : Vector256<float>.Zero;
            b3 = b2;
            b2 = b1;
            b1 = b0;
            b0 = carry ? Vector256.LoadUnsafe(ref partial, next + second) : Vector256<float>.Zero;
            c3 = c2;
            c2 = c1;
            c1 = c0;
            c0 = carry ? Vector256.LoadUnsafe(ref partial, next + third) : Vector256<float>.Zero;
        }
    }

    // One block of eight outputs: a single chain of 192 FMAs, for calls too short for three stretches.
    private static Vector256<float> Block256(ref float p0, nuint stride)
    {
        ref float taps = ref MemoryMarshal.GetReference(Taps);
        ref float p1 = ref Unsafe.Add(ref p0, stride);
        ref float p2 = ref Unsafe.Add(ref p1, stride);
        Vector256<float> a = Vector256<float>.Zero;
        for (nuint q = 0; q < PhaseTaps; q++)
        {
            a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p0, q), Vector256.Create(Unsafe.Add(ref taps, 3 * q)), a);
            a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p1, q), Vector256.Create(Unsafe.Add(ref taps, (3 * q) + 1)), a);
            a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p2, q), Vector256.Create(Unsafe.Add(ref taps, (3 * q) + 2)), a);
        }

        return a;
    }

    private static float[] BuildHalfRollingTaps()
    {
        float[] table = new float[2 * 8 * 3 * 4];
        ReadOnlySpan<float> taps = Taps;
        for (int h = 0; h < 2; h++)
        {
            for (int s = 0; s < 8; s++)
            {
                for (int r = 0; r < 3; r++)
                {
                    for (int i = 0; i < 4; i++)
                    {
                        table[(h * 96) + (s * 12) + (r * 4) + i] = taps[(3 * ((HalfTaps * h) + s + (8 * i))) + r];
                    }
                }
            }
        }

        return table;
    }
}
