using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// The 3:1 FIR kernel alone, per width, on one 4096-output block held in cache (12288 input samples): what the FMA
/// limit applies to. 192 taps, so 64 FMAs per input sample. Widths the machine lacks return 0 at once.
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class DecimatorKernelBenchmarks
{
    public const int Outputs = 4096;
    private const int Stride = Outputs + Decimator3Kernels.PhaseTaps;
    private float[] _phases = [];
    private float[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        _phases = SignalGenerator.RandomFloats(3 * Stride, seed: 1);
        _output = new float[Outputs];
    }

    [Benchmark(Baseline = true, Description = "scalar oracle")]
    public int Scalar()
    {
        Decimator3Kernels.ComputeScalar(_phases, Stride, 0, _output);
        return Outputs;
    }

    [Benchmark(Description = "Vector128")]
    public int Width128() => Vector128.IsHardwareAccelerated ? Decimator3Kernels.ComputeVector128<float, FloatWriter>(_phases, Stride, 0, _output) : 0;

    [Benchmark(Description = "Vector256")]
    public int Width256() => Vector256.IsHardwareAccelerated ? Decimator3Kernels.ComputeVector256<float, FloatWriter>(_phases, Stride, 0, _output) : 0;

    [Benchmark(Description = "Vector512")]
    public int Width512() => Vector512.IsHardwareAccelerated ? Decimator3Kernels.ComputeVector512<float, FloatWriter>(_phases, Stride, 0, _output) : 0;
}
