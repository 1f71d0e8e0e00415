using IvrVoice.Cli;
using IvrVoice.Cli.Commands;

// `ivrvoice transcode …` is answered here by the full program's own verb (the same source files): the same messages,
// exit codes and bytes. A command line its parser declines (help, usage errors, anything unusual) and every other verb
// are the full program's, which replaces this process and answers them with System.CommandLine.
if (TranscodeLine.TryParse(args) is not { } transcode)
{
    return FullProgram.Run(args);
}

if (!CpuSupport.HasFastPath)
{
    CpuSupport.WarnIfSlow(Console.Error);
}

try
{
    return TranscodeVerb.Run(transcode);
}
catch (Exception ex)
{
    // As System.CommandLine reports an exception its action let through.
    Console.Error.WriteLine($"Unhandled exception: {ex}");
    return 1;
}
