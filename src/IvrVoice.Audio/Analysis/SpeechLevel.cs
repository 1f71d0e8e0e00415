namespace IvrVoice.Audio;

/// <summary>
/// ITU-T P.56 method B (the active speech level meter of the ITU software tool library's sv56), on the 16-bit scale.
/// The rectified signal is smoothed twice with a 30 ms time constant into an envelope; for each threshold c_j = 2^j
/// (j = 0..15) a sample counts as active while the envelope is at or above c_j or within 200 ms after it was. The
/// active level for threshold j is the signal energy divided by its active count; the speech level is where that level
/// stands 15.9 dB above its threshold, interpolated in dB between the two thresholds that bracket the margin.
/// </summary>
internal static class SpeechLevel
{
    public const double MarginDb = 15.9;
    private const double TimeConstantSeconds = 0.03;
    private const double HangoverSeconds = 0.2;
    private const int Thresholds = 16;
    private const double FullScaleEnergyDb = 90.308998699194358;   // 20 log10(32768)

    /// <summary>Active level in dBov (-∞ for silence) and the active share of samples.</summary>
    public static (double LevelDb, double Activity) Measure(ReadOnlySpan<float> x, int sampleRate)
    {
        if (x.IsEmpty)
        {
            return (double.NegativeInfinity, 0);
        }

        double g = Math.Exp(-1.0 / (sampleRate * TimeConstantSeconds));
        int hangover = (int)Math.Ceiling(HangoverSeconds * sampleRate);
        Span<long> active = stackalloc long[Thresholds];
        Span<int> hold = stackalloc int[Thresholds];
        hold.Fill(hangover);   // nothing is active before the first loud sample
        double energy = 0, p = 0, q = 0;
        foreach (float sample in x)
        {
            double magnitude = Math.Abs(sample);
            energy += magnitude * magnitude;
            p = (g * p) + ((1 - g) * magnitude);
            q = (g * q) + ((1 - g) * p);

            // Thresholds are powers of two: those at or below q are all j < log2(q) + 1.
            int below = q < 1 ? 0 : Math.Min(Thresholds, (int)Math.Floor(Math.Log2(q)) + 1);
            for (int j = 0; j < below; j++)
            {
                active[j]++;
                hold[j] = 0;
            }

            for (int j = below; j < Thresholds; j++)
            {
                if (hold[j] < hangover)
                {
                    active[j]++;
                    hold[j]++;
                }
            }
        }

        if (energy == 0)
        {
            return (double.NegativeInfinity, 0);
        }

        // Difference between the active level and its threshold falls as the threshold rises; find where it crosses M.
        double previousDelta = double.NaN, previousLevel = double.NaN, previousActivity = double.NaN;
        for (int j = 0; j < Thresholds; j++)
        {
            if (active[j] == 0)
            {
                break;
            }

            double level = (10 * Math.Log10(energy / active[j])) - FullScaleEnergyDb;
            double thresholdDb = (20 * Math.Log10(Math.Pow(2, j))) - FullScaleEnergyDb;
            double delta = level - thresholdDb;
            double activity = (double)active[j] / x.Length;
            if (delta <= MarginDb)
            {
                if (j == 0 || double.IsNaN(previousDelta))
                {
                    return (level, activity);
                }

                double t = (previousDelta - MarginDb) / (previousDelta - delta);
                return (previousLevel + (t * (level - previousLevel)),
                    previousActivity + (t * (activity - previousActivity)));
            }

            (previousDelta, previousLevel, previousActivity) = (delta, level, activity);
        }

        // Never within the margin: the signal is too quiet for the lowest threshold to mean speech.
        return double.IsNaN(previousLevel) ? (double.NegativeInfinity, 0) : (previousLevel, previousActivity);
    }
}
