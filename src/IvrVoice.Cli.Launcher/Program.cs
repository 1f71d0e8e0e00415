using System.CommandLine;
using IvrVoice.Cli;
using IvrVoice.Cli.Commands;

// `ivrvoice transcode …` is answered here with the full program's own command (the same source files): the same options,
// messages, exit codes and bytes. Anything else is the full program's, which replaces this process.
if (args.Length > 0 && args[0] == "transcode")
{
    CpuSupport.WarnIfSlow(Console.Error);
    RootCommand root = CliRoot.Create();
    root.Subcommands.Add(TranscodeCommand.Create());
    return root.Parse(args).Invoke();
}

return FullProgram.Run(args);
