using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// Calibration for "cycles per sample": two million iterations of a dependent xor-then-add chain take exactly two
/// cycles each (one-cycle integer ops, each waiting for the last), so the time gives the clock the other suites ran at,
/// turbo included, which /proc/cpuinfo does not show: GHz = 4e6 / nanoseconds. About a millisecond, so its fastest
/// run fits in one scheduler slice on a busy machine, as the audio benchmarks' runs do.
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class ClockBenchmarks
{
    public const long Iterations = 2_000_000;

    [Benchmark(Description = "4e6 dependent cycles")]
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
