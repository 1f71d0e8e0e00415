namespace IvrVoice.Library.Build;

/// <summary>The telephone platforms a build writes files for, each in its own folder of the output.</summary>
[Flags]
public enum ExportTargets
{
    None = 0,

    /// <summary><c>twilio/&lt;lang&gt;/&lt;id&gt;.wav</c>: 8 kHz μ-law WAV, the bytes the prompt cache holds.</summary>
    Twilio = 1,

    /// <summary><c>asterisk/sounds/&lt;lang&gt;/&lt;id&gt;.ulaw|.alaw|.sln</c>: headerless 8 kHz μ-law, A-law and 16-bit PCM.</summary>
    Asterisk = 2,

    /// <summary><c>freeswitch/&lt;lang&gt;/8000/&lt;id&gt;.wav</c>: 16-bit PCM WAV at 8 kHz in FreeSWITCH's rate folder.</summary>
    FreeSwitch = 4,

    /// <summary><c>connect/&lt;lang&gt;/&lt;id&gt;.wav</c>: 8 kHz μ-law WAV, the format Amazon Connect prompts require.</summary>
    Connect = 8,

    All = Twilio | Asterisk | FreeSwitch | Connect,
}

/// <summary>The command-line names of <see cref="ExportTargets"/>.</summary>
public static class ExportTargetNames
{
    private static readonly (string Name, ExportTargets Target)[] s_names =
    [
        ("twilio", ExportTargets.Twilio),
        ("asterisk", ExportTargets.Asterisk),
        ("freeswitch", ExportTargets.FreeSwitch),
        ("connect", ExportTargets.Connect),
    ];

    /// <summary>Every name, in output order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. s_names.Select(n => n.Name)];

    /// <summary>
    /// Reads a comma-separated list such as <c>twilio,asterisk</c> (case and spaces ignored); <c>all</c> is every target.
    /// False, with the unknown name in <paramref name="unknown"/>, when a name is not a target.
    /// </summary>
    public static bool TryParse(string? list, out ExportTargets targets, out string? unknown)
    {
        targets = ExportTargets.None;
        unknown = null;
        foreach (string part in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = part.ToLowerInvariant();
            if (name == "all")
            {
                targets = ExportTargets.All;
                continue;
            }

            ExportTargets? match = s_names.Where(n => n.Name == name).Select(n => (ExportTargets?)n.Target).FirstOrDefault();
            if (match is null)
            {
                unknown = part;
                return false;
            }

            targets |= match.Value;
        }

        if (targets == ExportTargets.None)
        {
            unknown = list ?? "";
            return false;
        }

        return true;
    }

    /// <summary>The names of the targets in <paramref name="targets"/>, in output order.</summary>
    public static IReadOnlyList<string> Names(ExportTargets targets) =>
        [.. s_names.Where(n => targets.HasFlag(n.Target)).Select(n => n.Name)];
}
