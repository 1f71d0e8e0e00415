using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio.Resampling;

/// <summary>
/// The rational path's kernels: each output is the dot product of one phase's taps with the input window starting at
/// <c>offset</c>; then the phase advances by M and the window by whole input samples. The dot product has one fixed
/// arithmetic for every width: sixteen partial sums (lane l takes taps l, l + 16, ... by fused multiply-add, in order),
/// reduced as s[i] + s[i + 8], then + [i + 4], then + [i + 2], then lane 0 + lane 1. A Vector512 holds the sixteen
/// sums in one register, Vector256 in two, Vector128 in four, the scalar oracle in an array: all give the same bits.
/// </summary>
internal static class PolyphaseKernels
{
    /// <summary>
    /// Writes one output per element of <paramref name="output"/>, advancing <paramref name="offset"/> and
    /// <paramref name="phase"/>. Every window must lie inside <paramref name="input"/>.
    /// </summary>
    public static void Compute(PolyphaseFilterBank bank, ReadOnlySpan<float> input, ref int offset, ref int phase, Span<float> output)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ComputeVector512(bank, input, ref offset, ref phase, output);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            ComputeVector256(bank, input, ref offset, ref phase, output);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            ComputeVector128(bank, input, ref offset, ref phase, output);
        }
        else
        {
            ComputeScalar(bank, input, ref offset, ref phase, output);
        }
    }

    internal static void ComputeScalar(PolyphaseFilterBank bank, ReadOnlySpan<float> input, ref int offset, ref int phase, Span<float> output)
    {
        int tapsPerPhase = bank.TapsPerPhase;
        ReadOnlySpan<float> taps = bank.Taps;
        Span<float> sums = stackalloc float[16];
        for (int j = 0; j < output.Length; j++)
        {
            CheckWindow(bank, input, offset);
            sums.Clear();
            ReadOnlySpan<float> row = taps.Slice(phase * tapsPerPhase, tapsPerPhase);
            ReadOnlySpan<float> window = input.Slice(offset, tapsPerPhase);
            for (int m = 0; m < tapsPerPhase; m++)
            {
                sums[m & 15] = MathF.FusedMultiplyAdd(window[m], row[m], sums[m & 15]);
            }

            for (int i = 0; i < 8; i++) sums[i] += sums[i + 8];
            for (int i = 0; i < 4; i++) sums[i] += sums[i + 4];
            for (int i = 0; i < 2; i++) sums[i] += sums[i + 2];
            output[j] = sums[0] + sums[1];
            Advance(bank, ref offset, ref phase);
        }
    }

    internal static void ComputeVector512(PolyphaseFilterBank bank, ReadOnlySpan<float> input, ref int offset, ref int phase, Span<float> output)
    {
        nuint tapsPerPhase = (nuint)bank.TapsPerPhase;
        ref float taps = ref MemoryMarshal.GetArrayDataReference(bank.Taps);
        ref float x = ref MemoryMarshal.GetReference(input);
        for (int j = 0; j < output.Length; j++)
        {
            CheckWindow(bank, input, offset);
            ref float row = ref Unsafe.Add(ref taps, (nuint)phase * tapsPerPhase);
            ref float window = ref Unsafe.Add(ref x, offset);
            Vector512<float> acc = Vector512<float>.Zero;
            for (nuint m = 0; m < tapsPerPhase; m += 16)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref window, m), Vector512.LoadUnsafe(ref row, m), acc);
            }

            output[j] = Reduce(acc.GetLower() + acc.GetUpper());
            Advance(bank, ref offset, ref phase);
        }
    }

    internal static void ComputeVector256(PolyphaseFilterBank bank, ReadOnlySpan<float> input, ref int offset, ref int phase, Span<float> output)
    {
        nuint tapsPerPhase = (nuint)bank.TapsPerPhase;
        ref float taps = ref MemoryMarshal.GetArrayDataReference(bank.Taps);
        ref float x = ref MemoryMarshal.GetReference(input);
        for (int j = 0; j < output.Length; j++)
        {
            CheckWindow(bank, input, offset);
            ref float row = ref Unsafe.Add(ref taps, (nuint)phase * tapsPerPhase);
            ref float window = ref Unsafe.Add(ref x, offset);
            Vector256<float> low = Vector256<float>.Zero, high = low;   // lanes 0-7 and 8-15 of each 16-tap block
            for (nuint m = 0; m < tapsPerPhase; m += 16)
            {
                low = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref window, m), Vector256.LoadUnsafe(ref row, m), low);
                high = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref window, m + 8), Vector256.LoadUnsafe(ref row, m + 8), high);
            }

            output[j] = Reduce(low + high);
            Advance(bank, ref offset, ref phase);
        }
    }

    internal static void ComputeVector128(PolyphaseFilterBank bank, ReadOnlySpan<float> input, ref int offset, ref int phase, Span<float> output)
    {
        nuint tapsPerPhase = (nuint)bank.TapsPerPhase;
        ref float taps = ref MemoryMarshal.GetArrayDataReference(bank.Taps);
        ref float x = ref MemoryMarshal.GetReference(input);
        for (int j = 0; j < output.Length; j++)
        {
            CheckWindow(bank, input, offset);
            ref float row = ref Unsafe.Add(ref taps, (nuint)phase * tapsPerPhase);
            ref float window = ref Unsafe.Add(ref x, offset);
            Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;   // lanes 0-3, 4-7, 8-11, 12-15
            for (nuint m = 0; m < tapsPerPhase; m += 16)
            {
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref window, m), Vector128.LoadUnsafe(ref row, m), a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref window, m + 4), Vector128.LoadUnsafe(ref row, m + 4), a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref window, m + 8), Vector128.LoadUnsafe(ref row, m + 8), a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref window, m + 12), Vector128.LoadUnsafe(ref row, m + 12), a3);
            }

            output[j] = Reduce((a0 + a2) + (a1 + a3));
            Advance(bank, ref offset, ref phase);
        }
    }

    // s8 (lanes i and i + 8 already added) -> s4 -> s2 -> sum, the fixed tree every width shares.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector256<float> s8) => Reduce(s8.GetLower() + s8.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector128<float> s4)
    {
        Vector128<float> s2 = s4 + Vector128.Shuffle(s4, Vector128.Create(2, 3, 0, 1));
        return s2.GetElement(0) + s2.GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Advance(PolyphaseFilterBank bank, ref int offset, ref int phase)
    {
        phase += bank.Decimation;
        offset += phase / bank.Interpolation;
        phase %= bank.Interpolation;
    }

    [Conditional("DEBUG")]
    private static void CheckWindow(PolyphaseFilterBank bank, ReadOnlySpan<float> input, int offset) =>
        Debug.Assert(offset >= 0 && offset + bank.TapsPerPhase <= input.Length, "the window lies inside the buffered input");
}
