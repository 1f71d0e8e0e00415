using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio.Resampling;

/// <summary>
/// Where a kernel puts each finished block of outputs: as floats, or encoded straight to μ-law so the fused path
/// never stores the float samples. Struct implementations let the JIT specialise each kernel per writer.
/// </summary>
internal interface IBlockWriter<TOutput>
    where TOutput : unmanaged
{
    static abstract void Write(Vector512<float> block, ref TOutput destination, nuint offset);

    static abstract void Write(Vector256<float> block, ref TOutput destination, nuint offset);

    static abstract void Write(Vector128<float> block, ref TOutput destination, nuint offset);

    static abstract void Write(float value, ref TOutput destination, nuint offset);
}

internal readonly struct FloatWriter : IBlockWriter<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Vector512<float> block, ref float destination, nuint offset) => block.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Vector256<float> block, ref float destination, nuint offset) => block.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Vector128<float> block, ref float destination, nuint offset) => block.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;
}

/// <summary>
/// μ-law by the rule of <see cref="G711.MuLawFromFloat"/>: the reference code of the sample truncated toward zero,
/// saturated to int16, NaN as 0. The vector form finds the segment from the float exponent of the biased magnitude
/// (exact below 2^24): bits >> 19 of float(m) is ((exponent + 127) << 4) | the next four bits, which minus
/// (127 + 5) << 4 is the code's segment and step for m in 33..8191, and at least 0x80 (clipped to 0x7F) above.
/// </summary>
internal readonly struct MuLawWriter : IBlockWriter<byte>
{
    private const int ExponentOffset = (127 + 5) << 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Vector512<float> block, ref byte destination, nuint offset)
    {
        Vector512<int> finite = Vector512.ConvertToInt32(Vector512.ConditionalSelect(Vector512.Equals(block, block),
            Vector512.Min(Vector512.Max(block, Vector512.Create(-32768f)), Vector512.Create(32767f)), Vector512<float>.Zero));
        Vector512<int> negative = finite >> 31;
        // Negative n: the reference's magnitude -(n >> 2) is (~n >> 2) + 1; subtracting the all-ones mask adds the 1.
        Vector512<int> biased = ((finite ^ negative) >> 2) + Vector512.Create(33) - negative;
        Vector512<int> step = Vector512.ShiftRightLogical(Vector512.ConvertToSingle(biased).AsInt32(), 19) - Vector512.Create(ExponentOffset);
        Vector512<uint> code = (Vector512.Min(step, Vector512.Create(0x7F)) ^ (Vector512.Create(0xFF) ^ (negative & Vector512.Create(0x80)))).AsUInt32();
        // Codes are 0..255: the truncating narrows keep them; the low 16 bytes are the block.
        Vector512<ushort> words = Vector512.Narrow(code, code);
        Vector512.Narrow(words, words).GetLower().GetLower().StoreUnsafe(ref destination, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Vector256<float> block, ref byte destination, nuint offset)
    {
        Vector256<int> finite = Vector256.ConvertToInt32(Vector256.ConditionalSelect(Vector256.Equals(block, block),
            Vector256.Min(Vector256.Max(block, Vector256.Create(-32768f)), Vector256.Create(32767f)), Vector256<float>.Zero));
        Vector256<int> negative = finite >> 31;
        Vector256<int> biased = ((finite ^ negative) >> 2) + Vector256.Create(33) - negative;
        Vector256<int> step = Vector256.ShiftRightLogical(Vector256.ConvertToSingle(biased).AsInt32(), 19) - Vector256.Create(ExponentOffset);
        Vector256<uint> code = (Vector256.Min(step, Vector256.Create(0x7F)) ^ (Vector256.Create(0xFF) ^ (negative & Vector256.Create(0x80)))).AsUInt32();
        Vector256<ushort> words = Vector256.Narrow(code, code);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, offset), Vector256.Narrow(words, words).AsUInt64().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Vector128<float> block, ref byte destination, nuint offset)
    {
        for (int lane = 0; lane < Vector128<float>.Count; lane++)
        {
            Unsafe.Add(ref destination, offset + (nuint)lane) = G711.MuLawFromFloat(block.GetElement(lane));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(float value, ref byte destination, nuint offset) => Unsafe.Add(ref destination, offset) = G711.MuLawFromFloat(value);
}
