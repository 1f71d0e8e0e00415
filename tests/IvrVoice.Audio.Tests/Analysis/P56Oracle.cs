namespace IvrVoice.Audio.Tests.Analysis;

/// <summary>
/// ITU-T P.56 method B written out step by step as the Recommendation describes it (no shortcuts): the test oracle
/// for the production meter, which finds the active thresholds by a logarithm instead of comparing each, and runs the
/// envelope's recursions in single-precision lanes. Everything here is double precision, sample after sample.
/// </summary>
internal static class P56Oracle
{
    /// <summary>The level and activity of <paramref name="x"/> × <paramref name="gain"/> (the gain applied in double precision).</summary>
    public static (double LevelDb, double Activity) Measure(float[] x, int rate, double gain = 1)
    {
        const double margin = 15.9;
        double g = Math.Exp(-1 / (rate * 0.03));
        int hangover = (int)Math.Ceiling(0.2 * rate);
        double[] c = [.. Enumerable.Range(0, 16).Select(j => Math.Pow(2, j))];
        long[] a = new long[16];
        int[] h = [.. Enumerable.Repeat(hangover, 16)];
        double s = 0, p = 0, q = 0;
        foreach (float value in x)
        {
            double sample = value * gain;
            s += sample * sample;
            p = Math.FusedMultiplyAdd(g, p, (1 - g) * Math.Abs(sample));
            q = Math.FusedMultiplyAdd(g, q, (1 - g) * p);
            for (int j = 0; j < 16; j++)
            {
                if (q >= c[j])
                {
                    a[j]++;
                    h[j] = 0;
                }
                else if (h[j] < hangover)
                {
                    a[j]++;
                    h[j]++;
                }
            }
        }

        // A_j: active level for threshold j, C_j: the threshold, both in dB re full scale (32768).
        double fullScaleDb = 20 * Math.Log10(32768);
        double previousDiff = double.NaN, previousA = double.NaN, previousActivity = double.NaN;
        for (int j = 0; j < 16 && a[j] > 0; j++)
        {
            double level = (10 * Math.Log10(s / a[j])) - fullScaleDb;
            double diff = level - ((20 * Math.Log10(c[j])) - fullScaleDb);
            double activity = (double)a[j] / x.Length;
            if (diff <= margin)
            {
                if (double.IsNaN(previousDiff))
                {
                    return (level, activity);
                }

                double t = (previousDiff - margin) / (previousDiff - diff);
                return (previousA + (t * (level - previousA)), previousActivity + (t * (activity - previousActivity)));
            }

            (previousDiff, previousA, previousActivity) = (diff, level, activity);
        }

        return (previousA, previousActivity);
    }
}
