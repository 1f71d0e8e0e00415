using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace IvrVoice.Audio;

/// <summary>
/// Measures what an audio QA gate and the mastering stage need. Sound is told from silence in 10 ms frames: a frame is
/// sound when its RMS reaches 30 dB under the active speech level, and never under -60 dBFS, so a faint fricative onset
/// counts as sound while a noise floor 30 dB under the speech does not.
/// </summary>
public static class AudioAnalysis
{
    /// <summary>|x| at or above this counts as clipped (-0.21 dBFS).</summary>
    public const float ClipThreshold = 32000;

    /// <summary>Sound is at most this far under the active speech level.</summary>
    public const double SoundBelowActiveLevelDb = 30;

    /// <summary>Frames under this are silence whatever the speech level.</summary>
    public const double SilenceFloorDbfs = -60;

    /// <summary>Measures <paramref name="audio"/>; see <see cref="AudioStats"/> for the definitions.</summary>
    public static AudioStats Analyze(PcmAudio audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ReadOnlySpan<float> x = audio.Samples;
        int rate = audio.SampleRate;

        double peak = 0, energy = 0;
        long clipped = 0;
        foreach (float v in x)
        {
            double magnitude = Math.Abs((double)v);
            peak = Math.Max(peak, magnitude);
            energy += magnitude * magnitude;
            clipped += magnitude >= ClipThreshold ? 1 : 0;
        }

        (double activeLevel, double activity) = SpeechLevel.Measure(x, rate);
        (int start, int end) = FindSound(x, rate, activeLevel);
        bool sound = end > start;
        return new AudioStats
        {
            Duration = audio.Duration,
            PeakDbfs = Dbfs(peak),
            RmsDbfs = x.IsEmpty ? double.NegativeInfinity : Dbfs(Math.Sqrt(energy / x.Length)),
            ActiveLevelDbfs = activeLevel,
            ActiveSpeechSeconds = activity * x.Length / rate,
            ClippedSampleRatio = x.IsEmpty ? 0 : (double)clipped / x.Length,
            LeadingSilence = sound ? Seconds(start, rate) : audio.Duration,
            TrailingSilence = sound ? Seconds(x.Length - end, rate) : audio.Duration,
        };
    }

    /// <summary>First sample of the first frame with sound and the end (exclusive) of the last; (0, 0) when there is none.</summary>
    internal static (int Start, int End) FindSound(ReadOnlySpan<float> x, int sampleRate, double activeLevelDb)
    {
        // The first frame with sound from the front, the last from the back: the frames between are never measured, and
        // no array of energies is needed (as SoundBounds keeps for a signal it cannot read twice).
        int frame = FrameLength(sampleRate);
        int frames = (x.Length + frame - 1) / frame;
        double thresholdEnergy = SoundThresholdEnergy(activeLevelDb);
        int first = 0;
        while (first < frames && !HasSound(x, first, frame, thresholdEnergy))
        {
            first++;
        }

        if (first == frames)
        {
            return (0, 0);
        }

        int last = frames - 1;
        while (!HasSound(x, last, frame, thresholdEnergy))
        {
            last--;
        }

        return (first * frame, Math.Min((last + 1) * frame, x.Length));
    }

    private static bool HasSound(ReadOnlySpan<float> x, int f, int frame, double thresholdEnergy)
    {
        int begin = f * frame, length = Math.Min(frame, x.Length - begin);
        return FrameEnergy(x.Slice(begin, length)) >= thresholdEnergy * length;
    }

    /// <summary>
    /// <see cref="FindSound"/> from each 10 ms frame's energy (<see cref="FrameEnergy"/>) of a signal of
    /// <paramref name="count"/> samples (the streaming transcode keeps the energies, not the signal).
    /// </summary>
    internal static (int Start, int End) SoundBounds(ReadOnlySpan<double> energies, int frame, int count, double activeLevelDb)
    {
        double thresholdEnergy = SoundThresholdEnergy(activeLevelDb);
        int start = -1, end = 0;
        for (int f = 0; f < energies.Length; f++)
        {
            int begin = f * frame, length = Math.Min(frame, count - begin);
            if (energies[f] >= thresholdEnergy * length)
            {
                start = start < 0 ? begin : start;
                end = begin + length;
            }
        }

        return start < 0 ? (0, 0) : (start, end);
    }

    /// <summary>Samples per 10 ms frame.</summary>
    internal static int FrameLength(int sampleRate) => Math.Max(1, sampleRate / 100);

    /// <summary>A frame is sound when its energy reaches this per sample.</summary>
    internal static double SoundThresholdEnergy(double activeLevelDb)
    {
        double thresholdDb = Math.Max(activeLevelDb - SoundBelowActiveLevelDb, SilenceFloorDbfs);
        double threshold = 32768 * Math.Pow(10, thresholdDb / 20);
        return threshold * threshold;
    }

    /// <summary>
    /// Σ x² of one frame: eight running sums (two vectors of doubles) over whole groups of eight, added pairwise, then
    /// the rest in order. Written with Vector256 whether or not the CPU has it (software otherwise), so the sum, and the
    /// sound bounds, are the same bits on every machine.
    /// </summary>
    internal static double FrameEnergy(ReadOnlySpan<float> frame)
    {
        ref float x = ref MemoryMarshal.GetReference(frame);
        Vector256<double> low = Vector256<double>.Zero, high = low;
        int i = 0;
        if (Avx512F.IsSupported)
        {
            // The same eight running sums in one vector (lanes 0-3 are `low`, 4-7 `high`): the same bits, half the work.
            Vector512<double> sums = Vector512<double>.Zero;
            for (; i + 8 <= frame.Length; i += 8)
            {
                Vector512<double> v = Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref x, (nuint)i));
                sums += v * v;
            }

            (low, high) = (sums.GetLower(), sums.GetUpper());
        }

        for (; i + 8 <= frame.Length; i += 8)
        {
            (Vector256<double> a, Vector256<double> b) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)i));
            low += a * a;
            high += b * b;
        }

        Vector256<double> both = low + high;
        double sum = (both.GetElement(0) + both.GetElement(1)) + (both.GetElement(2) + both.GetElement(3));
        for (; i < frame.Length; i++)
        {
            sum += (double)frame[i] * frame[i];
        }

        return sum;
    }

    internal static double Dbfs(double amplitude) => amplitude <= 0 ? double.NegativeInfinity : 20 * Math.Log10(amplitude / 32768);

    private static TimeSpan Seconds(double samples, int rate) => TimeSpan.FromSeconds(samples / rate);
}
