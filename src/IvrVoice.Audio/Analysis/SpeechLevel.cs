using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        if (Vector256.IsHardwareAccelerated && block.Length == EnvelopeBlock)
        {
            RecurseInLanes(envelope, g, ref pState, ref qState);
            return energy;
        }

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

    /// <summary>
    /// The two recursions over a whole block (<see cref="EnvelopeBlock"/> magnitudes, replaced by the envelope), as four
    /// quarters side by side in one vector: the recursions' latency, not their arithmetic, bounds the sequential loop, so
    /// four independent chains run about four times as fast. Each quarter starts from zero; the state it should have
    /// started from, (P, Q) at the end of the quarter before, adds exactly g^(n+1) P to p and g^(n+1) (Q + (n+1) h P)
    /// to q at its n-th sample (the recursions are linear), which a vectorised pass then adds in order of the quarters.
    /// The result equals the sequential recursion's up to rounding (relative differences near 1e-15).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RecurseInLanes(Span<double> envelope, double g, ref double pState, ref double qState)
    {
        const int quarter = EnvelopeBlock / 4;
        double h = 1 - g;
        ref double e = ref MemoryMarshal.GetReference(envelope);
        Vector256<double> vg = Vector256.Create(g), vh = Vector256.Create(h), p = Vector256<double>.Zero, q = p;
        for (nuint n = 0; n < quarter; n++)
        {
            Vector256<double> x = Vector256.Create(Unsafe.Add(ref e, n), Unsafe.Add(ref e, n + quarter),
                Unsafe.Add(ref e, n + (2 * quarter)), Unsafe.Add(ref e, n + (3 * quarter)));
            p = Vector256.FusedMultiplyAdd(vg, p, vh * x);
            q = Vector256.FusedMultiplyAdd(vg, q, vh * p);
            Unsafe.Add(ref e, n) = q.GetElement(0);
            Unsafe.Add(ref e, n + quarter) = q.GetElement(1);
            Unsafe.Add(ref e, n + (2 * quarter)) = q.GetElement(2);
            Unsafe.Add(ref e, n + (3 * quarter)) = q.GetElement(3);
        }

        ReadOnlySpan<double> powers = Powers(g);   // g^(n+1), then (n+1) g^(n+1), for n < quarter
        ref double power = ref MemoryMarshal.GetReference(powers);
        double carryP = pState, carryQ = qState;
        for (int k = 0; k < 4; k++)
        {
            ref double part = ref Unsafe.Add(ref e, k * quarter);
            Vector256<double> fromQ = Vector256.Create(carryQ), fromP = Vector256.Create(h * carryP);
            for (nuint n = 0; n < quarter; n += 4)
            {
                Vector256<double> correction = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref power, n), fromQ,
                    Vector256.LoadUnsafe(ref power, n + quarter) * fromP);
                (Vector256.LoadUnsafe(ref part, n) + correction).StoreUnsafe(ref part, n);
            }

            carryP = p.GetElement(k) + (Unsafe.Add(ref power, quarter - 1) * carryP);
            carryQ = Unsafe.Add(ref part, quarter - 1);
        }

        (pState, qState) = (carryP, carryQ);
    }

    [ThreadStatic]
    private static (double G, double[] Table)? t_powers;

    // g^(n+1) and (n+1) g^(n+1) for the quarter block, kept per thread for the last g (one rate at a time in practice).
    private static double[] Powers(double g)
    {
        if (t_powers is { } cached && cached.G == g)
        {
            return cached.Table;
        }

        const int quarter = EnvelopeBlock / 4;
        double[] table = new double[2 * quarter];
        for (int n = 0; n < quarter; n++)
        {
            table[n] = Math.Pow(g, n + 1);
            table[quarter + n] = (n + 1) * table[n];
        }

        t_powers = (g, table);
        return table;
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

    // Whether all eight values v satisfy low <= v < high (NaN does not, as in the per-sample test).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InBand(ReadOnlySpan<double> eight, double low, double high)
    {
        Vector256<double> lo = Vector256.Create(low), hi = Vector256.Create(high);
        Vector256<double> a = Vector256.Create(eight[..4]), b = Vector256.Create(eight[4..]);
        return Vector256.GreaterThanOrEqualAll(a, lo) && Vector256.GreaterThanOrEqualAll(b, lo)
            && Vector256.LessThanAll(a, hi) && Vector256.LessThanAll(b, hi);
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
                // Most of the envelope stays in its band: skip eight samples at once when all of them do.
                if (Vector256.IsHardwareAccelerated && (i & 7) == 0 && i + 8 <= block.Length && InBand(envelope.Slice(i, 8), low, high))
                {
                    i += 7;
                    continue;
                }

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
