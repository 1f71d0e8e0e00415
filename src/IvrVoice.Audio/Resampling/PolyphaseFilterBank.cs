using System.Collections.Concurrent;

namespace IvrVoice.Audio.Resampling;

/// <summary>
/// Kaiser-windowed sinc taps for a rational rate change L/M, one row of <see cref="TapsPerPhase"/> taps per output phase.
/// The kernel is the same in hertz for every pair: relative to the lower of the two rates f, cutoff 0.465 f (3720 Hz
/// at 8 kHz), window 84 samples at f (10.5 ms), beta 10.25. At 8 kHz its response is flat within 1e-5 (0.0001 dB) over
/// 0–3.4 kHz, at least 68 dB down at 4.0–4.6 kHz and 110 dB down from 4.6 kHz; the 10 dB beyond the 100 dB goal covers
/// interpolation, where two images (at 8 kHz - f and 8 kHz + f) fold onto the same output frequency.
/// </summary>
internal sealed class PolyphaseFilterBank
{
    public const int MaxPhases = 4096;
    private const int MaxTableEntries = 1 << 22;
    private const double CutoffFraction = 0.465;
    private const double HalfWidthInLowRateSamples = 42;
    private const double Beta = 10.25;
    private static readonly ConcurrentDictionary<(int, int), PolyphaseFilterBank> Cache = new();

    private PolyphaseFilterBank(int inputRate, int outputRate)
    {
        int divisor = GreatestCommonDivisor(inputRate, outputRate);
        Interpolation = outputRate / divisor;
        Decimation = inputRate / divisor;
        int lowRate = Math.Min(inputRate, outputRate);
        double halfWidth = HalfWidthInLowRateSamples * inputRate / lowRate;   // in input samples
        double cutoff = CutoffFraction * lowRate / inputRate;                    // in cycles per input sample
        LeadingZeros = (int)Math.Ceiling(halfWidth);
        int used = (2 * LeadingZeros) + 2;
        TapsPerPhase = (used + 15) & ~15;   // whole 16-lane blocks; the padding taps are zero
        Taps = new float[Interpolation * TapsPerPhase];

        double[] row = new double[used];
        double besselBeta = BesselI0(Beta);
        for (int phase = 0; phase < Interpolation; phase++)
        {
            // Row `phase` serves outputs whose time is phase/L of an input sample past the first tap's input index
            // plus LeadingZeros; tap m sits at distance t = phase/L + LeadingZeros - m from the output time.
            double sum = 0;
            for (int m = 0; m < used; m++)
            {
                double t = ((double)phase / Interpolation) + LeadingZeros - m;
                double ratio = t / halfWidth;
                double value = 0;
                if (Math.Abs(ratio) < 1)
                {
                    double x = 2 * cutoff * t;
                    double sinc = x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
                    value = sinc * BesselI0(Beta * Math.Sqrt(1 - (ratio * ratio))) / besselBeta;
                }

                row[m] = value;
                sum += value;
            }

            // Unit DC gain in every phase: otherwise the gain would wobble at the phase rate and DC would not stay DC.
            for (int m = 0; m < used; m++)
            {
                Taps[(phase * TapsPerPhase) + m] = (float)(row[m] / sum);
            }
        }
    }

    /// <summary>L: output samples per <see cref="Decimation"/> input samples.</summary>
    public int Interpolation { get; }

    /// <summary>M.</summary>
    public int Decimation { get; }

    /// <summary>Taps per phase, a multiple of 16.</summary>
    public int TapsPerPhase { get; }

    /// <summary>Zeros the stream starts with, so output 0's window starts at buffer index 0 centred on input 0.</summary>
    public int LeadingZeros { get; }

    /// <summary>Row-major: phase p's taps are <c>Taps[p * TapsPerPhase ..]</c>.</summary>
    public float[] Taps { get; }

    public static bool Supports(int inputRate, int outputRate)
    {
        int divisor = GreatestCommonDivisor(inputRate, outputRate);
        long phases = outputRate / divisor;
        double halfWidth = HalfWidthInLowRateSamples * inputRate / Math.Min(inputRate, outputRate);
        return phases <= MaxPhases && phases * ((2 * Math.Ceiling(halfWidth)) + 18) <= MaxTableEntries;
    }

    public static PolyphaseFilterBank Get(int inputRate, int outputRate) =>
        Cache.GetOrAdd((inputRate, outputRate), static key => new PolyphaseFilterBank(key.Item1, key.Item2));

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (int k = 1; k < 500; k++)
        {
            term *= half / k * (half / k);
            sum += term;
            if (term < 1e-17 * sum)
            {
                break;
            }
        }

        return sum;
    }
}
