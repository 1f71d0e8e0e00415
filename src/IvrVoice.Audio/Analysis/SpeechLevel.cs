using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    private const int EnvelopeBlock = 2048;

    // The two smoothing recursions over one block, writing the envelope; returns the block's energy. A method of its own
    // so its running values stay in registers (a call in the caller's loop would spill them on every sample). Compiled
    // at full optimisation on first call rather than taken precompiled: ReadyToRun code targets a baseline CPU without
    // FMA and would call a software fused multiply-add twice a sample.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Envelope(ReadOnlySpan<float> block, Span<double> envelope, double gain, double g, ref double pState, ref double qState)
    {
        // Magnitudes first, widened four at a time: a scalar float-to-double conversion merges into its destination
        // register and would chain every sample to the previous one's arithmetic.
        Vector128<double> sum = Vector128<double>.Zero;
        Vector128<double> scale = Vector128.Create(gain);
        int i = 0;
        for (; i + 4 <= block.Length; i += 4)
        {
            (Vector128<double> low, Vector128<double> high) = Vector128.Widen(Vector128.Abs(Vector128.Create(block.Slice(i, 4))));
            low *= scale;
            high *= scale;
            low.CopyTo(envelope[i..]);
            high.CopyTo(envelope[(i + 2)..]);
            sum += (low * low) + (high * high);
        }

        double energy = sum.GetElement(0) + sum.GetElement(1);
        for (; i < block.Length; i++)
        {
            double magnitude = Math.Abs((double)block[i]) * gain;
            envelope[i] = magnitude;
            energy += magnitude * magnitude;
        }

        double h = 1 - g, p = pState, q = qState;
        for (i = 0; i < block.Length; i++)
        {
            // Fused multiply-adds keep the two recursions (the loop's critical path) at one rounding each.
            p = Math.FusedMultiplyAdd(g, p, h * envelope[i]);
            q = Math.FusedMultiplyAdd(g, q, h * p);
            envelope[i] = q;
        }

        (pState, qState) = (p, q);
        return energy;
    }

    // The envelope left [low, high): find its new band, book the runs that ended and the gaps (hangover) before the runs
    // that began. Out of the sample loop, so the loop keeps its few variables in registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Cross(double q, int n, int above, int hangover, Span<long> active, Span<int> runStart, Span<int> lastEnd)
    {
        int now = q < 1 ? 0 : Math.Min(Thresholds, Math.ILogB(q) + 1);   // exact: q >= 2^j  <=>  ilogb(q) >= j
        for (int j = above; j < now; j++)
        {
            active[j] += lastEnd[j] == int.MinValue ? 0 : Math.Min(n - lastEnd[j] - 1, hangover);
            runStart[j] = n;
        }

        for (int j = now; j < above; j++)
        {
            active[j] += n - runStart[j];
            lastEnd[j] = n - 1;
        }

        return now;
    }

    /// <summary>
    /// Active level in dBov (-∞ for silence) and the active share of samples, of <paramref name="x"/> scaled by
    /// <paramref name="gain"/> (so mastering can measure a gain's result without applying it).
    /// </summary>
    public static (double LevelDb, double Activity) Measure(ReadOnlySpan<float> x, int sampleRate, double gain = 1)
    {
        if (x.IsEmpty)
        {
            return (double.NegativeInfinity, 0);
        }

        double g = Math.Exp(-1.0 / (sampleRate * TimeConstantSeconds));
        int hangover = (int)Math.Ceiling(HangoverSeconds * sampleRate);

        // The envelope is at or above c_j = 2^j for j < `above`. Rather than update 16 counters per sample, count per
        // threshold by runs: each run of samples at or above c_j is active, and so are up to `hangover` samples of the
        // gap that follows it. Runs only begin or end when `above` changes, which the smooth envelope seldom does.
        Span<long> active = stackalloc long[Thresholds];
        Span<int> runStart = stackalloc int[Thresholds];
        Span<int> lastEnd = stackalloc int[Thresholds];
        lastEnd.Fill(int.MinValue);   // no run yet: nothing before the first one is active
        int above = 0;
        double low = 0, high = 1;   // `above` holds while low <= q < high: 2^(above-1) and 2^above (0 and +inf at the ends)
        double energy = 0, p = 0, q = 0;

        // In blocks: first the envelope (a tight loop with nothing but the two recursions and the energy, which must not
        // leave registers), then a scan of it for band changes (which call out, and would force a spill in that loop).
        Span<double> envelope = stackalloc double[EnvelopeBlock];
        for (int start = 0; start < x.Length; start += EnvelopeBlock)
        {
            ReadOnlySpan<float> block = x.Slice(start, Math.Min(EnvelopeBlock, x.Length - start));
            energy += Envelope(block, envelope, gain, g, ref p, ref q);
            for (int i = 0; i < block.Length; i++)
            {
                double value = envelope[i];
                if (value >= low && value < high)
                {
                    continue;
                }

                above = Cross(value, start + i, above, hangover, active, runStart, lastEnd);
                low = above == 0 ? 0 : Math.ScaleB(1, above - 1);
                high = above == Thresholds ? double.PositiveInfinity : Math.ScaleB(1, above);
            }
        }

        for (int j = 0; j < Thresholds; j++)
        {
            if (j < above)
            {
                active[j] += x.Length - runStart[j];
                lastEnd[j] = x.Length - 1;
            }

            active[j] += lastEnd[j] == int.MinValue ? 0 : Math.Min(x.Length - 1 - lastEnd[j], hangover);
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
