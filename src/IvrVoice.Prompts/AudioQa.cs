using IvrVoice.Audio;

namespace IvrVoice.Prompts;

/// <summary>
/// The checks audio must pass before it is cached: providers sometimes answer "success" with a 44-byte WAV,
/// silence, or a clipped render, and a cached bad prompt would be played to every caller.
/// </summary>
public static class AudioQa
{
    /// <summary>Shorter than this is not a spoken prompt.</summary>
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The floor for a text of at most <see cref="ShortTextLetters"/> letters and digits, such as a template's vocabulary
    /// piece ("E.", "six"): one short word can be spoken in well under 200 ms.
    /// </summary>
    public static readonly TimeSpan ShortTextMinimumDuration = TimeSpan.FromMilliseconds(120);

    /// <summary>Texts with at most this many letters and digits are held to <see cref="ShortTextMinimumDuration"/>.</summary>
    public const int ShortTextLetters = 3;

    /// <summary>The shortest acceptable audio for <paramref name="text"/>.</summary>
    public static TimeSpan MinimumDurationFor(string text) =>
        text.Count(char.IsLetterOrDigit) <= ShortTextLetters ? ShortTextMinimumDuration : MinimumDuration;

    /// <summary>Digital silence with a little noise sits far below this; quiet speech sits far above.</summary>
    public const double SilenceRmsDbfs = -60;

    /// <summary>More than this share of samples at full scale means audible clipping.</summary>
    public const double MaxClippedRatio = 0.001;

    /// <summary>Speech runs well under 0.2 s a character; 5 s covers pauses and tags (see docs/library.md).</summary>
    public static TimeSpan MaximumDurationFor(string text) => TimeSpan.FromSeconds(text.Length * 0.2 + 5);

    /// <summary>Returns the reasons the audio is unacceptable for the text; empty when it passes.</summary>
    public static IReadOnlyList<string> Check(PcmAudio audio, string text)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(text);
        List<string> problems = [];
        AudioStats stats = AudioAnalysis.Analyze(audio);
        TimeSpan minimum = MinimumDurationFor(text);
        if (stats.Duration < minimum)
        {
            problems.Add($"audio is {stats.Duration.TotalMilliseconds:0} ms long, shorter than {minimum.TotalMilliseconds:0} ms");
            return problems;
        }
        if (stats.RmsDbfs < SilenceRmsDbfs)
        {
            problems.Add($"audio is silent (RMS {stats.RmsDbfs:0.0} dBFS)");
        }
        if (stats.ClippedSampleRatio > MaxClippedRatio)
        {
            problems.Add($"audio is clipped ({stats.ClippedSampleRatio:P2} of samples at full scale)");
        }
        TimeSpan maximum = MaximumDurationFor(text);
        if (stats.Duration > maximum)
        {
            problems.Add($"audio is {stats.Duration.TotalSeconds:0.0} s long, implausible for {text.Length} characters (at most {maximum.TotalSeconds:0.0} s)");
        }
        return problems;
    }
}
