using System.CommandLine;
using System.Globalization;

namespace IvrVoice.Cli;

/// <summary>The root command both programs build (the full one and the transcode launcher), so help and errors match.</summary>
internal static class CliRoot
{
    public const string Description = "ivrvoice: telephone prompts from text-to-speech, ready for Twilio, Asterisk and FreeSWITCH.";

    /// <summary>
    /// The root command. The command line speaks English whatever the locale (System.CommandLine would otherwise mix its
    /// translated errors with this tool's English text), so the launcher, which runs without ICU, says the same words.
    /// </summary>
    public static RootCommand Create()
    {
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        return new RootCommand(Description);
    }
}
