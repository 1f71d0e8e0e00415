using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio;

/// <summary>
/// The look-ahead limiter's steps, shared by <see cref="TelephonyMastering.Limit"/> (a whole signal) and
/// <see cref="StreamingLimiter"/> (a stream), so both give the same samples. Each sample needs at most the gain
/// r = ceiling / |x| (1 where |x| is at or under the ceiling); a forward (release) pass lets the gain rise by at most one
/// step per sample after a dip, a backward (attack) pass lets it fall by at most one step per sample ahead of one; the
/// output is x × gain clamped to the ceiling (the clamp only absorbs rounding).
/// </summary>
/// <remarks>
/// Speech at the mastering target seldom reaches the ceiling, so almost every gain is exactly 1, and there both passes
/// change nothing (every gain is at most 1, and 1 + step exceeds it) and the output is the input (x × 1 = x, within the
/// ceiling). The passes therefore skip runs of 1 with a vectorised search and run their sample-by-sample recursions only
/// around peaks: the same operations on the same samples as the plain loops, so the same bits.
/// </remarks>
internal static class LimiterGains
{
    private const int One = 0x3F80_0000;   // 1f's bits: the only float equal to 1

    /// <summary>The gain each sample needs: ceiling / |x| above the ceiling, else 1 (also for NaN).</summary>
    public static void Needed(ReadOnlySpan<float> x, Span<float> gain, float ceiling)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float source = ref MemoryMarshal.GetReference(x);
            ref float target = ref MemoryMarshal.GetReference(gain);
            Vector256<float> limit = Vector256.Create(ceiling), one = Vector256<float>.One;
            for (; i + 8 <= x.Length; i += 8)
            {
                Vector256<float> magnitude = Vector256.Abs(Vector256.LoadUnsafe(ref source, (nuint)i));
                // Division is correctly rounded in every lane, as the scalar one; lanes at or under the ceiling take 1.
                Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, limit), limit / magnitude, one).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            float magnitude = Math.Abs(x[i]);
            gain[i] = magnitude > ceiling ? ceiling / magnitude : 1f;
        }
    }

    /// <summary>
    /// The forward pass in place: gain[i] = min(gain[i], gain[i - 1] + step), the first sample against
    /// <paramref name="previous"/> (NaN: none, the sample keeps its gain). Returns the last gain, the next call's previous.
    /// </summary>
    public static float Release(Span<float> gain, float previous, float step)
    {
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(gain);
        int i = 0;
        while (i < gain.Length)
        {
            if (previous == 1f)
            {
                int other = bits[i..].IndexOfAnyExcept(One);   // gains of 1 after a gain of 1 stay 1
                if (other < 0)
                {
                    return 1f;
                }

                i += other;
            }

            gain[i] = float.IsNaN(previous) ? gain[i] : Math.Min(gain[i], previous + step);
            previous = gain[i++];
        }

        return previous;
    }

    /// <summary>The backward pass in place: gain[i] = min(gain[i], gain[i + 1] + step), from the second last sample down.</summary>
    public static void Attack(Span<float> gain, float step)
    {
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(gain);
        int i = gain.Length - 2;
        while (i >= 0)
        {
            if (gain[i + 1] == 1f)
            {
                // A gain of 1 after it leaves a sample's gain as it is: go on from the last gain under 1 (at or before i).
                i = bits[..(i + 1)].LastIndexOfAnyExcept(One) - 1;
                continue;
            }

            gain[i] = Math.Min(gain[i], gain[i + 1] + step);
            i--;
        }
    }

    /// <summary>output = clamp(x × gain, ±ceiling); where the gain is 1 that is x itself. <paramref name="output"/> may be <paramref name="x"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> gain, Span<float> output, float ceiling)
    {
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(gain);
        bool inPlace = x.Overlaps(output);
        int i = 0;
        while (i < x.Length)
        {
            int other = bits[i..].IndexOfAnyExcept(One);
            int end = other < 0 ? x.Length : i + other;
            if (!inPlace)
            {
                x[i..end].CopyTo(output[i..]);
            }

            for (i = end; i < x.Length && gain[i] != 1f; i++)
            {
                output[i] = Math.Clamp(x[i] * gain[i], -ceiling, ceiling);
            }
        }
    }
}
