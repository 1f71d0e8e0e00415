namespace IvrVoice.Testing;

/// <summary>Measurements for DSP tests, in double precision.</summary>
public static class Spectrum
{
    /// <summary>
    /// Amplitude of the sinusoid at <paramref name="frequency"/> by least squares (fits a cos + b sin + c, so a partial
    /// period or a DC offset does not bias it). Exact for a pure tone.
    /// </summary>
    public static double ToneAmplitude(ReadOnlySpan<float> x, double frequency, int sampleRate)
    {
        double[] p = FitTone(x, 2 * Math.PI * frequency / sampleRate);
        return Math.Sqrt((p[0] * p[0]) + (p[1] * p[1]));
    }

    /// <summary>The signal minus its best-fitting sinusoid at <paramref name="frequency"/> (and DC): what is not that tone.</summary>
    public static double[] RemoveTone(ReadOnlySpan<float> x, double frequency, int sampleRate)
    {
        double w = 2 * Math.PI * frequency / sampleRate;
        double[] p = FitTone(x, w);
        double[] residual = new double[x.Length];
        for (int n = 0; n < x.Length; n++)
        {
            residual[n] = x[n] - ((p[0] * Math.Cos(w * n)) + (p[1] * Math.Sin(w * n)) + p[2]);
        }

        return residual;
    }

    /// <summary>
    /// The least-squares fit a·cos(wn) + b·sin(wn) + c to <paramref name="x"/> at angular frequency <paramref name="w"/>
    /// (radians per sample), as [a, b, c]: the normal equations of the 3-parameter fit, solved directly.
    /// </summary>
    private static double[] FitTone(ReadOnlySpan<float> x, double w)
    {
        double cc = 0, ss = 0, cs = 0, c1 = 0, s1 = 0, n1 = x.Length, xc = 0, xs = 0, x1 = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double c = Math.Cos(w * n), s = Math.Sin(w * n);
            cc += c * c; ss += s * s; cs += c * s; c1 += c; s1 += s;
            xc += x[n] * c; xs += x[n] * s; x1 += x[n];
        }

        return Solve3(new[,] { { cc, cs, c1 }, { cs, ss, s1 }, { c1, s1, n1 } }, [xc, xs, x1]);
    }

    /// <summary>Root mean square.</summary>
    public static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += (double)v * v;
        }

        return x.IsEmpty ? 0 : Math.Sqrt(sum / x.Length);
    }

    /// <inheritdoc cref="Rms(ReadOnlySpan{float})"/>
    public static double Rms(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double v in x)
        {
            sum += v * v;
        }

        return x.IsEmpty ? 0 : Math.Sqrt(sum / x.Length);
    }

    /// <summary>Power of one DFT bin at <paramref name="frequency"/> (Goertzel), normalised to a sine's amplitude.</summary>
    public static double GoertzelAmplitude(ReadOnlySpan<float> x, double frequency, int sampleRate)
    {
        double w = 2 * Math.PI * frequency / sampleRate;
        double coefficient = 2 * Math.Cos(w);
        double s1 = 0, s2 = 0;
        foreach (float v in x)
        {
            double s0 = v + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        double power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return 2 * Math.Sqrt(Math.Max(0, power)) / x.Length;
    }

    /// <summary>20 log10(ratio).</summary>
    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    private static double[] Solve3(double[,] a, double[] b)
    {
        // Cramer's rule: the 3x3 system is well conditioned for any tone away from DC and Nyquist.
        double det = Det(a);
        double[] x = new double[3];
        for (int column = 0; column < 3; column++)
        {
            double[,] m = (double[,])a.Clone();
            for (int row = 0; row < 3; row++)
            {
                m[row, column] = b[row];
            }

            x[column] = Det(m) / det;
        }

        return x;
    }

    private static double Det(double[,] m) =>
        (m[0, 0] * ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1])))
        - (m[0, 1] * ((m[1, 0] * m[2, 2]) - (m[1, 2] * m[2, 0])))
        + (m[0, 2] * ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])));
}
