using IvrVoice.Audio.Tests.Analysis;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Joining;

/// <summary>Pieces to join, built like rendered prompts (speech between silences), and the measurements the join tests judge by.</summary>
internal static class JoinSignals
{
    public const int Rate = 8000;

    /// <summary>A tone of exactly <paramref name="soundSamples"/> between silences, at <paramref name="levelDbov"/> (a sine's RMS is its level).</summary>
    public static float[] Burst(int leadSamples, int soundSamples, int trailSamples, double levelDbov, double frequency = 440, double phase = 0)
    {
        double amplitude = 32768 * Math.Pow(10, levelDbov / 20) * Math.Sqrt(2);
        float[] tone = SignalGenerator.Sine(soundSamples, frequency, Rate, amplitude, phase);
        return Concat(new float[leadSamples], tone, new float[trailSamples]);
    }

    /// <summary>
    /// Speech-like sound of <paramref name="seconds"/> at <paramref name="levelDbov"/> (measured by the P.56 oracle)
    /// with 150 ms of silence on each side, as a mastered prompt has.
    /// </summary>
    public static float[] Speech(double seconds, double levelDbov, int seed)
    {
        float[] sound = SignalGenerator.SpeechLike((int)(seconds * Rate), Rate, seed, peak: 10000);
        Scale(sound, levelDbov - P56Oracle.Measure(sound, Rate).LevelDb);
        return Concat(new float[Rate * 15 / 100], sound, new float[Rate * 15 / 100]);
    }

    public static void Scale(float[] x, double gainDb)
    {
        float gain = (float)Math.Pow(10, gainDb / 20);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= gain;
        }
    }

    public static float[] Concat(params float[][] parts) => [.. parts.SelectMany(p => p)];

    public static double LevelDb(ReadOnlySpan<float> region) => P56Oracle.Measure(region.ToArray(), Rate).LevelDb;

    /// <summary>
    /// The stretches of sound in <paramref name="x"/>, found without the joiner's help: maximal runs separated by at
    /// least <paramref name="minGapSamples"/> exact zeros (joined gaps are digital silence, also after μ-law).
    /// </summary>
    public static List<(int Start, int End)> SoundRegions(ReadOnlySpan<float> x, int minGapSamples)
    {
        List<(int, int)> regions = [];
        int start = -1, zeros = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == 0)
            {
                zeros++;
                if (start >= 0 && zeros == minGapSamples)
                {
                    regions.Add((start, i - zeros + 1));
                    start = -1;
                }

                continue;
            }

            start = start < 0 ? i : start;
            zeros = 0;
        }

        if (start >= 0)
        {
            regions.Add((start, x.Length - zeros));
        }

        return regions;
    }

    /// <summary>
    /// The click metric: at every piece edge, the largest sample step |x[n] − x[n−1]| within ±<paramref name="window"/>
    /// samples of it, divided by the largest step inside the pieces that meet there (their samples farther than the
    /// window from any edge). Above 1, an edge makes a step the speech itself never makes: a click.
    /// </summary>
    public static double WorstEdgeRatio(ReadOnlySpan<float> x, IReadOnlyList<(int Start, int End)> pieces, int window)
    {
        double[] interior = new double[pieces.Count];
        for (int k = 0; k < pieces.Count; k++)
        {
            interior[k] = MaxStep(x, pieces[k].Start + window, pieces[k].End - window);
        }

        double worst = 0;
        for (int k = 0; k < pieces.Count; k++)
        {
            double before = Math.Max(interior[k], k > 0 ? interior[k - 1] : 0);
            double after = Math.Max(interior[k], k + 1 < pieces.Count ? interior[k + 1] : 0);
            worst = Math.Max(worst, MaxStep(x, pieces[k].Start - window, pieces[k].Start + window) / before);
            worst = Math.Max(worst, MaxStep(x, pieces[k].End - window, pieces[k].End + window) / after);
        }

        return worst;
    }

    // Largest |x[n] - x[n-1]| for n in [from, to), clipped to the signal.
    private static double MaxStep(ReadOnlySpan<float> x, int from, int to)
    {
        double max = 0;
        for (int n = Math.Max(1, from); n < Math.Min(x.Length, to); n++)
        {
            max = Math.Max(max, Math.Abs((double)x[n] - x[n - 1]));
        }

        return max;
    }
}
