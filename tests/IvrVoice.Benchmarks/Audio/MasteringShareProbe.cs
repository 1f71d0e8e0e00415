using System.Diagnostics;
using System.Runtime.Intrinsics;
using IvrVoice.Audio;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// Mastering's share of a 10 s prompt's mastered transcode by a Stopwatch, for a loaded machine where the BenchmarkDotNet
/// suite takes long: the three measurements of <see cref="MasteringBenchmarks"/> (and the P.56 meter alone) run in a
/// shuffled order in every round, each as the median of its calls, so a burst of load hits all of them alike; prints the
/// medians over rounds with their interquartile ranges and the median of the per-round shares.
/// <c>dotnet run -c Release --project tests/IvrVoice.Benchmarks -- mastering-share [rounds] [calls]</c>.
/// </summary>
internal static class MasteringShareProbe
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 41;
        int calls = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
        MasteringBenchmarks bench = new() { Seconds = 10 };
        bench.Setup();
        float[] telephone = bench.Telephone;
        (string Name, Func<int> Run)[] cases =
        [
            ("transcode, mastered", bench.TranscodeMastered),
            ("transcode, --no-master", bench.TranscodeUnmastered),
            ("mastering alone (with its restoring copy)", bench.MasteringAlone),
            ("P.56 meter alone, one pass", () => (int)SpeechLevel.Measure(telephone, 8000).LevelDb),
        ];
        List<double>[] times = [.. cases.Select(_ => new List<double>())];
        List<double> shares = [];
        for (int warm = 0; warm < 100; warm++)
        {
            foreach ((_, Func<int> run) in cases)
            {
                run();
            }
        }

        int[] order = [.. Enumerable.Range(0, cases.Length)];
        Random random = new(1);
        Stopwatch watch = new();
        double[] round = new double[cases.Length];
        List<double> perCall = [];
        for (int r = 0; r < rounds; r++)
        {
            random.Shuffle(order);
            foreach (int c in order)
            {
                perCall.Clear();
                for (int k = 0; k < calls; k++)
                {
                    watch.Restart();
                    cases[c].Run();
                    perCall.Add(watch.Elapsed.TotalMilliseconds);
                }

                round[c] = Quantile(perCall, 0.5);
                times[c].Add(round[c]);
            }

            shares.Add(round[2] / round[0]);
        }

        string isa = Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2 (Vector256)" : "no SIMD";
        Console.WriteLine($"{Environment.ProcessorCount} CPUs, {isa}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end; "
            + $"{rounds} rounds of {calls} calls, ms per call");
        for (int c = 0; c < cases.Length; c++)
        {
            Console.WriteLine($"| {cases[c].Name} | median {Quantile(times[c], 0.5):F4} | IQR {Quantile(times[c], 0.25):F4}-{Quantile(times[c], 0.75):F4} | best {times[c].Min():F4} |");
        }

        Console.WriteLine($"Mastering's share of a mastered transcode: {Quantile(shares, 0.5) * 100:F1}% (median of per-round shares, "
            + $"IQR {Quantile(shares, 0.25) * 100:F1}-{Quantile(shares, 0.75) * 100:F1}%); goal <= 25%");
        return 0;
    }

    private static double Quantile(List<double> values, double q)
    {
        List<double> sorted = [.. values.Order()];
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }
}
