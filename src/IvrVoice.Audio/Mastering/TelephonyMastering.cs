using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio;

/// <summary>Applies <see cref="MasteringOptions"/> to a signal at its own rate (the transcoder applies it at 8 kHz).</summary>
public static class TelephonyMastering
{
    /// <summary>The limiter lowers the gain over this long before a peak (look-ahead), so it never clicks.</summary>
    public const double AttackSeconds = 0.005;

    /// <summary>After a peak the gain returns over this long, so it does not pump at the syllable rate.</summary>
    public const double ReleaseSeconds = 0.05;

    /// <summary>Where the trim cuts into non-silent audio, the kept part fades in or out over this long.</summary>
    public const double FadeSeconds = 0.005;

    /// <summary>
    /// Trims the signal to its sound plus the pad at each end, scales it so its P.56 active level is the target (never
    /// by more than the maximum gain), and limits peaks to the ceiling. Returns <paramref name="audio"/> itself when
    /// mastering is disabled, and the trimmed, unscaled signal when there is no sound to measure.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static PcmAudio Apply(PcmAudio audio, MasteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return audio;
        }

        options.Validate();
        int rate = audio.SampleRate;
        int pad = PadSamples(rate, options);
        float[] buffer = new float[audio.Samples.Length + (2 * pad)];
        audio.Samples.CopyTo(buffer, pad);
        Range kept = ApplyInPlace(buffer, pad, audio.Samples.Length, rate, options);
        return new PcmAudio(kept.GetOffsetAndLength(buffer.Length).Length == buffer.Length ? buffer : buffer[kept], rate);
    }

    /// <summary>The pad in samples at <paramref name="rate"/>.</summary>
    internal static int PadSamples(int rate, MasteringOptions options) => (int)((long)rate * options.PadMilliseconds / 1000);

    /// <summary>
    /// Masters <c>buffer[offset .. offset + length)</c> in place and returns the mastered range. The buffer must hold
    /// <see cref="PadSamples"/> zeros on each side of the signal: the trimmed signal with its pads is then a range of
    /// the same buffer (zeros where the source has less than the pad), so nothing is copied. Options must be valid.
    /// <paramref name="limiterGains"/>, if at least as long as the signal, holds the limiter's gains (else they are rented).
    /// </summary>
    internal static Range ApplyInPlace(Span<float> buffer, int offset, int length, int rate, MasteringOptions options, Span<float> limiterGains = default)
    {
        int pad = PadSamples(rate, options);
        System.Diagnostics.Debug.Assert(offset >= pad && buffer.Length - offset - length >= pad, "zero margins of one pad");
        ReadOnlySpan<float> source = buffer.Slice(offset, length);
        (double untrimmedLevel, _) = SpeechLevel.Measure(source, rate);
        (int start, int end) = AudioAnalysis.FindSound(source, rate, untrimmedLevel);
        if (end <= start)
        {
            return new Range(offset, offset + length);
        }

        int first = offset + start - pad, last = offset + end + pad;   // the trimmed signal with its pads: [first, last)
        Span<float> samples = buffer.Slice(first, last - first);

        // Fade only where the cut falls inside the source: its own first and last samples need none.
        int fade = Math.Min((int)(FadeSeconds * rate), pad);
        for (int i = 0; i < fade; i++)
        {
            float ramp = Ramp(i, fade);
            if (start - pad > 0)
            {
                samples[i] *= ramp;
            }

            if (end + pad < length)
            {
                samples[samples.Length - 1 - i] *= ramp;
            }
        }

        // The untrimmed level gives the gain; trimming (which shortens the hangover at the ends) and P.56's absolute
        // thresholds move the result a little, so the trimmed, scaled signal is measured (without applying the gain)
        // and the gain corrected once, which lands within 0.02 dB of the target.
        double gainDb = FirstGainDb(options, untrimmedLevel);
        gainDb = CorrectedGainDb(options, gainDb, SpeechLevel.Measure(samples, rate, MeterGain(gainDb)).LevelDb);
        float ceiling = Ceiling(options);
        if (Scale(samples, gainDb) > ceiling)
        {
            Limit(samples, rate, ceiling, limiterGains);
        }

        return new Range(first, last);
    }

    /// <summary>The gain the untrimmed level asks for, in dB.</summary>
    internal static double FirstGainDb(MasteringOptions options, double untrimmedLevel) =>
        Math.Min(options.MaxGainDb, options.TargetLevelDbfs - untrimmedLevel);

    /// <summary>The gain corrected by the trimmed signal's level measured at <paramref name="gainDb"/>.</summary>
    internal static double CorrectedGainDb(MasteringOptions options, double gainDb, double measuredDb) =>
        Math.Min(options.MaxGainDb, gainDb + options.TargetLevelDbfs - measuredDb);

    /// <summary>The gain the meter applies to measure a gain's result.</summary>
    internal static double MeterGain(double gainDb) => Math.Pow(10, gainDb / 20);

    /// <summary>The gain each sample is multiplied by (one rounding per sample).</summary>
    internal static float SampleGain(double gainDb) => (float)Math.Pow(10, gainDb / 20);

    /// <summary>The peak ceiling on the 16-bit scale.</summary>
    internal static float Ceiling(MasteringOptions options) => (float)(32768 * Math.Pow(10, options.PeakCeilingDbfs / 20));

    /// <summary>The fade's factor for the sample <paramref name="i"/> samples from the cut (0 at the cut).</summary>
    internal static float Ramp(int i, int fade) => (float)(0.5 - (0.5 * Math.Cos(Math.PI * i / fade)));

    // Scales in place and returns the largest magnitude (NaN if any sample is NaN, as Math.Max gives). Each product is
    // rounded once, as in the scalar loop, so every width gives the same samples.
    private static float Scale(Span<float> samples, double gainDb)
    {
        float gain = SampleGain(gainDb);
        ref float x = ref MemoryMarshal.GetReference(samples);
        nuint i = 0;
        float peak = 0;
        if (Vector512.IsHardwareAccelerated && samples.Length >= 64)
        {
            // Four running maxima, so the loop is not one chain of max latencies (the maximum is exact in any order).
            Vector512<float> scale = Vector512.Create(gain), most = Vector512<float>.Zero, most1 = most, most2 = most, most3 = most;
            for (; i + 64 <= (nuint)samples.Length; i += 64)
            {
                Vector512<float> a = Vector512.LoadUnsafe(ref x, i) * scale, b = Vector512.LoadUnsafe(ref x, i + 16) * scale;
                Vector512<float> c = Vector512.LoadUnsafe(ref x, i + 32) * scale, d = Vector512.LoadUnsafe(ref x, i + 48) * scale;
                a.StoreUnsafe(ref x, i);
                b.StoreUnsafe(ref x, i + 16);
                c.StoreUnsafe(ref x, i + 32);
                d.StoreUnsafe(ref x, i + 48);
                most = Vector512.Max(most, Vector512.Abs(a));   // propagates NaN, as Math.Max
                most1 = Vector512.Max(most1, Vector512.Abs(b));
                most2 = Vector512.Max(most2, Vector512.Abs(c));
                most3 = Vector512.Max(most3, Vector512.Abs(d));
            }

            most = Vector512.Max(Vector512.Max(most, most1), Vector512.Max(most2, most3));

            for (int lane = 0; lane < Vector512<float>.Count; lane++)
            {
                peak = Math.Max(peak, most.GetElement(lane));
            }
        }
        else if (Vector256.IsHardwareAccelerated && samples.Length >= 16)
        {
            Vector256<float> scale = Vector256.Create(gain), most = Vector256<float>.Zero, most1 = most;
            for (; i + 16 <= (nuint)samples.Length; i += 16)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref x, i) * scale, b = Vector256.LoadUnsafe(ref x, i + 8) * scale;
                a.StoreUnsafe(ref x, i);
                b.StoreUnsafe(ref x, i + 8);
                most = Vector256.Max(most, Vector256.Abs(a));   // propagates NaN, as Math.Max
                most1 = Vector256.Max(most1, Vector256.Abs(b));
            }

            most = Vector256.Max(most, most1);

            for (int lane = 0; lane < Vector256<float>.Count; lane++)
            {
                peak = Math.Max(peak, most.GetElement(lane));
            }
        }

        for (; i < (nuint)samples.Length; i++)
        {
            Unsafe.Add(ref x, i) *= gain;
            peak = Math.Max(peak, Math.Abs(Unsafe.Add(ref x, i)));
        }

        return peak;
    }

    /// <summary>
    /// Look-ahead peak limiter (<see cref="LimiterGains"/>): each sample needs at most gain r = ceiling / |x|; a forward pass
    /// lets the gain rise by at most 1/release per sample after a dip, a backward pass lets it fall by at most 1/attack per
    /// sample ahead of one. Both only lower the gain, so gain ≤ r everywhere and |output| ≤ ceiling, with linear ramps and
    /// no overshoot.
    /// </summary>
    internal static void Limit(Span<float> samples, int rate, float ceiling, Span<float> scratch = default)
    {
        if (scratch.Length >= samples.Length)
        {
            LimitWith(samples, scratch[..samples.Length], rate, ceiling);
            return;
        }

        float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(samples.Length);
        try
        {
            LimitWith(samples, rented.AsSpan(0, samples.Length), rate, ceiling);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static void LimitWith(Span<float> samples, Span<float> gain, int rate, float ceiling)
    {
        LimiterGains.Needed(samples, gain, ceiling);
        LimiterGains.Release(gain, float.NaN, ReleaseStep(rate));
        LimiterGains.Attack(gain, AttackStep(rate));
        LimiterGains.Apply(samples, gain, samples, ceiling);
    }

    /// <summary>The most the limiter's gain rises per sample after a dip.</summary>
    internal static float ReleaseStep(int rate) => 1f / Math.Max(1, (int)(ReleaseSeconds * rate));

    /// <summary>The most the limiter's gain falls per sample ahead of a peak.</summary>
    internal static float AttackStep(int rate) => 1f / Math.Max(1, (int)(AttackSeconds * rate));
}
