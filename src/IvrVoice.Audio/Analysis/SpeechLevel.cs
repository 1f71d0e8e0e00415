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
    internal const double TimeConstantSeconds = 0.03;
    internal const double HangoverSeconds = 0.2;
    internal const int Thresholds = 16;
    private const double FullScaleEnergyDb = 90.308998699194358;   // 20 log10(32768)
    private const double OctaveDb = 6.0205999132796239;   // 20 log10(2): threshold 2^j is j octaves above 1
    /// <summary>
    /// Active level in dBov (-∞ for silence) and the active share of samples, of <paramref name="x"/> scaled by
    /// <paramref name="gain"/> (so mastering can measure a gain's result without applying it).
    /// </summary>
    public static (double LevelDb, double Activity) Measure(ReadOnlySpan<float> x, int sampleRate, double gain = 1)
    {
        return new SpeechLevelMeter(sampleRate, gain).MeasureAll(x);
    }

    /// <summary>The level from the meter's totals: <paramref name="active"/> samples per threshold of <paramref name="length"/>.</summary>
    internal static (double LevelDb, double Activity) Level(double energy, ReadOnlySpan<long> active, long length)
    {
        if (length == 0 || energy == 0)
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
            double thresholdDb = (j * OctaveDb) - FullScaleEnergyDb;
            double delta = level - thresholdDb;
            double activity = (double)active[j] / length;
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
