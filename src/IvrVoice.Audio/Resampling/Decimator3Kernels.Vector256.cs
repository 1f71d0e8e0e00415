using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio.Resampling;

internal static partial class Decimator3Kernels
{
    // Rolling layout for 8-lane blocks: entry s * 24 + r * 8 + i is Taps[3 * (s + 8 * i) + r].
    private static readonly float[] RollingTaps256 = BuildRollingTaps(8);

    /// <summary>
    /// Eight outputs per vector, data-stationary as <see cref="ComputeVector512"/>: one loaded phase vector serves
    /// the eight live blocks (taps s, s + 8, ..., s + 56), so 3 loads feed 24 FMAs per step. Seven warm-up rounds compute
    /// discarded blocks. Returns the number of outputs written (a multiple of 8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        ref float p1 = ref Unsafe.Add(ref p0, stride);
        ref float p2 = ref Unsafe.Add(ref p1, stride);
        ref float rolling = ref MemoryMarshal.GetArrayDataReference(RollingTaps256);
        ref TOutput y = ref MemoryMarshal.GetReference(output);

        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        nuint o = 0;
        for (int round = 0; round < blocks + 7; round++)
        {
            ref float t = ref rolling;
            for (int s = 0; s < 8; s++, o++)
            {
                for (int r = 0; r < 3; r++)
                {
                    Vector256<float> v = Vector256.LoadUnsafe(ref Unsafe.Add(ref p0, r * stride), o);
                    a0 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 0)), a0);
                    a1 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 1)), a1);
                    a2 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 2)), a2);
                    a3 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 3)), a3);
                    a4 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 4)), a4);
                    a5 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 5)), a5);
                    a6 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 6)), a6);
                    a7 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref t, 7)), a7);
                    t = ref Unsafe.Add(ref t, 8);
                }
            }

            if (round >= 7)
            {
                TWriter.Write(a7, ref y, (nuint)(8 * (round - 7)));
            }

            a7 = a6;
            a6 = a5;
            a5 = a4;
            a4 = a3;
            a3 = a2;
            a2 = a1;
            a1 = a0;
            a0 = Vector256<float>.Zero;
        }

        return blocks * 8;
    }
}
