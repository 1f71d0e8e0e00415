// Standalone: `dotnet run --project tests/IvrVoice.ProviderEmulator [-- --port 5099] [--clip-seconds 10]` serves every
// provider route on loopback.
using IvrVoice.ProviderEmulator;

int port = 0;
int at = Array.IndexOf(args, "--port");
if (at >= 0 && at + 1 < args.Length && !int.TryParse(args[at + 1], out port))
{
    Console.Error.WriteLine("--port takes a number");
    return 2;
}

TimeSpan? clipLength = null;
int clipAt = Array.IndexOf(args, "--clip-seconds");
if (clipAt >= 0)
{
    if (clipAt + 1 >= args.Length || !double.TryParse(args[clipAt + 1], System.Globalization.CultureInfo.InvariantCulture, out double seconds) || seconds is <= 0 or > 600)
    {
        Console.Error.WriteLine("--clip-seconds takes a number of seconds from 0 to 600");
        return 2;
    }

    clipLength = TimeSpan.FromSeconds(seconds);
}

await using TtsEmulator emulator = await TtsEmulator.StartAsync(port, clipLength: clipLength);
Console.WriteLine(emulator.Describe());
Console.WriteLine("Environment for ivrvoice (all routes):");
foreach ((string key, string? value) in emulator.Settings())
{
    Console.WriteLine($"  export {key.Replace(":", "__", StringComparison.Ordinal)}='{value}'");
}

Console.WriteLine("Press Ctrl+C to stop.");
TaskCompletionSource stopped = new();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopped.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
await stopped.Task;
return 0;
