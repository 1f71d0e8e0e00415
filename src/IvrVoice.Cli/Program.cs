using System.CommandLine;
using IvrVoice.Cli;
using IvrVoice.Cli.Commands;

// The native binary is compiled for x86-64-v3; on an older CPU the runtime stops it before this line with its own
// message, so scripts/install.sh checks the CPU first and installs the .NET tool there instead. The tool (JIT) runs
// anywhere and says here when the resampler will run on its slower path.
CpuSupport.WarnIfSlow(Console.Error);

RootCommand root = CliRoot.Create();
// One line per verb; each verb lives in Commands/<Verb>Command.cs.
root.Subcommands.Add(VersionCommand.Create());
root.Subcommands.Add(TranscodeCommand.Create());
root.Subcommands.Add(SayCommand.Create());
root.Subcommands.Add(BuildCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
