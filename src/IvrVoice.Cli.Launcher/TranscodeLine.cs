using IvrVoice.Cli.Commands;

namespace IvrVoice.Cli;

/// <summary>
/// The launcher's parser for the plain <c>transcode</c> command lines a user or a script types: inputs and outputs, and
/// the verb's options each given once as <c>--option value</c>. It reads them as System.CommandLine would, without
/// System.CommandLine's start-up (its resources, reflection and command tree are most of a small program's). Anything
/// else (help, version, an unknown or repeated option, <c>--option=value</c>, a value that is not a plain number, a
/// response file, <c>--</c>, no input at all) it declines, and the launcher hands the command line to the full program,
/// whose System.CommandLine answers it: so every command line gets the full program's answer, usage errors included.
/// </summary>
internal static class TranscodeLine
{
    /// <summary>The arguments of <c>transcode …</c> (<paramref name="args"/>[0] is the verb), or null to decline.</summary>
    public static TranscodeArguments? TryParse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0] != "transcode")
        {
            return null;
        }

        List<string> paths = [];
        string? outDir = null, to = null, inFormat = null;
        int? inRate = null, inChannels = null;
        bool noMaster = false;
        for (int i = 1; i < args.Count; i++)
        {
            string token = args[i];
            if (token == "--no-master")
            {
                // A bool option takes an optional true/false after it: leave that reading to System.CommandLine.
                if (noMaster || (i + 1 < args.Count && bool.TryParse(args[i + 1], out _)))
                {
                    return null;
                }

                noMaster = true;
                continue;
            }

            if (token is "--out-dir" or "--to" or "--in-format" or "--in-rate" or "--in-channels")
            {
                if (i + 1 == args.Count || !IsPlainValue(args[i + 1]))
                {
                    return null;
                }

                string value = args[++i];
                bool fresh = token switch
                {
                    "--out-dir" => Set(ref outDir, value),
                    "--to" => Set(ref to, value),
                    "--in-format" => Set(ref inFormat, value),
                    "--in-rate" => SetNumber(ref inRate, value),
                    _ => SetNumber(ref inChannels, value),
                };
                if (!fresh)
                {
                    return null;
                }

                continue;
            }

            if (!IsPlainValue(token) && token != "-")
            {
                return null;   // an option this parser does not take (help, version, a misspelling, --to=x, --)
            }

            paths.Add(token);
        }

        return paths.Count == 0 ? null : new TranscodeArguments([.. paths], outDir, to, inRate, inFormat, inChannels ?? 1, noMaster);
    }

    // A token System.CommandLine can only read as a value: not an option ("-…", help's "/h" and "/?"), a response file ("@…")
    // or a directive ("[…]"), and not the verb's own name.
    private static bool IsPlainValue(string token) =>
        !token.StartsWith('-') && !token.StartsWith('@') && !token.StartsWith('[') && token is not ("/h" or "/?" or "transcode");

    private static bool Set(ref string? field, string value)
    {
        if (field is not null)
        {
            return false;
        }

        field = value;
        return true;
    }

    // Plain decimal digits only (at most nine, so no overflow): signs, spaces and other forms are System.CommandLine's to judge.
    private static bool SetNumber(ref int? field, string value)
    {
        if (field is not null || value.Length is 0 or > 9 || value.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        field = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}
