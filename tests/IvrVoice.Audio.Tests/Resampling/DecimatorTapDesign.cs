namespace IvrVoice.Audio.Tests.Resampling;

/// <summary>
/// The design that produced the 3:1 decimator's embedded taps: a 191-tap linear-phase lowpass at 24 kHz found by
/// weighted least squares with Lawson's reweighting (which converges toward the minimax solution), then scaled to unit
/// DC gain. Bands: 0–3.4 kHz passband (weight 1/3e-5), 4.0–4.6 kHz stopband (1/8e-4, the ≥ 60 dB band) and
/// 4.6–12 kHz stopband (1/8e-6, the ≥ 100 dB band); 3.4–4.0 kHz is left free.
/// </summary>
internal static class DecimatorTapDesign
{
    public const int TapCount = 191;
    private const double SampleRate = 24_000;
    private const double GridStepHz = 12;
    private const int Iterations = 60;

    public static double[] Design()
    {
        List<(double Frequency, double Desired, double Weight)> grid = [];
        for (double f = 0; f <= 3400; f += GridStepHz) grid.Add((f / SampleRate, 1, 1 / 3e-5));
        for (double f = 4000; f < 4600; f += GridStepHz) grid.Add((f / SampleRate, 0, 1 / 8e-4));
        for (double f = 4600; f <= SampleRate / 2; f += GridStepHz) grid.Add((f / SampleRate, 0, 1 / 8e-6));

        // Type I linear phase: A(f) = c0 + sum_m c_m cos(2 pi f m), with h[M +- m] = c_m / 2.
        int half = (TapCount - 1) / 2;
        int points = grid.Count;
        double[,] basis = new double[points, half + 1];
        for (int i = 0; i < points; i++)
        {
            for (int m = 0; m <= half; m++) basis[i, m] = Math.Cos(2 * Math.PI * grid[i].Frequency * m);
        }

        double[] weights = grid.Select(g => g.Weight * g.Weight).ToArray();
        double[] coefficients = new double[half + 1];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            double[,] normal = new double[half + 1, half + 1];
            double[] rhs = new double[half + 1];
            for (int i = 0; i < points; i++)
            {
                for (int p = 0; p <= half; p++)
                {
                    double wp = basis[i, p] * weights[i];
                    rhs[p] += wp * grid[i].Desired;
                    for (int q = p; q <= half; q++) normal[p, q] += wp * basis[i, q];
                }
            }

            for (int p = 0; p <= half; p++)
            {
                for (int q = 0; q < p; q++) normal[p, q] = normal[q, p];
            }

            coefficients = Solve(normal, rhs);

            // Lawson: scale each weight by its weighted error, so the largest errors gain weight until they level out.
            double total = 0;
            for (int i = 0; i < points; i++)
            {
                double response = 0;
                for (int m = 0; m <= half; m++) response += coefficients[m] * basis[i, m];
                weights[i] *= Math.Abs(response - grid[i].Desired) * grid[i].Weight;
                total += weights[i];
            }

            for (int i = 0; i < points; i++) weights[i] /= total;
        }

        double[] taps = new double[TapCount];
        taps[half] = coefficients[0];
        for (int m = 1; m <= half; m++)
        {
            taps[half + m] = coefficients[m] / 2;
            taps[half - m] = coefficients[m] / 2;
        }

        double sum = taps.Sum();
        return taps.Select(t => t / sum).ToArray();
    }

    private static double[] Solve(double[,] matrix, double[] vector)
    {
        int n = vector.Length;
        double[,] a = (double[,])matrix.Clone();
        double[] x = (double[])vector.Clone();
        for (int i = 0; i < n; i++)
        {
            int pivot = i;
            for (int r = i + 1; r < n; r++)
            {
                if (Math.Abs(a[r, i]) > Math.Abs(a[pivot, i])) pivot = r;
            }

            if (pivot != i)
            {
                for (int c = 0; c < n; c++) (a[i, c], a[pivot, c]) = (a[pivot, c], a[i, c]);
                (x[i], x[pivot]) = (x[pivot], x[i]);
            }

            for (int r = i + 1; r < n; r++)
            {
                double factor = a[r, i] / a[i, i];
                if (factor == 0) continue;
                for (int c = i; c < n; c++) a[r, c] -= factor * a[i, c];
                x[r] -= factor * x[i];
            }
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int c = i + 1; c < n; c++) s -= a[i, c] * x[c];
            x[i] = s / a[i, i];
        }

        return x;
    }
}
