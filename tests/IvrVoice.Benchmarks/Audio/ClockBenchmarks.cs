using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// Calibration for "cycles per sample": 100 million iterations of a dependent xor-then-add chain take exactly two
/// cycles each (one-cycle integer ops, each waiting for the last), so the time gives the clock the other suites ran at,
/// turbo included, which /proc/cpuinfo does not show. GHz = 2e8 / nanoseconds.
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class ClockBenchmarks
{
    public const long Iterations = 100_000_000;

    [Benchmark(Description = "2e8 dependent cycles")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public long DependentAdds()
    {
        long x = 0;
        for (long i = 0; i < Iterations; i++)
        {
            x += x ^ i;   // the xor waits for x, the add for the xor
        }

        return x;
    }
}
