extern alias emulator;

using System.Diagnostics;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// scripts/run.sh runs the service with the checkout as its content root, where the disk cache (and any log redirected into
/// the checkout) is written. The host's configuration reload watches the content root's whole tree and wakes on every write
/// there, so the script turns reloading off; the kernel's own inotify table shows what the process watches.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ConfigurationWatchTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string ReloadSetting = "DOTNET_hostBuilder__reloadConfigOnChange";

    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task RunScript_StartsTheServiceWithConfigurationReloadOff()
    {
        // A stand-in for dotnet that records how run.sh starts the service instead of building and running it.
        using TempDirectory stub = new("ivrvoice-run-script-");
        string record = stub.File("run-environment.txt");
        File.WriteAllText(stub.File("dotnet"), $"""
            #!/usr/bin/env bash
            if [ "$1" = run ]; then env > '{record}'; echo "ARGS $*" >> '{record}'; fi
            exit 0
            """);
        File.SetUnixFileMode(stub.File("dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        ProcessStartInfo start = new("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "run.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = stub.Path + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove(ReloadSetting);
        using Process script = Process.Start(start)!;
        Task<string> output = script.StandardOutput.ReadToEndAsync();
        Task<string> errors = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync();

        Assert.True(script.ExitCode == 0, await output + await errors);
        string[] lines = File.ReadAllLines(record);
        Assert.Contains(lines, l => l.StartsWith("ARGS run ", StringComparison.Ordinal) && l.Contains("--contentRoot", StringComparison.Ordinal));
        Assert.Contains(ReloadSetting + "=false", lines);
    }

    [Fact]
    public async Task ReloadOff_ServiceWatchesNothingInItsContentRoot()
    {
        await using ServiceProcess watching = await ServiceProcess.StartAsync(Settings());
        await using ServiceProcess quiet = await ServiceProcess.StartAsync(Settings(), new Dictionary<string, string> { [ReloadSetting] = "false" });

        // The default (reload on) is the control: it proves the count sees the watcher when there is one.
        Assert.True(InotifyWatches(watching.Id) > 0, "the default host should watch its content root for appsettings changes");
        Assert.Equal(0, InotifyWatches(quiet.Id));

        // And it still runs on its settings: the flows came from Flows:Folder, the answer from the emulator's route.
        using HttpClient client = new();
        Assert.Equal("ok", await client.GetStringAsync(new Uri(quiet.Url, "/healthz")));
    }

    private Dictionary<string, string?> Settings() => new(_emulator.Settings("gemini"))
    {
        ["Twilio:RequestValidation"] = "Disabled",
        ["Service:ApiKeys:0"] = ServerHost.ApiKey,
        ["Service:UrlSigningKey"] = ServerHost.SigningKey,
        ["Flows:Folder"] = _library.Folder,
    };

    /// <summary>Watches held by the process's inotify descriptors (Linux: one "inotify wd:" line per watch in fdinfo).</summary>
    private static int InotifyWatches(int processId)
    {
        int watches = 0;
        foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
        {
            string? target = new FileInfo(fd).LinkTarget;
            if (target == "anon_inode:inotify")
            {
                watches += File.ReadLines($"/proc/{processId}/fdinfo/{Path.GetFileName(fd)}").Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
        }

        return watches;
    }
}
