using System.ComponentModel.DataAnnotations;
using IvrVoice.Audio.Joining;

namespace IvrVoice.Prompts.Announcements;

/// <summary>How announcements are joined and how many whole renders run in the background, bound from the <c>Announcements</c> section.</summary>
public sealed class AnnouncementOptions
{
    public const string SectionName = "Announcements";

    /// <summary>Silence between two value words; see <see cref="JoinOptions.WordGapMilliseconds"/>.</summary>
    [Range(0, 1000)]
    public int WordGapMilliseconds { get; set; } = JoinOptions.Default.WordGapMilliseconds;

    /// <summary>Silence at a phrase boundary; see <see cref="JoinOptions.PhraseGapMilliseconds"/>.</summary>
    [Range(0, 2000)]
    public int PhraseGapMilliseconds { get; set; } = JoinOptions.Default.PhraseGapMilliseconds;

    /// <summary>Audio kept beyond each piece's sound; see <see cref="JoinOptions.TrimMarginMilliseconds"/>.</summary>
    [Range(0, 100)]
    public int TrimMarginMilliseconds { get; set; } = JoinOptions.Default.TrimMarginMilliseconds;

    /// <summary>Fade at every piece edge; see <see cref="JoinOptions.FadeMilliseconds"/>.</summary>
    [Range(1, 50)]
    public int FadeMilliseconds { get; set; } = JoinOptions.Default.FadeMilliseconds;

    /// <summary>Whole renders (strategy auto) running at once in the background; beyond it a join is served without queueing one (a later caller queues it).</summary>
    [Range(1, 64)]
    public int MaxBackgroundRenders { get; set; } = 2;

    /// <summary>The join settings these options describe.</summary>
    public JoinOptions ToJoinOptions() => new()
    {
        WordGapMilliseconds = WordGapMilliseconds,
        PhraseGapMilliseconds = PhraseGapMilliseconds,
        TrimMarginMilliseconds = TrimMarginMilliseconds,
        FadeMilliseconds = FadeMilliseconds,
    };
}
