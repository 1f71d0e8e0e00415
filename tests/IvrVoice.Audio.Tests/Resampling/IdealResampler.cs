using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio.Tests.Resampling;

/// <summary>
/// The test oracle for resampling: a long Kaiser-windowed sinc evaluated in double precision (half-width 25 ms,
/// beta 20, cutoff at the lower rate's Nyquist frequency unless given: 4 kHz for 8 kHz), so its passband is flat to
/// about 1e-9 and its stopband is below -180 dB, with a transition about 250 Hz wide. Output j sits at input time j × in / out,
/// the signal being zero outside its samples: the same alignment as the resampler under test.
/// </summary>
internal static class IdealResampler
{
    private const double HalfWidthSeconds = 0.025;
    private const double Beta = 20;

    public static double[] Resample(ReadOnlySpan<float> input, int inputRate, int outputRate, double cutoffHz = double.NaN)
    {
        int divisor = Gcd(inputRate, outputRate);
        int l = outputRate / divisor, m = inputRate / divisor;
        double cutoff = (double.IsNaN(cutoffHz) ? Math.Min(inputRate, outputRate) / 2.0 : cutoffHz) / inputRate;
        int half = (int)Math.Ceiling(HalfWidthSeconds * inputRate);
        int outputLength = (int)(((long)input.Length * l + m - 1) / m);

        // One row of kernel values per output phase p (output time frac = p / l input samples past an input index).
        double[][] rows = new double[l][];
        double i0Beta = BesselI0(Beta);
        for (int p = 0; p < l; p++)
        {
            double frac = (double)p / l;
            double[] row = new double[(2 * half) + 2];
            for (int k = 0; k < row.Length; k++)
            {
                double t = frac + half - k;   // distance from the output time to input index (base - half + k)
                double r = t / (half + 1);
                if (Math.Abs(r) >= 1)
                {
                    continue;
                }

                double x = 2 * cutoff * t;
                double sinc = x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
                row[k] = 2 * cutoff * sinc * BesselI0(Beta * Math.Sqrt(1 - (r * r))) / i0Beta;
            }

            rows[p] = row;
        }

        double[] y = new double[outputLength];
        for (int j = 0; j < outputLength; j++)
        {
            long numerator = (long)j * m;
            int baseIndex = (int)(numerator / l);
            double[] row = rows[(int)(numerator % l)];
            double acc = 0;
            for (int k = 0; k < row.Length; k++)
            {
                int n = baseIndex - half + k;
                if (n >= 0 && n < input.Length)
                {
                    acc += row[k] * input[n];
                }
            }

            y[j] = acc;
        }

        return y;
    }

    /// <summary>The exact μ-law code of a real sample: the reference code of floor(|y|) with y's sign, saturated to int16.</summary>
    public static byte ExactMuLaw(double y)
    {
        double magnitude = Math.Min(Math.Floor(Math.Abs(y)), y < 0 ? 32768 : 32767);
        return G711.LinearToMuLaw((short)(y < 0 ? -magnitude : magnitude));
    }

    /// <summary>
    /// Position of a μ-law code's decoded level among all levels: codes one quantisation step apart differ by 1.
    /// 0xFF (+0) and 0x7F (-0) both decode to 0, so they share level 0 (the reference encoder never emits 0x7F: -1
    /// already encodes as 0x7E, decoded -8).
    /// </summary>
    public static int Level(byte code) => code >= 0x80 ? 0xFF - code : -(0x7F - code);

    private static int Gcd(int a, int b)
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
            if (term < 1e-18 * sum)
            {
                break;
            }
        }

        return sum;
    }
}
