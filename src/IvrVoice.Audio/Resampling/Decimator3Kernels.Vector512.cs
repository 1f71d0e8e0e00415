using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio.Resampling;

internal static partial class Decimator3Kernels
{
    // Rolling layout for 16-lane blocks: entry s * 12 + r * 4 + i is Taps[3 * (s + 16 * i) + r], the tap that phase
    // sample o (with o % 16 == s) meets in the block i blocks behind the newest one.
    private static readonly float[] RollingTaps512 = BuildRollingTaps(16);

    /// <summary>
    /// Sixteen outputs per vector, data-stationary, three stretches of the output at once. A block of 16 outputs
    /// starting at J reads phase_r[o .. o + 15] with tap q = o - J, so one loaded phase vector serves the four blocks
    /// J = o - s, o - s - 16, o - s - 32, o - s - 48 (s = o mod 16) with taps s, s + 16, s + 32, s + 48. Four
    /// accumulators hold those blocks; after 16 steps of o the oldest block has seen all 64 taps of each phase and is
    /// stored, and the others move one place back. The outputs are cut into three equal stretches (the last one
    /// ending at the last output, so it may overlap the second and recompute the same bits) that run side by side:
    /// each tap, broadcast once, feeds three FMAs, one per stretch, so a step's 3 x 3 loads and 12 broadcasts feed
    /// 36 FMAs over 12 independent accumulators, enough to keep two FMA pipes with a 4-cycle latency busy (one stretch
    /// alone gives 4 chains of 3 dependent FMAs per step: half of a two-pipe core). Each block still accumulates taps
    /// in order q = 0..63 with r innermost, as the oracle does. The three warm-up rounds compute blocks before each
    /// stretch, which are discarded; they read no phase sample the stored blocks do not also read. Fewer than three
    /// blocks go one stretch. Returns the number of outputs written (a multiple of 16).
    /// </summary>
    internal static int ComputeVector512<TOutput, TWriter>(ReadOnlySpan<float> phases, int stride, int first, Span<TOutput> output)
        where TOutput : unmanaged
        where TWriter : IBlockWriter<TOutput>
    {
        int blocks = output.Length / 16;
        if (blocks == 0)
        {
            return 0;
        }

        CheckBounds(phases, stride, first, blocks * 16);
        ref float p0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), first);
        ref TOutput y = ref MemoryMarshal.GetReference(output);
        if (blocks < 3)
        {
            Stretch512<TOutput, TWriter>(ref p0, (nuint)stride, ref y, blocks);
            return blocks * 16;
        }

        int length = (blocks + 2) / 3;
        nuint second = (nuint)(16 * length), third = (nuint)(16 * (blocks - length));
        ref float p1 = ref Unsafe.Add(ref p0, stride);
        ref float p2 = ref Unsafe.Add(ref p1, stride);
        ref float rolling = ref MemoryMarshal.GetArrayDataReference(RollingTaps512);
        ref TOutput yb = ref Unsafe.Add(ref y, second);
        ref TOutput yc = ref Unsafe.Add(ref y, third);

        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        Vector512<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        Vector512<float> c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        nuint o = 0;
        for (int round = 0; round < length + 3; round++)
        {
            ref float t = ref rolling;
            for (int s = 0; s < 16; s++, o++)
            {
                Vector512<float> va = Vector512.LoadUnsafe(ref p0, o);
                Vector512<float> vb = Vector512.LoadUnsafe(ref p0, o + second);
                Vector512<float> vc = Vector512.LoadUnsafe(ref p0, o + third);
                Vector512<float> tap = Vector512.Create(Unsafe.Add(ref t, 0));
                a0 = Vector512.FusedMultiplyAdd(va, tap, a0);
                b0 = Vector512.FusedMultiplyAdd(vb, tap, b0);
                c0 = Vector512.FusedMultiplyAdd(vc, tap, c0);
                tap = Vector512.Create(Unsafe.Add(ref t, 1));
                a1 = Vector512.FusedMultiplyAdd(va, tap, a1);
                b1 = Vector512.FusedMultiplyAdd(vb, tap, b1);
                c1 = Vector512.FusedMultiplyAdd(vc, tap, c1);
                tap = Vector512.Create(Unsafe.Add(ref t, 2));
                a2 = Vector512.FusedMultiplyAdd(va, tap, a2);
                b2 = Vector512.FusedMultiplyAdd(vb, tap, b2);
                c2 = Vector512.FusedMultiplyAdd(vc, tap, c2);
                tap = Vector512.Create(Unsafe.Add(ref t, 3));
                a3 = Vector512.FusedMultiplyAdd(va, tap, a3);
                b3 = Vector512.FusedMultiplyAdd(vb, tap, b3);
                c3 = Vector512.FusedMultiplyAdd(vc, tap, c3);
                va = Vector512.LoadUnsafe(ref p1, o);
                vb = Vector512.LoadUnsafe(ref p1, o + second);
                vc = Vector512.LoadUnsafe(ref p1, o + third);
                tap = Vector512.Create(Unsafe.Add(ref t, 4));
                a0 = Vector512.FusedMultiplyAdd(va, tap, a0);
                b0 = Vector512.FusedMultiplyAdd(vb, tap, b0);
                c0 = Vector512.FusedMultiplyAdd(vc, tap, c0);
                tap = Vector512.Create(Unsafe.Add(ref t, 5));
                a1 = Vector512.FusedMultiplyAdd(va, tap, a1);
                b1 = Vector512.FusedMultiplyAdd(vb, tap, b1);
                c1 = Vector512.FusedMultiplyAdd(vc, tap, c1);
                tap = Vector512.Create(Unsafe.Add(ref t, 6));
                a2 = Vector512.FusedMultiplyAdd(va, tap, a2);
                b2 = Vector512.FusedMultiplyAdd(vb, tap, b2);
                c2 = Vector512.FusedMultiplyAdd(vc, tap, c2);
                tap = Vector512.Create(Unsafe.Add(ref t, 7));
                a3 = Vector512.FusedMultiplyAdd(va, tap, a3);
                b3 = Vector512.FusedMultiplyAdd(vb, tap, b3);
                c3 = Vector512.FusedMultiplyAdd(vc, tap, c3);
                va = Vector512.LoadUnsafe(ref p2, o);
                vb = Vector512.LoadUnsafe(ref p2, o + second);
                vc = Vector512.LoadUnsafe(ref p2, o + third);
                tap = Vector512.Create(Unsafe.Add(ref t, 8));
                a0 = Vector512.FusedMultiplyAdd(va, tap, a0);
                b0 = Vector512.FusedMultiplyAdd(vb, tap, b0);
                c0 = Vector512.FusedMultiplyAdd(vc, tap, c0);
                tap = Vector512.Create(Unsafe.Add(ref t, 9));
                a1 = Vector512.FusedMultiplyAdd(va, tap, a1);
                b1 = Vector512.FusedMultiplyAdd(vb, tap, b1);
                c1 = Vector512.FusedMultiplyAdd(vc, tap, c1);
                tap = Vector512.Create(Unsafe.Add(ref t, 10));
                a2 = Vector512.FusedMultiplyAdd(va, tap, a2);
                b2 = Vector512.FusedMultiplyAdd(vb, tap, b2);
                c2 = Vector512.FusedMultiplyAdd(vc, tap, c2);
                tap = Vector512.Create(Unsafe.Add(ref t, 11));
                a3 = Vector512.FusedMultiplyAdd(va, tap, a3);
                b3 = Vector512.FusedMultiplyAdd(vb, tap, b3);
                c3 = Vector512.FusedMultiplyAdd(vc, tap, c3);
                t = ref Unsafe.Add(ref t, 12);
            }

            if (round >= 3)
            {
                nuint at = (nuint)(16 * (round - 3));
                TWriter.Write(a3, ref y, at);
                TWriter.Write(b3, ref yb, at);
                TWriter.Write(c3, ref yc, at);
            }

            a3 = a2;
            a2 = a1;
            a1 = a0;
            a0 = Vector512<float>.Zero;
            b3 = b2;
            b2 = b1;
            b1 = b0;
            b0 = Vector512<float>.Zero;
            c3 = c2;
            c2 = c1;
            c1 = c0;
            c0 = Vector512<float>.Zero;
        }

        return blocks * 16;
    }

    // One stretch of blocks with four accumulators (the rolling scheme above without the side-by-side stretches).
    private static void Stretch512<TOutput, TWriter>(ref float p0, nuint stride, ref TOutput y, int blocks)
        where TOutput : unmanaged
        where TWriter : IBlockWriter<TOutput>
    {
        ref float p1 = ref Unsafe.Add(ref p0, stride);
        ref float p2 = ref Unsafe.Add(ref p1, stride);
        ref float rolling = ref MemoryMarshal.GetArrayDataReference(RollingTaps512);
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        nuint o = 0;
        for (int round = 0; round < blocks + 3; round++)
        {
            ref float t = ref rolling;
            for (int s = 0; s < 16; s++, o++)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref p0, o);
                a0 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 0)), a0);
                a1 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 1)), a1);
                a2 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 2)), a2);
                a3 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 3)), a3);
                v = Vector512.LoadUnsafe(ref p1, o);
                a0 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 4)), a0);
                a1 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 5)), a1);
                a2 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 6)), a2);
                a3 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 7)), a3);
                v = Vector512.LoadUnsafe(ref p2, o);
                a0 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 8)), a0);
                a1 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 9)), a1);
                a2 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 10)), a2);
                a3 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref t, 11)), a3);
                t = ref Unsafe.Add(ref t, 12);
            }

            if (round >= 3)
            {
                TWriter.Write(a3, ref y, (nuint)(16 * (round - 3)));
            }

            a3 = a2;
            a2 = a1;
            a1 = a0;
            a0 = Vector512<float>.Zero;
        }
    }

    private static float[] BuildRollingTaps(int lanes)
    {
        int blocksLive = PhaseTaps / lanes;
        float[] table = new float[lanes * 3 * blocksLive];
        ReadOnlySpan<float> taps = Taps;
        for (int s = 0; s < lanes; s++)
        {
            for (int r = 0; r < 3; r++)
            {
                for (int i = 0; i < blocksLive; i++)
                {
                    table[(s * 3 * blocksLive) + (r * blocksLive) + i] = taps[(3 * (s + (lanes * i))) + r];
                }
            }
        }

        return table;
    }
}
