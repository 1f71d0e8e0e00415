namespace IvrVoice.Testing;

/// <summary>
/// Test signals as floats on the 16-bit scale (full scale ±32768), generated in double precision from closed forms
/// so a test can also evaluate the same signal exactly at any other rate.
/// </summary>
public static class SignalGenerator
{
    /// <summary>amplitude × sin(2π f n / rate + phase).</summary>
    public static float[] Sine(int length, double frequency, int sampleRate, double amplitude, double phase = 0)
    {
        float[] x = new float[length];
        for (int n = 0; n < length; n++)
        {
            x[n] = (float)(amplitude * Math.Sin((2 * Math.PI * frequency * n / sampleRate) + phase));
        }

        return x;
    }

    /// <summary>A constant signal.</summary>
    public static float[] Dc(int length, float value)
    {
        float[] x = new float[length];
        Array.Fill(x, value);
        return x;
    }

    /// <summary>A linear chirp from <paramref name="startHz"/> to <paramref name="endHz"/>.</summary>
    public static float[] Sweep(int length, double startHz, double endHz, int sampleRate, double amplitude)
    {
        float[] x = new float[length];
        double duration = (double)length / sampleRate;
        for (int n = 0; n < length; n++)
        {
            double t = (double)n / sampleRate;
            x[n] = (float)(amplitude * Math.Sin(2 * Math.PI * ((startHz * t) + ((endHz - startHz) * t * t / (2 * duration)))));
        }

        return x;
    }

    /// <summary>Uniform random int16 samples.</summary>
    public static short[] RandomPcm16(int length, int seed)
    {
        Random random = new(seed);
        short[] x = new short[length];
        for (int n = 0; n < length; n++)
        {
            x[n] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        return x;
    }

    /// <summary>Uniform random floats in ±<paramref name="amplitude"/>.</summary>
    public static float[] RandomFloats(int length, int seed, double amplitude = 32767)
    {
        Random random = new(seed);
        float[] x = new float[length];
        for (int n = 0; n < length; n++)
        {
            x[n] = (float)(((2 * random.NextDouble()) - 1) * amplitude);
        }

        return x;
    }

    /// <summary>
    /// Noise confined to <paramref name="lowHz"/>–<paramref name="highHz"/>: a sum of equal-amplitude sinusoids at random
    /// frequencies inside the band with random phases, scaled to <paramref name="rms"/>. No energy leaves the band.
    /// </summary>
    public static float[] BandLimitedNoise(int length, int sampleRate, double lowHz, double highHz, double rms, int seed, int components = 200)
    {
        Random random = new(seed);
        double[] frequencies = new double[components];
        double[] phases = new double[components];
        for (int k = 0; k < components; k++)
        {
            frequencies[k] = lowHz + ((highHz - lowHz) * random.NextDouble());
            phases[k] = 2 * Math.PI * random.NextDouble();
        }

        double amplitude = rms * Math.Sqrt(2.0 / components);
        float[] x = new float[length];
        for (int n = 0; n < length; n++)
        {
            double t = (double)n / sampleRate;
            double v = 0;
            for (int k = 0; k < components; k++)
            {
                v += Math.Sin((2 * Math.PI * frequencies[k] * t) + phases[k]);
            }

            x[n] = (float)(amplitude * v);
        }

        return x;
    }

    /// <summary>
    /// A speech-like voiced signal: harmonics of a slowly gliding pitch (about 130 Hz) shaped by three formants, with
    /// syllable-rate loudness changes and 50 ms fades at both ends, peaking at <paramref name="peak"/>. Harmonics are
    /// faded out smoothly before they enter the gap <paramref name="gapLowHz"/>–<paramref name="gapHighHz"/>, so the
    /// gap holds no energy; harmonics above the gap (the "fricative" band) are kept at a lower level.
    /// </summary>
    public static float[] SpeechLike(int length, int sampleRate, int seed, double peak = 22000, double gapLowHz = 3400, double gapHighHz = 4600)
    {
        SpeechModel model = new(seed, gapLowHz, gapHighHz);
        double duration = (double)length / sampleRate;
        double[] raw = new double[length];
        double max = 0;
        for (int n = 0; n < length; n++)
        {
            raw[n] = model.Evaluate((double)n / sampleRate, duration, sampleRate / 2.0, double.PositiveInfinity);
            max = Math.Max(max, Math.Abs(raw[n]));
        }

        return Array.ConvertAll(raw, v => (float)(v * peak / max));
    }

    /// <summary>
    /// The part of <see cref="SpeechLike"/> below the gap, evaluated exactly at another rate: what an ideal lowpass
    /// resampler with its cutoff inside the gap returns. Same <paramref name="seed"/>, <paramref name="peak"/> and
    /// duration as the source signal (<paramref name="sourceLength"/> samples at <paramref name="sourceRate"/>).
    /// </summary>
    public static double[] SpeechLikeBelowGap(int sourceLength, int sourceRate, int seed, int outputRate, int outputLength, double peak = 22000, double gapLowHz = 3400, double gapHighHz = 4600)
    {
        SpeechModel model = new(seed, gapLowHz, gapHighHz);
        double duration = (double)sourceLength / sourceRate;
        double max = 0;
        for (int n = 0; n < sourceLength; n++)
        {
            max = Math.Max(max, Math.Abs(model.Evaluate((double)n / sourceRate, duration, sourceRate / 2.0, double.PositiveInfinity)));
        }

        double[] y = new double[outputLength];
        for (int j = 0; j < outputLength; j++)
        {
            y[j] = model.Evaluate((double)j / outputRate, duration, sourceRate / 2.0, gapLowHz) * peak / max;
        }

        return y;
    }

    /// <summary>Rounds to int16 (nearest, saturated).</summary>
    public static short[] ToPcm16(ReadOnlySpan<float> x)
    {
        short[] pcm = new short[x.Length];
        for (int n = 0; n < x.Length; n++)
        {
            pcm[n] = (short)Math.Clamp(Math.Round(x[n]), short.MinValue, short.MaxValue);
        }

        return pcm;
    }

    /// <summary>Converts int16 samples to floats (exact).</summary>
    public static float[] ToFloat(ReadOnlySpan<short> pcm)
    {
        float[] x = new float[pcm.Length];
        for (int n = 0; n < pcm.Length; n++)
        {
            x[n] = pcm[n];
        }

        return x;
    }

    private sealed class SpeechModel
    {
        private const int Harmonics = 180;
        private readonly double[] _phases = new double[Harmonics];
        private readonly double _gapLow;
        private readonly double _gapHigh;

        public SpeechModel(int seed, double gapLow, double gapHigh)
        {
            Random random = new(seed);
            for (int k = 0; k < Harmonics; k++)
            {
                _phases[k] = 2 * Math.PI * random.NextDouble();
            }

            _gapLow = gapLow;
            _gapHigh = gapHigh;
        }

        // Harmonics at or above `keepBelowHz` are left out (the ideal-lowpass view); `nyquist` bounds the source's band.
        public double Evaluate(double t, double duration, double nyquist, double keepBelowHz)
        {
            // Pitch 130 Hz +- 6 Hz at 0.5 Hz: slow enough that a harmonic's frequency moves a few hertz per syllable, so
            // the 100 Hz fades keep every harmonic's spectrum out of the gap. The phase is the integral of the pitch.
            const double basePitch = 130, depth = 6, rate = 0.5;
            double pitchPhase = 2 * Math.PI * ((basePitch * t) - (depth / (2 * Math.PI * rate) * (Math.Cos(2 * Math.PI * rate * t) - 1)));
            double pitch = basePitch + (depth * Math.Sin(2 * Math.PI * rate * t));
            double syllable = 0.55 + (0.45 * Math.Sin(2 * Math.PI * 1.7 * t));
            double edge = Math.Min(1, Math.Min(t, duration - t) / 0.05);
            double fade = edge <= 0 ? 0 : Math.Pow(Math.Sin(Math.PI / 2 * edge), 2);
            double sum = 0;
            for (int k = 1; k < Harmonics; k++)
            {
                double f = k * pitch;
                if (f >= keepBelowHz)
                {
                    break;
                }

                // Smooth fades (never a switch) below the gap, above it and below the source's Nyquist frequency, so no
                // harmonic ever starts or stops abruptly: a click would put energy in the gap.
                double gate = Math.Max(Taper((_gapLow - 100 - f) / 100), Taper((f - _gapHigh - 100) / 100))
                    * Taper((nyquist - 400 - f) / 200);
                if (gate == 0)
                {
                    continue;
                }

                sum += gate * Formants(f) * Math.Sin((k * pitchPhase) + _phases[k]);
            }

            return sum * syllable * fade;
        }

        private static double Formants(double f) =>
            (1.0 / (1 + Math.Pow((f - 500) / 90, 2))) + (0.5 / (1 + Math.Pow((f - 1500) / 130, 2)))
            + (0.3 / (1 + Math.Pow((f - 2600) / 180, 2))) + (0.08 / (1 + Math.Pow((f - 6000) / 1500, 2)));

        private static double Taper(double u) => u <= 0 ? 0 : u >= 1 ? 1 : Math.Pow(Math.Sin(Math.PI / 2 * u), 2);
    }
}
