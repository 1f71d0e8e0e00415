using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// The FMA limit of the CPU the suite runs on, per width: twelve independent chains of fused multiply-adds held in
/// registers (enough to cover two pipes with a 4-cycle latency), no memory traffic. With the clock from
/// <see cref="ClockBenchmarks"/>, the time gives FP32 FMA lanes per cycle: 16 for two 256-bit pipes (Zen 2/3, most
/// AVX2 cores) and for Zen 4's 512-bit FMA at half rate, 32 for two full 512-bit pipes (Zen 5). The FIR kernel's
/// fraction of the limit is measured against this, not against a figure assumed for the CPU. A width the machine
/// lacks returns at once.
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class FmaPeakBenchmarks
{
    /// <summary>Loop trips; each does 12 vector FMAs.</summary>
    public const int Iterations = 100_000;

    [Benchmark(Description = "Vector256 FMA peak")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public float Peak256() => Vector256.IsHardwareAccelerated ? Run256(Vector256.Create(0.999f), Vector256.Create(0.001f)) : 0;

    [Benchmark(Description = "Vector512 FMA peak")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public float Peak512() => Vector512.IsHardwareAccelerated ? Run512(Vector512.Create(0.999f), Vector512.Create(0.001f)) : 0;

    private static float Run256(Vector256<float> m, Vector256<float> c)
    {
        Vector256<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float Run512(Vector512<float> m, Vector512<float> c)
    {
        Vector512<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
