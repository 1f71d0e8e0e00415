using System.CommandLine;
using IvrVoice.Cli.Commands;

RootCommand root = new("ivrvoice: telephone prompts from text-to-speech, ready for Twilio, Asterisk and FreeSWITCH.");
// One line per verb; each verb lives in Commands/<Verb>Command.cs.
root.Subcommands.Add(VersionCommand.Create());
root.Subcommands.Add(TranscodeCommand.Create());
root.Subcommands.Add(SayCommand.Create());
root.Subcommands.Add(BuildCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
