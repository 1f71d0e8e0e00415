using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio.Resampling;

/// <summary>
/// How input samples of one type enter a stage's float buffer, exactly (int16 values are whole floats). Struct
/// implementations let each stage have one generic Append that the JIT specialises per sample type.
/// </summary>
internal interface IStageInput<TSample>
    where TSample : unmanaged
{
    /// <summary>Converts <paramref name="input"/> into <paramref name="destination"/> (the same length).</summary>
    static abstract void Convert(ReadOnlySpan<TSample> input, Span<float> destination);

    /// <summary>Splits <paramref name="input"/> into the decimator's three phases (see <see cref="Decimator3Kernels.Deinterleave(ReadOnlySpan{float}, Span{float}, int, int)"/>).</summary>
    static abstract void Deinterleave(ReadOnlySpan<TSample> input, Span<float> phases, int stride, int start);
}

internal readonly struct FloatInput : IStageInput<float>
{
    public static void Convert(ReadOnlySpan<float> input, Span<float> destination) => input.CopyTo(destination);

    public static void Deinterleave(ReadOnlySpan<float> input, Span<float> phases, int stride, int start) =>
        Decimator3Kernels.Deinterleave(input, phases, stride, start);
}

internal readonly struct Int16Input : IStageInput<short>
{
    public static void Convert(ReadOnlySpan<short> input, Span<float> destination)
    {
        ref short x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // 16 samples widened to int32 (exact) and converted (exact below 2^24).
            for (; i + 16 <= (nuint)input.Length; i += 16)
            {
                (Vector256<int> lo, Vector256<int> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref x, i));
                Vector256.ConvertToSingle(lo).StoreUnsafe(ref y, i);
                Vector256.ConvertToSingle(hi).StoreUnsafe(ref y, i + 8);
            }
        }

        for (; i < (nuint)input.Length; i++)
        {
            Unsafe.Add(ref y, i) = Unsafe.Add(ref x, i);
        }
    }

    public static void Deinterleave(ReadOnlySpan<short> input, Span<float> phases, int stride, int start) =>
        Decimator3Kernels.Deinterleave(input, phases, stride, start);
}

/// <summary>Where a stage's outputs go: floats, or μ-law codes (fused where the stage can).</summary>
internal interface IStageOutput<TOutput>
    where TOutput : unmanaged
{
    static abstract int Produce(ResamplingStage stage, Span<TOutput> output);
}

internal readonly struct FloatOutput : IStageOutput<float>
{
    public static int Produce(ResamplingStage stage, Span<float> output) => stage.Produce(output);
}

internal readonly struct MuLawOutput : IStageOutput<byte>
{
    public static int Produce(ResamplingStage stage, Span<byte> output) => stage.ProduceMuLaw(output);
}
