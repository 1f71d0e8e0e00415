using System.Globalization;

namespace IvrVoice.Audio.Joining;

/// <summary>
/// How pieces are joined: the silence between them, how much audio is kept around each piece's detected sound, and
/// the raised-cosine fade at every piece edge. Level, peak ceiling and the silence at the two ends of the whole come
/// from the <see cref="MasteringOptions"/> the pieces were mastered with. Why these defaults: docs/announcements.md.
/// </summary>
public sealed record JoinOptions
{
    /// <summary>The documented defaults.</summary>
    public static JoinOptions Default { get; } = new();

    /// <summary>Silence between two value words ("twenty" · "three"), in milliseconds.</summary>
    /// <value>60 ms: short enough that a number is heard as one, long enough that two words' decays do not blur. 0–1000.</value>
    public int WordGapMilliseconds { get; init; } = 60;

    /// <summary>Silence at a phrase boundary (between a fixed part of the sentence and a value), in milliseconds.</summary>
    /// <value>160 ms: a comma-length pause, which makes the change of recording sound deliberate. 0–2000.</value>
    public int PhraseGapMilliseconds { get; init; } = 160;

    /// <summary>Source audio kept beyond each piece's detected sound, in milliseconds (the soft onset and the decay under the detector's threshold).</summary>
    /// <value>10 ms (one analysis frame). 0–100.</value>
    public int TrimMarginMilliseconds { get; init; } = 10;

    /// <summary>Raised-cosine fade in and out at every piece edge, in milliseconds; 0 butt-splices (only for comparison: it clicks).</summary>
    /// <value>5 ms, as mastering fades its cuts: below the ear's time resolution, long enough to spread a step over 40 samples at 8 kHz. 0–50.</value>
    public int FadeMilliseconds { get; init; } = 5;

    /// <summary>Every setting that changes the output, as one stable string (announcement keys include it).</summary>
    public string CanonicalForm() => string.Create(CultureInfo.InvariantCulture,
        $"j1;word={WordGapMilliseconds};phrase={PhraseGapMilliseconds};margin={TrimMarginMilliseconds};fade={FadeMilliseconds}");

    /// <summary>Throws when a setting is out of range, naming the setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its documented range.</exception>
    public void Validate()
    {
        if (WordGapMilliseconds is < 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(WordGapMilliseconds), WordGapMilliseconds, "The gap between words must be 0–1000 ms.");
        }

        if (PhraseGapMilliseconds is < 0 or > 2000)
        {
            throw new ArgumentOutOfRangeException(nameof(PhraseGapMilliseconds), PhraseGapMilliseconds, "The gap at phrase boundaries must be 0–2000 ms.");
        }

        if (TrimMarginMilliseconds is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(TrimMarginMilliseconds), TrimMarginMilliseconds, "The trim margin must be 0–100 ms.");
        }

        if (FadeMilliseconds is < 0 or > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(FadeMilliseconds), FadeMilliseconds, "The fade must be 0–50 ms.");
        }
    }
}
