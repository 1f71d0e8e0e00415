using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio.Resampling;

/// <summary>
/// The 3:1 decimator's FIR kernels. The input is the delayed stream z (z[i] = x[i - <see cref="Delay"/>]) split into its
/// three phases: phase r holds z[3i + r] at <c>phases[r * stride + i]</c>. Output j is
/// <c>sum_k Taps[k] * z[3j + k] = sum_q sum_r Taps[3q + r] * phase_r[j + q]</c>, accumulated from zero with one fused
/// multiply-add per tap in the order k = 0, 1, ..., 191. Every width keeps that order in every lane, so each width
/// produces exactly the bits of <see cref="ComputeScalar"/>, the oracle.
/// </summary>
internal static partial class Decimator3Kernels
{
    public const int TapCount = 192;
    public const int PhaseTaps = TapCount / 3;
    /// <summary>The centre of the 191 designed taps: output j is aligned with input sample 3j.</summary>
    public const int Delay = 95;

    /// <summary>
    /// Computes outputs <c>first .. first + output.Length - 1</c>. Phase r must hold at least
    /// <c>first + output.Length + PhaseTaps - 1</c> samples.
    /// </summary>
    public static void Compute<TOutput, TWriter>(ReadOnlySpan<float> phases, int stride, int first, Span<TOutput> output)
        where TOutput : unmanaged
        where TWriter : IBlockWriter<TOutput>
    {
        int done = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            done = ComputeVector512<TOutput, TWriter>(phases, stride, first, output);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            done = ComputeVector256<TOutput, TWriter>(phases, stride, first, output);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            done += ComputeVector128<TOutput, TWriter>(phases, stride, first + done, output[done..]);
        }

        ComputeScalar<TOutput, TWriter>(phases, stride, first + done, output[done..]);
    }

    /// <summary>The oracle: one output at a time, taps in order k = 3q + r.</summary>
    internal static void ComputeScalar(ReadOnlySpan<float> phases, int stride, int first, Span<float> output) =>
        ComputeScalar<float, FloatWriter>(phases, stride, first, output);

    internal static void ComputeScalar<TOutput, TWriter>(ReadOnlySpan<float> phases, int stride, int first, Span<TOutput> output)
        where TOutput : unmanaged
        where TWriter : IBlockWriter<TOutput>
    {
        CheckBounds(phases, stride, first, output.Length);
        ReadOnlySpan<float> taps = Taps;
        ref TOutput y = ref MemoryMarshal.GetReference(output);
        for (int j = 0; j < output.Length; j++)
        {
            float acc = 0;
            int start = first + j;
            for (int q = 0; q < PhaseTaps; q++)
            {
                for (int r = 0; r < 3; r++)
                {
                    acc = MathF.FusedMultiplyAdd(phases[(r * stride) + start + q], taps[(3 * q) + r], acc);
                }
            }

            TWriter.Write(acc, ref y, (nuint)j);
        }
    }

    /// <summary>
    /// Four outputs per vector, output-stationary: each tap is broadcast and multiplied into the four consecutive
    /// phase samples the four outputs need. Four blocks run together to hide the FMA latency. Returns the number of
    /// outputs written (a multiple of 4); the caller finishes the rest with <see cref="ComputeScalar"/>.
    /// </summary>
    internal static int ComputeVector128<TOutput, TWriter>(ReadOnlySpan<float> phases, int stride, int first, Span<TOutput> output)
        where TOutput : unmanaged
        where TWriter : IBlockWriter<TOutput>
    {
        int count = output.Length & ~3;
        if (count == 0)
        {
            return 0;
        }

        CheckBounds(phases, stride, first, count);
        ref float p0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), first);
        ref float p1 = ref Unsafe.Add(ref p0, stride);
        ref float p2 = ref Unsafe.Add(ref p1, stride);
        ref float taps = ref MemoryMarshal.GetReference(Taps);
        ref TOutput y = ref MemoryMarshal.GetReference(output);

        nuint j = 0;
        for (; j + 16 <= (nuint)count; j += 16)
        {
            Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (nuint q = 0; q < PhaseTaps; q++)
            {
                nuint o = j + q;
                Vector128<float> t = Vector128.Create(Unsafe.Add(ref taps, 3 * q));
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p0, o), t, a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p0, o + 4), t, a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p0, o + 8), t, a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p0, o + 12), t, a3);
                t = Vector128.Create(Unsafe.Add(ref taps, (3 * q) + 1));
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p1, o), t, a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p1, o + 4), t, a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p1, o + 8), t, a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p1, o + 12), t, a3);
                t = Vector128.Create(Unsafe.Add(ref taps, (3 * q) + 2));
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p2, o), t, a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p2, o + 4), t, a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p2, o + 8), t, a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p2, o + 12), t, a3);
            }

            TWriter.Write(a0, ref y, j);
            TWriter.Write(a1, ref y, j + 4);
            TWriter.Write(a2, ref y, j + 8);
            TWriter.Write(a3, ref y, j + 12);
        }

        for (; j < (nuint)count; j += 4)
        {
            Vector128<float> a = Vector128<float>.Zero;
            for (nuint q = 0; q < PhaseTaps; q++)
            {
                nuint o = j + q;
                a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p0, o), Vector128.Create(Unsafe.Add(ref taps, 3 * q)), a);
                a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p1, o), Vector128.Create(Unsafe.Add(ref taps, (3 * q) + 1)), a);
                a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref p2, o), Vector128.Create(Unsafe.Add(ref taps, (3 * q) + 2)), a);
            }

            TWriter.Write(a, ref y, j);
        }

        return count;
    }

    [Conditional("DEBUG")]
    private static void CheckBounds(ReadOnlySpan<float> phases, int stride, int first, int count)
    {
        if (count > 0)
        {
            Debug.Assert(first >= 0 && first + count + PhaseTaps - 1 <= stride, "phase reads stay inside each phase");
            Debug.Assert(phases.Length >= (2 * stride) + first + count + PhaseTaps - 1, "phase 2 holds every sample read");
        }
    }
}
