using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio.Resampling;

internal static partial class Decimator3Kernels
{
    /// <summary>
    /// Appends input samples to the phase buffers: the sample at stream position t (counted from <paramref name="start"/>
    /// for the first input sample) goes to <c>phases[(t % 3) * stride + t / 3]</c>.
    /// </summary>
    public static void Deinterleave(ReadOnlySpan<float> input, Span<float> phases, int stride, int start)
    {
        int i = 0;
        while (i < input.Length && (start + i) % 3 != 0)
        {
            phases[(((start + i) % 3) * stride) + ((start + i) / 3)] = input[i];
            i++;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            i += DeinterleaveVector512(input[i..], phases, stride, (start + i) / 3);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            i += DeinterleaveVector256(input[i..], phases, stride, (start + i) / 3);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            i += DeinterleaveVector128(input[i..], phases, stride, (start + i) / 3);
        }

        for (; i < input.Length; i++)
        {
            phases[(((start + i) % 3) * stride) + ((start + i) / 3)] = input[i];
        }
    }

    /// <inheritdoc cref="Deinterleave(ReadOnlySpan{float}, Span{float}, int, int)"/>
    public static void Deinterleave(ReadOnlySpan<short> input, Span<float> phases, int stride, int start)
    {
        int i = 0;
        while (i < input.Length && (start + i) % 3 != 0)
        {
            phases[(((start + i) % 3) * stride) + ((start + i) / 3)] = input[i];
            i++;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            i += DeinterleaveVector512(input[i..], phases, stride, (start + i) / 3);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            i += DeinterleaveVector256(input[i..], phases, stride, (start + i) / 3);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            i += DeinterleaveVector128(input[i..], phases, stride, (start + i) / 3);
        }

        for (; i < input.Length; i++)
        {
            phases[(((start + i) % 3) * stride) + ((start + i) / 3)] = input[i];
        }
    }

    // The vector deinterleavers take 3 x lanes samples a, b, c (stream positions 3m .. 3m + 3 * lanes - 1, where m is
    // the phase index `at`) and write lanes samples to each phase. Phase r's lane l is the sample at 3l + r, which sits
    // in vector (3l + r) / lanes at lane (3l + r) % lanes: one shuffle of each source by that lane index, then two
    // selects by source. Each returns the number of input samples consumed (a multiple of 3 x lanes).

    internal static int DeinterleaveVector512(ReadOnlySpan<float> input, Span<float> phases, int stride, int at)
    {
        int groups = Math.Min(input.Length / 48, (stride - at) / 16);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), at);
        CheckPhaseSpace(phases, stride, at, groups * 16);
        for (nuint g = 0; g < (nuint)groups; g++)
        {
            Vector512<float> a = Vector512.LoadUnsafe(ref x, g * 48);
            Vector512<float> b = Vector512.LoadUnsafe(ref x, (g * 48) + 16);
            Vector512<float> c = Vector512.LoadUnsafe(ref x, (g * 48) + 32);
            Store512(a, b, c, ref p, stride, g * 16);
        }

        return groups * 48;
    }

    internal static int DeinterleaveVector512(ReadOnlySpan<short> input, Span<float> phases, int stride, int at)
    {
        int groups = Math.Min(input.Length / 48, (stride - at) / 16);
        ref short x = ref MemoryMarshal.GetReference(input);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), at);
        CheckPhaseSpace(phases, stride, at, groups * 16);
        for (nuint g = 0; g < (nuint)groups; g++)
        {
            // 32 + 16 int16 samples, widened to int32 (exact) and converted to float (exact below 2^24).
            (Vector512<int> lo, Vector512<int> hi) = Vector512.Widen(Vector512.LoadUnsafe(ref x, g * 48));
            (Vector256<int> tailLo, Vector256<int> tailHi) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (g * 48) + 32));
            Vector512<float> a = Vector512.ConvertToSingle(lo);
            Vector512<float> b = Vector512.ConvertToSingle(hi);
            Vector512<float> c = Vector512.ConvertToSingle(Vector512.Create(tailLo, tailHi));
            Store512(a, b, c, ref p, stride, g * 16);
        }

        return groups * 48;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(Vector512<float> a, Vector512<float> b, Vector512<float> c, ref float p, int stride, nuint offset)
    {
        Vector512<int> index0 = Vector512.Create(0, 3, 6, 9, 12, 15, 2, 5, 8, 11, 14, 1, 4, 7, 10, 13);
        Vector512<int> index1 = Vector512.Create(1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2, 5, 8, 11, 14);
        Vector512<int> index2 = Vector512.Create(2, 5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15);
        // All-ones lanes take the first source: phase 0 takes a in lanes 0-5 and b in 6-10, phase 1 a in 0-4 and b in 5-10,
        // phase 2 a in 0-4 and b in 5-9; the remaining lanes come from c.
        Vector512<float> fromA0 = Vector512.Create(-1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).AsSingle();
        Vector512<float> fromA12 = Vector512.Create(-1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).AsSingle();
        Vector512<float> fromB01 = Vector512.Create(0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0).AsSingle();
        Vector512<float> fromB2 = Vector512.Create(0, 0, 0, 0, 0, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0).AsSingle();
        Vector512.ConditionalSelect(fromA0, Vector512.Shuffle(a, index0),
            Vector512.ConditionalSelect(fromB01, Vector512.Shuffle(b, index0), Vector512.Shuffle(c, index0))).StoreUnsafe(ref p, offset);
        Vector512.ConditionalSelect(fromA12, Vector512.Shuffle(a, index1),
            Vector512.ConditionalSelect(fromB01, Vector512.Shuffle(b, index1), Vector512.Shuffle(c, index1))).StoreUnsafe(ref Unsafe.Add(ref p, stride), offset);
        Vector512.ConditionalSelect(fromA12, Vector512.Shuffle(a, index2),
            Vector512.ConditionalSelect(fromB2, Vector512.Shuffle(b, index2), Vector512.Shuffle(c, index2))).StoreUnsafe(ref Unsafe.Add(ref p, 2 * stride), offset);
    }

    internal static int DeinterleaveVector256(ReadOnlySpan<float> input, Span<float> phases, int stride, int at)
    {
        int groups = Math.Min(input.Length / 24, (stride - at) / 8);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), at);
        CheckPhaseSpace(phases, stride, at, groups * 8);
        for (nuint g = 0; g < (nuint)groups; g++)
        {
            Vector256<float> a = Vector256.LoadUnsafe(ref x, g * 24);
            Vector256<float> b = Vector256.LoadUnsafe(ref x, (g * 24) + 8);
            Vector256<float> c = Vector256.LoadUnsafe(ref x, (g * 24) + 16);
            Store256(a, b, c, ref p, stride, g * 8);
        }

        return groups * 24;
    }

    internal static int DeinterleaveVector256(ReadOnlySpan<short> input, Span<float> phases, int stride, int at)
    {
        int groups = Math.Min(input.Length / 24, (stride - at) / 8);
        ref short x = ref MemoryMarshal.GetReference(input);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), at);
        CheckPhaseSpace(phases, stride, at, groups * 8);
        for (nuint g = 0; g < (nuint)groups; g++)
        {
            (Vector256<int> lo, Vector256<int> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref x, g * 24));
            (Vector128<int> tailLo, Vector128<int> tailHi) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (g * 24) + 16));
            Vector256<float> a = Vector256.ConvertToSingle(lo);
            Vector256<float> b = Vector256.ConvertToSingle(hi);
            Vector256<float> c = Vector256.ConvertToSingle(Vector256.Create(tailLo, tailHi));
            Store256(a, b, c, ref p, stride, g * 8);
        }

        return groups * 24;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(Vector256<float> a, Vector256<float> b, Vector256<float> c, ref float p, int stride, nuint offset)
    {
        Vector256<int> index0 = Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5);
        Vector256<int> index1 = Vector256.Create(1, 4, 7, 2, 5, 0, 3, 6);
        Vector256<int> index2 = Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7);
        // Phase 0: a in lanes 0-2, b in 3-5; phase 1: a in 0-2, b in 3-4; phase 2: a in 0-1, b in 2-4; c elsewhere.
        Vector256<float> fromA01 = Vector256.Create(-1, -1, -1, 0, 0, 0, 0, 0).AsSingle();
        Vector256<float> fromA2 = Vector256.Create(-1, -1, 0, 0, 0, 0, 0, 0).AsSingle();
        Vector256<float> fromB0 = Vector256.Create(0, 0, 0, -1, -1, -1, 0, 0).AsSingle();
        Vector256<float> fromB1 = Vector256.Create(0, 0, 0, -1, -1, 0, 0, 0).AsSingle();
        Vector256<float> fromB2 = Vector256.Create(0, 0, -1, -1, -1, 0, 0, 0).AsSingle();
        Vector256.ConditionalSelect(fromA01, Vector256.Shuffle(a, index0),
            Vector256.ConditionalSelect(fromB0, Vector256.Shuffle(b, index0), Vector256.Shuffle(c, index0))).StoreUnsafe(ref p, offset);
        Vector256.ConditionalSelect(fromA01, Vector256.Shuffle(a, index1),
            Vector256.ConditionalSelect(fromB1, Vector256.Shuffle(b, index1), Vector256.Shuffle(c, index1))).StoreUnsafe(ref Unsafe.Add(ref p, stride), offset);
        Vector256.ConditionalSelect(fromA2, Vector256.Shuffle(a, index2),
            Vector256.ConditionalSelect(fromB2, Vector256.Shuffle(b, index2), Vector256.Shuffle(c, index2))).StoreUnsafe(ref Unsafe.Add(ref p, 2 * stride), offset);
    }

    internal static int DeinterleaveVector128(ReadOnlySpan<float> input, Span<float> phases, int stride, int at)
    {
        int groups = Math.Min(input.Length / 12, (stride - at) / 4);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), at);
        CheckPhaseSpace(phases, stride, at, groups * 4);
        for (nuint g = 0; g < (nuint)groups; g++)
        {
            Vector128<float> a = Vector128.LoadUnsafe(ref x, g * 12);
            Vector128<float> b = Vector128.LoadUnsafe(ref x, (g * 12) + 4);
            Vector128<float> c = Vector128.LoadUnsafe(ref x, (g * 12) + 8);
            Store128(a, b, c, ref p, stride, g * 4);
        }

        return groups * 12;
    }

    internal static int DeinterleaveVector128(ReadOnlySpan<short> input, Span<float> phases, int stride, int at)
    {
        int groups = Math.Min(input.Length / 12, (stride - at) / 4);
        ref short x = ref MemoryMarshal.GetReference(input);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), at);
        CheckPhaseSpace(phases, stride, at, groups * 4);
        for (nuint g = 0; g < (nuint)groups; g++)
        {
            // Samples 0-7 from one load; 8-11 are the upper half of the load at 4, which stays inside the 12.
            (Vector128<int> lo, Vector128<int> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref x, g * 12));
            Vector128<int> tail = Vector128.WidenUpper(Vector128.LoadUnsafe(ref x, (g * 12) + 4));
            Store128(Vector128.ConvertToSingle(lo), Vector128.ConvertToSingle(hi), Vector128.ConvertToSingle(tail), ref p, stride, g * 4);
        }

        return groups * 12;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(Vector128<float> a, Vector128<float> b, Vector128<float> c, ref float p, int stride, nuint offset)
    {
        Vector128<int> index0 = Vector128.Create(0, 3, 2, 1);
        Vector128<int> index1 = Vector128.Create(1, 0, 3, 2);
        Vector128<int> index2 = Vector128.Create(2, 1, 0, 3);
        // Phase 0: a in lanes 0-1, b in 2; phase 1: a in 0, b in 1-2; phase 2: a in 0, b in 1; c elsewhere.
        Vector128<float> fromA0 = Vector128.Create(-1, -1, 0, 0).AsSingle();
        Vector128<float> fromA12 = Vector128.Create(-1, 0, 0, 0).AsSingle();
        Vector128<float> fromB0 = Vector128.Create(0, 0, -1, 0).AsSingle();
        Vector128<float> fromB1 = Vector128.Create(0, -1, -1, 0).AsSingle();
        Vector128<float> fromB2 = Vector128.Create(0, -1, 0, 0).AsSingle();
        Vector128.ConditionalSelect(fromA0, Vector128.Shuffle(a, index0),
            Vector128.ConditionalSelect(fromB0, Vector128.Shuffle(b, index0), Vector128.Shuffle(c, index0))).StoreUnsafe(ref p, offset);
        Vector128.ConditionalSelect(fromA12, Vector128.Shuffle(a, index1),
            Vector128.ConditionalSelect(fromB1, Vector128.Shuffle(b, index1), Vector128.Shuffle(c, index1))).StoreUnsafe(ref Unsafe.Add(ref p, stride), offset);
        Vector128.ConditionalSelect(fromA12, Vector128.Shuffle(a, index2),
            Vector128.ConditionalSelect(fromB2, Vector128.Shuffle(b, index2), Vector128.Shuffle(c, index2))).StoreUnsafe(ref Unsafe.Add(ref p, 2 * stride), offset);
    }

    [System.Diagnostics.Conditional("DEBUG")]
    private static void CheckPhaseSpace(Span<float> phases, int stride, int at, int perPhase) =>
        System.Diagnostics.Debug.Assert(at + perPhase <= stride && phases.Length >= (3 * stride), "deinterleaved samples fit their phase");
}
