using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IvrVoice.Audio.Codecs;

/// <summary>
/// G.711 encoders on <see cref="Vector{T}"/> lanes, bit-exact with the reference. The segment search is
/// done by the float exponent: a magnitude converted to float (exact below 2^24) has its highest set bit
/// in the exponent and the next four bits at the top of the mantissa, which is the segment and quantiser
/// field of the code word: bits >> 19 = ((exponent + 127) << 4) | quantiser.
/// </summary>
internal static class G711Vector
{
    // (127 + 5) << 4: a μ-law biased magnitude of 32..63 (exponent 5) is segment 0.
    private const int MuLawExponentOffset = 2112;
    // (127 + 4) << 4: an A-law magnitude of 32..63 (exponent 5) is segment 1.
    private const int ALawExponentOffset = 2096;

    public static bool IsSupported => Vector.IsHardwareAccelerated && Vector<int>.Count >= 4;

    // One block: four int lanes vectors narrowed into one byte vector.
    private static int BlockLength => Vector<byte>.Count;

    public static int EncodeMuLaw(ReadOnlySpan<short> source, Span<byte> destination) =>
        EncodeShorts(source, destination, muLaw: true);

    public static int EncodeALaw(ReadOnlySpan<short> source, Span<byte> destination) =>
        EncodeShorts(source, destination, muLaw: false);

    public static int EncodeMuLaw(ReadOnlySpan<float> source, Span<byte> destination) =>
        EncodeFloats(source, destination, muLaw: true);

    public static int EncodeALaw(ReadOnlySpan<float> source, Span<byte> destination) =>
        EncodeFloats(source, destination, muLaw: false);

    /// <returns>How many leading samples were encoded; the caller encodes the rest with the scalar path.</returns>
    private static int EncodeShorts(ReadOnlySpan<short> source, Span<byte> destination, bool muLaw)
    {
        int block = BlockLength;
        if (source.Length < block)
        {
            return 0;
        }

        ref short input = ref MemoryMarshal.GetReference(source);
        ref byte output = ref MemoryMarshal.GetReference(destination);
        int last = source.Length - block;
        for (int i = 0; ; i += block)
        {
            // The final block overlaps the previous one rather than leaving a scalar tail; encoding is pure.
            if (i > last)
            {
                if (i == source.Length)
                {
                    break;
                }

                i = last;
            }

            Vector<short> low = Vector.LoadUnsafe(ref input, (nuint)i);
            Vector<short> high = Vector.LoadUnsafe(ref input, (nuint)(i + Vector<short>.Count));
            Vector.Widen(low, out Vector<int> n0, out Vector<int> n1);
            Vector.Widen(high, out Vector<int> n2, out Vector<int> n3);
            Store(muLaw, n0, n1, n2, n3, ref output, i);
            if (i == last)
            {
                break;
            }
        }

        return source.Length;
    }

    private static int EncodeFloats(ReadOnlySpan<float> source, Span<byte> destination, bool muLaw)
    {
        int block = BlockLength;
        if (source.Length < block)
        {
            return 0;
        }

        ref float input = ref MemoryMarshal.GetReference(source);
        ref byte output = ref MemoryMarshal.GetReference(destination);
        int step = Vector<float>.Count;
        int last = source.Length - block;
        for (int i = 0; ; i += block)
        {
            if (i > last)
            {
                if (i == source.Length)
                {
                    break;
                }

                i = last;
            }

            Vector<int> n0 = Truncate(Vector.LoadUnsafe(ref input, (nuint)i));
            Vector<int> n1 = Truncate(Vector.LoadUnsafe(ref input, (nuint)(i + step)));
            Vector<int> n2 = Truncate(Vector.LoadUnsafe(ref input, (nuint)(i + (2 * step))));
            Vector<int> n3 = Truncate(Vector.LoadUnsafe(ref input, (nuint)(i + (3 * step))));
            Store(muLaw, n0, n1, n2, n3, ref output, i);
            if (i == last)
            {
                break;
            }
        }

        return source.Length;
    }

    // NaN becomes 0, the rest is clamped to the int16 range and truncated toward zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> Truncate(Vector<float> sample)
    {
        Vector<float> finite = Vector.ConditionalSelect(Vector.Equals(sample, sample), sample, Vector<float>.Zero);
        Vector<float> clamped = Vector.Min(Vector.Max(finite, new Vector<float>(short.MinValue)), new Vector<float>(short.MaxValue));
        return Vector.ConvertToInt32(clamped);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(bool muLaw, Vector<int> n0, Vector<int> n1, Vector<int> n2, Vector<int> n3, ref byte output, int offset)
    {
        Vector<int> c0, c1, c2, c3;
        if (muLaw)
        {
            c0 = MuLaw(n0); c1 = MuLaw(n1); c2 = MuLaw(n2); c3 = MuLaw(n3);
        }
        else
        {
            c0 = ALaw(n0); c1 = ALaw(n1); c2 = ALaw(n2); c3 = ALaw(n3);
        }

        // Codes are 0..255, so the truncating narrows lose nothing.
        Vector<ushort> low = Vector.Narrow(Vector.AsVectorUInt32(c0), Vector.AsVectorUInt32(c1));
        Vector<ushort> high = Vector.Narrow(Vector.AsVectorUInt32(c2), Vector.AsVectorUInt32(c3));
        Vector.StoreUnsafe(Vector.Narrow(low, high), ref output, (nuint)offset);
    }

    /// <summary>μ-law code of int16 values held in int lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<int> MuLaw(Vector<int> sample)
    {
        Vector<int> negative = Vector.ShiftRightArithmetic(sample, 31);
        // Negative n: the reference's magnitude -(n >> 2) equals (~n >> 2) + 1; subtracting the all-ones mask adds the 1.
        Vector<int> biased = Vector.ShiftRightArithmetic(sample ^ negative, 2) + new Vector<int>(33) - negative;
        Vector<int> bits = Vector.AsVectorInt32(Vector.ConvertToSingle(biased));
        Vector<int> code = Vector.Min(Vector.ShiftRightLogical(bits, 19) - new Vector<int>(MuLawExponentOffset), new Vector<int>(0x7F));
        return code ^ (new Vector<int>(0xFF) ^ (negative & new Vector<int>(0x80)));
    }

    /// <summary>A-law code of int16 values held in int lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<int> ALaw(Vector<int> sample)
    {
        Vector<int> negative = Vector.ShiftRightArithmetic(sample, 31);
        // Negative n: the reference's -(n >> 3) - 1 equals ~n >> 3.
        Vector<int> magnitude = Vector.ShiftRightArithmetic(sample ^ negative, 3);
        Vector<int> bits = Vector.AsVectorInt32(Vector.ConvertToSingle(magnitude));
        Vector<int> large = Vector.ShiftRightLogical(bits, 19) - new Vector<int>(ALawExponentOffset);
        // Below 32 (segment 0, and also true for segment 1) the code is simply magnitude >> 1.
        Vector<int> small = Vector.ShiftRightArithmetic(magnitude, 1);
        Vector<int> code = Vector.ConditionalSelect(Vector.LessThan(magnitude, new Vector<int>(32)), small, large);
        return code ^ (new Vector<int>(0xD5) ^ (negative & new Vector<int>(0x80)));
    }
}
