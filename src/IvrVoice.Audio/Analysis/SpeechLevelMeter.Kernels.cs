using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace IvrVoice.Audio;

/// <summary>
/// The block passes of <see cref="SpeechLevelMeter"/>, once per width: Vector512 (two vectors of 16 parts), Vector256
/// (four of 8) and scalar. Lanes never mix until the energy's sum over parts, which is done in part order, so every width
/// gives the same bits.
/// </summary>
internal sealed partial class SpeechLevelMeter
{
    private static int BestWidth => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated && Avx.IsSupported ? 256 : 0;

    // The block part-interleaved: element 32n + k is sample 64k + n (8 × 8 transposes of floats; exact, so any width).
    private static void Interleave(ReadOnlySpan<float> x, Span<float> e, int width)
    {
        if (width == 0 || !Avx.IsSupported)
        {
            for (int k = 0; k < Parts; k++)
            {
                for (int n = 0; n < Part; n++)
                {
                    e[(Parts * n) + k] = x[(Part * k) + n];
                }
            }

            return;
        }

        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(e);
        for (nuint n = 0; n < Part; n += 8)
        {
            for (nuint group = 0; group < Parts; group += 8)
            {
                ref float rows = ref Unsafe.Add(ref source, (group * Part) + n);
                Vector256<float> r0 = Vector256.LoadUnsafe(ref rows), r1 = Vector256.LoadUnsafe(ref rows, Part);
                Vector256<float> r2 = Vector256.LoadUnsafe(ref rows, 2 * Part), r3 = Vector256.LoadUnsafe(ref rows, 3 * Part);
                Vector256<float> r4 = Vector256.LoadUnsafe(ref rows, 4 * Part), r5 = Vector256.LoadUnsafe(ref rows, 5 * Part);
                Vector256<float> r6 = Vector256.LoadUnsafe(ref rows, 6 * Part), r7 = Vector256.LoadUnsafe(ref rows, 7 * Part);
                Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
                Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
                Vector256<float> c04 = Avx.Shuffle(t0, t2, 0x44), c15 = Avx.Shuffle(t0, t2, 0xEE), c26 = Avx.Shuffle(t1, t3, 0x44), c37 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<float> d04 = Avx.Shuffle(t4, t6, 0x44), d15 = Avx.Shuffle(t4, t6, 0xEE), d26 = Avx.Shuffle(t5, t7, 0x44), d37 = Avx.Shuffle(t5, t7, 0xEE);
                ref float row = ref Unsafe.Add(ref target, (Parts * n) + group);
                Avx.Permute2x128(c04, d04, 0x20).StoreUnsafe(ref row);
                Avx.Permute2x128(c15, d15, 0x20).StoreUnsafe(ref row, Parts);
                Avx.Permute2x128(c26, d26, 0x20).StoreUnsafe(ref row, 2 * Parts);
                Avx.Permute2x128(c37, d37, 0x20).StoreUnsafe(ref row, 3 * Parts);
                Avx.Permute2x128(c04, d04, 0x31).StoreUnsafe(ref row, 4 * Parts);
                Avx.Permute2x128(c15, d15, 0x31).StoreUnsafe(ref row, 5 * Parts);
                Avx.Permute2x128(c26, d26, 0x31).StoreUnsafe(ref row, 6 * Parts);
                Avx.Permute2x128(c37, d37, 0x31).StoreUnsafe(ref row, 7 * Parts);
            }
        }
    }

    // The two recursions on scaled states, each part from zero state, in place: samples in, zero-state Q out; the parts'
    // final P to finalP; returns the block's energy (Σ x² per part in single precision, the parts added in order).
    private static double Recurse(Span<float> e, Span<float> finalP, float g, int width)
    {
        Span<float> energies = stackalloc float[Parts];
        if (width == 512)
        {
            Recurse512(e, finalP, energies, g);
        }
        else if (width == 256)
        {
            Recurse256(e, finalP, energies, g);
        }
        else
        {
            for (int k = 0; k < Parts; k++)
            {
                float p = 0, q = 0, energy = 0;
                for (int n = 0; n < Part; n++)
                {
                    float v = e[(Parts * n) + k];
                    energy = MathF.FusedMultiplyAdd(v, v, energy);
                    p = MathF.FusedMultiplyAdd(g, p, Math.Abs(v));
                    q = MathF.FusedMultiplyAdd(g, q, p);
                    e[(Parts * n) + k] = q;
                }

                finalP[k] = p;
                energies[k] = energy;
            }
        }

        // The parts' sums added pairwise in double precision, in one fixed order (Vector256 on every machine, emulated with
        // the same roundings where it is not accelerated): a sequential sum of converted floats was one long chain.
        Span<double> sums = stackalloc double[Parts];
        for (int k = 0; k < Parts; k += Vector256<float>.Count)
        {
            (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(energies.Slice(k, Vector256<float>.Count)));
            low.CopyTo(sums[k..]);
            high.CopyTo(sums[(k + 4)..]);
        }

        Vector256<double> total = ((Vector256.Create(sums[..4]) + Vector256.Create(sums[4..8])) + (Vector256.Create(sums[8..12]) + Vector256.Create(sums[12..16])))
            + ((Vector256.Create(sums[16..20]) + Vector256.Create(sums[20..24])) + (Vector256.Create(sums[24..28]) + Vector256.Create(sums[28..])));
        return (total.GetElement(0) + total.GetElement(1)) + (total.GetElement(2) + total.GetElement(3));
    }

    private static void Recurse512(Span<float> e, Span<float> finalP, Span<float> energies, float g)
    {
        ref float x = ref MemoryMarshal.GetReference(e);
        Vector512<float> vg = Vector512.Create(g);
        Vector512<float> p0 = Vector512<float>.Zero, p1 = p0, q0 = p0, q1 = p0, e0 = p0, e1 = p0;
        for (nuint at = 0; at < Block; at += Parts)
        {
            Vector512<float> v0 = Vector512.LoadUnsafe(ref x, at), v1 = Vector512.LoadUnsafe(ref x, at + 16);
            e0 = Vector512.FusedMultiplyAdd(v0, v0, e0);
            e1 = Vector512.FusedMultiplyAdd(v1, v1, e1);
            p0 = Vector512.FusedMultiplyAdd(vg, p0, Vector512.Abs(v0));
            p1 = Vector512.FusedMultiplyAdd(vg, p1, Vector512.Abs(v1));
            q0 = Vector512.FusedMultiplyAdd(vg, q0, p0);
            q1 = Vector512.FusedMultiplyAdd(vg, q1, p1);
            q0.StoreUnsafe(ref x, at);
            q1.StoreUnsafe(ref x, at + 16);
        }

        p0.StoreUnsafe(ref MemoryMarshal.GetReference(finalP));
        p1.StoreUnsafe(ref MemoryMarshal.GetReference(finalP), 16);
        e0.StoreUnsafe(ref MemoryMarshal.GetReference(energies));
        e1.StoreUnsafe(ref MemoryMarshal.GetReference(energies), 16);
    }

    private static void Recurse256(Span<float> e, Span<float> finalP, Span<float> energies, float g)
    {
        ref float x = ref MemoryMarshal.GetReference(e);
        Vector256<float> vg = Vector256.Create(g);
        Vector256<float> p0 = Vector256<float>.Zero, p1 = p0, p2 = p0, p3 = p0, q0 = p0, q1 = p0, q2 = p0, q3 = p0;
        Vector256<float> e0 = p0, e1 = p0, e2 = p0, e3 = p0;
        for (nuint at = 0; at < Block; at += Parts)
        {
            Vector256<float> v0 = Vector256.LoadUnsafe(ref x, at), v1 = Vector256.LoadUnsafe(ref x, at + 8);
            e0 = Vector256.FusedMultiplyAdd(v0, v0, e0);
            e1 = Vector256.FusedMultiplyAdd(v1, v1, e1);
            p0 = Vector256.FusedMultiplyAdd(vg, p0, Vector256.Abs(v0));
            p1 = Vector256.FusedMultiplyAdd(vg, p1, Vector256.Abs(v1));
            q0 = Vector256.FusedMultiplyAdd(vg, q0, p0);
            q1 = Vector256.FusedMultiplyAdd(vg, q1, p1);
            q0.StoreUnsafe(ref x, at);
            q1.StoreUnsafe(ref x, at + 8);
            Vector256<float> v2 = Vector256.LoadUnsafe(ref x, at + 16), v3 = Vector256.LoadUnsafe(ref x, at + 24);
            e2 = Vector256.FusedMultiplyAdd(v2, v2, e2);
            e3 = Vector256.FusedMultiplyAdd(v3, v3, e3);
            p2 = Vector256.FusedMultiplyAdd(vg, p2, Vector256.Abs(v2));
            p3 = Vector256.FusedMultiplyAdd(vg, p3, Vector256.Abs(v3));
            q2 = Vector256.FusedMultiplyAdd(vg, q2, p2);
            q3 = Vector256.FusedMultiplyAdd(vg, q3, p3);
            q2.StoreUnsafe(ref x, at + 16);
            q3.StoreUnsafe(ref x, at + 24);
        }

        ref float final = ref MemoryMarshal.GetReference(finalP);
        p0.StoreUnsafe(ref final);
        p1.StoreUnsafe(ref final, 8);
        p2.StoreUnsafe(ref final, 16);
        p3.StoreUnsafe(ref final, 24);
        ref float sums = ref MemoryMarshal.GetReference(energies);
        e0.StoreUnsafe(ref sums);
        e1.StoreUnsafe(ref sums, 8);
        e2.StoreUnsafe(ref sums, 16);
        e3.StoreUnsafe(ref sums, 24);
    }

    // Scales each part's zero-state Q to the envelope q × gain and adds its start state (already scaled), in place; marks,
    // per part, the samples whose power of two (the float's exponent) differs from the sample before. Bands of Cross are
    // unions of powers of two, so every sample where the band changes is marked (and a few where it does not, below
    // 2^0 and above 2^15, which the scan finds still in their band).
    private static void Correct(Span<float> e, ReadOnlySpan<float> carries, float[] powers, float scale, Span<ulong> changed, int width)
    {
        changed.Clear();
        if (width != 0)
        {
            // The vector passes note, per sample row, the parts whose key moved; the marks are set after the pass, so the
            // pass calls nothing and keeps its vectors in registers.
            Span<uint> moves = stackalloc uint[Part];
            if (width == 512)
            {
                Correct512(e, carries, powers, scale, moves);
            }
            else
            {
                Correct256(e, carries, powers, scale, moves);
            }

            for (int n = 1; n < Part; n++)
            {
                for (uint parts = moves[n]; parts != 0; parts &= parts - 1)
                {
                    changed[System.Numerics.BitOperations.TrailingZeroCount(parts)] |= 1UL << n;
                }
            }
        }
        else
        {
            for (int k = 0; k < Parts; k++)
            {
                float fromQ = carries[k], fromP = carries[Parts + k];
                uint previous = 0;
                for (int n = 0; n < Part; n++)
                {
                    float v = MathF.FusedMultiplyAdd(e[(Parts * n) + k], scale, MathF.FusedMultiplyAdd(powers[n], fromQ, powers[Part + n] * fromP));
                    e[(Parts * n) + k] = v;
                    uint key = BitConverter.SingleToUInt32Bits(v) >> 23;
                    if (n != 0 && key != previous)
                    {
                        changed[k] |= 1UL << n;
                    }

                    previous = key;
                }
            }
        }
    }

    private static void Correct512(Span<float> e, ReadOnlySpan<float> carries, float[] powers, float scale, Span<uint> moves)
    {
        ref float x = ref MemoryMarshal.GetReference(e);
        ref float power = ref MemoryMarshal.GetArrayDataReference(powers);
        ref float carry = ref MemoryMarshal.GetReference(carries);
        Vector512<float> q0 = Vector512.LoadUnsafe(ref carry), q1 = Vector512.LoadUnsafe(ref carry, 16);
        Vector512<float> p0 = Vector512.LoadUnsafe(ref carry, Parts), p1 = Vector512.LoadUnsafe(ref carry, Parts + 16);
        Vector512<float> vs = Vector512.Create(scale);
        Vector512<uint> previous0 = default, previous1 = default;
        ref uint rows = ref MemoryMarshal.GetReference(moves);
        for (nuint n = 0; n < Part; n++)
        {
            Vector512<float> gn = Vector512.Create(Unsafe.Add(ref power, n)), ngn = Vector512.Create(Unsafe.Add(ref power, Part + n));
            ref float row = ref Unsafe.Add(ref x, Parts * n);
            Vector512<float> v0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), vs, Vector512.FusedMultiplyAdd(gn, q0, ngn * p0));
            Vector512<float> v1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), vs, Vector512.FusedMultiplyAdd(gn, q1, ngn * p1));
            v0.StoreUnsafe(ref row);
            v1.StoreUnsafe(ref row, 16);
            Vector512<uint> key0 = Vector512.ShiftRightLogical(v0.AsUInt32(), 23), key1 = Vector512.ShiftRightLogical(v1.AsUInt32(), 23);
            ulong moved = (~Vector512.Equals(key0, previous0)).ExtractMostSignificantBits()
                | ((~Vector512.Equals(key1, previous1)).ExtractMostSignificantBits() << 16);
            (previous0, previous1) = (key0, key1);
            Unsafe.Add(ref rows, n) = (uint)moved;
        }
    }

    private static void Correct256(Span<float> e, ReadOnlySpan<float> carries, float[] powers, float scale, Span<uint> moves)
    {
        ref float x = ref MemoryMarshal.GetReference(e);
        ref float power = ref MemoryMarshal.GetArrayDataReference(powers);
        ref float carry = ref MemoryMarshal.GetReference(carries);
        Vector256<float> q0 = Vector256.LoadUnsafe(ref carry), q1 = Vector256.LoadUnsafe(ref carry, 8);
        Vector256<float> q2 = Vector256.LoadUnsafe(ref carry, 16), q3 = Vector256.LoadUnsafe(ref carry, 24);
        Vector256<float> p0 = Vector256.LoadUnsafe(ref carry, Parts), p1 = Vector256.LoadUnsafe(ref carry, Parts + 8);
        Vector256<float> p2 = Vector256.LoadUnsafe(ref carry, Parts + 16), p3 = Vector256.LoadUnsafe(ref carry, Parts + 24);
        Vector256<float> vs = Vector256.Create(scale);
        Vector256<uint> previous0 = default, previous1 = default, previous2 = default, previous3 = default;
        ref uint rows = ref MemoryMarshal.GetReference(moves);
        for (nuint n = 0; n < Part; n++)
        {
            Vector256<float> gn = Vector256.Create(Unsafe.Add(ref power, n)), ngn = Vector256.Create(Unsafe.Add(ref power, Part + n));
            ref float row = ref Unsafe.Add(ref x, Parts * n);
            Vector256<float> v0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row), vs, Vector256.FusedMultiplyAdd(gn, q0, ngn * p0));
            Vector256<float> v1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 8), vs, Vector256.FusedMultiplyAdd(gn, q1, ngn * p1));
            Vector256<float> v2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 16), vs, Vector256.FusedMultiplyAdd(gn, q2, ngn * p2));
            Vector256<float> v3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 24), vs, Vector256.FusedMultiplyAdd(gn, q3, ngn * p3));
            v0.StoreUnsafe(ref row);
            v1.StoreUnsafe(ref row, 8);
            v2.StoreUnsafe(ref row, 16);
            v3.StoreUnsafe(ref row, 24);
            Vector256<uint> key0 = Vector256.ShiftRightLogical(v0.AsUInt32(), 23);
            Vector256<uint> key1 = Vector256.ShiftRightLogical(v1.AsUInt32(), 23);
            Vector256<uint> key2 = Vector256.ShiftRightLogical(v2.AsUInt32(), 23);
            Vector256<uint> key3 = Vector256.ShiftRightLogical(v3.AsUInt32(), 23);
            uint moved = (~Vector256.Equals(key0, previous0)).ExtractMostSignificantBits()
                | ((~Vector256.Equals(key1, previous1)).ExtractMostSignificantBits() << 8)
                | ((~Vector256.Equals(key2, previous2)).ExtractMostSignificantBits() << 16)
                | ((~Vector256.Equals(key3, previous3)).ExtractMostSignificantBits() << 24);
            (previous0, previous1, previous2, previous3) = (key0, key1, key2, key3);
            Unsafe.Add(ref rows, n) = moved;
        }
    }
}
