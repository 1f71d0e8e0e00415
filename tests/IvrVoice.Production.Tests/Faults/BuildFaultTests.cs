extern alias emulator;

using System.Diagnostics;
using System.Text.RegularExpressions;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Library.Build;
using Xunit.Abstractions;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>
/// <c>ivrvoice build</c> while 30% of provider requests fail at random and some hang: the build ends with every prompt
/// either rendered (in the manifest, its files intact) or reported by name; killed with SIGKILL again and again, it leaves
/// no corrupt cache entry and no half-written file, and the next run finishes the library.
/// </summary>
public sealed partial class BuildFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 90_210;

    private readonly TempDirectory _folder = new("ivrvoice-build-faults-");
    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Build_UnderThirtyPercentFaultsAndHangs_EveryPromptRenderedOrReported()
    {
        IReadOnlyList<string> prompts = BuildFiles.WriteLibrary(_folder.File("library"), SuiteSize.LibraryPrompts);
        Dictionary<string, string?> settings = Settings();
        _emulator.SetFaultRate(0.3, Seed);
        for (int i = 0; i < 3; i++)
        {
            _emulator.Inject(i % 2 == 0 ? "gemini" : "openrouter", new EmulatorFault(FaultKind.Hang));
        }

        Stopwatch elapsed = Stopwatch.StartNew();
        CliRun run = await CliProcess.RunAsync(_folder.Path, settings, "build", "library", "--out", "dist", "--concurrency", "4", "--export", "twilio,asterisk");
        _emulator.ClearFaults();

        output.WriteLine($"{prompts.Count} prompts in {elapsed.Elapsed.TotalSeconds:0.0} s, exit {run.ExitCode}: {run.StandardOutput.Trim().Split('\n')[^1]}");
        output.WriteLine($"provider requests: gemini {_emulator.RequestsTo("gemini").Count}, openrouter {_emulator.RequestsTo("openrouter").Count}");
        Match summary = Summary().Match(run.StandardOutput);
        Assert.True(summary.Success, $"No summary line:\n{run.StandardOutput}\n{run.StandardError}");
        int rendered = int.Parse(summary.Groups["rendered"].Value, CultureInfo.InvariantCulture);
        int failed = int.Parse(summary.Groups["failed"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(prompts.Count, rendered + failed);
        Assert.Equal(failed == 0 ? 0 : BuildFiles.RenderFailed, run.ExitCode);
        string[] reported = [.. FailedLine().Matches(run.StandardError).Select(m => m.Groups["prompt"].Value)];
        Assert.Equal(failed, reported.Length);

        BuildManifest manifest = BuildFiles.AssertOutputConsistent(_folder.File("dist"))!;
        HashSet<string> built = [.. manifest.Prompts.Select(p => $"{p.Language}/{p.Id}")];
        Assert.Equal(rendered, built.Count);
        Assert.All(prompts, p => Assert.True(built.Contains(p) ^ reported.Contains(p), $"{p} is neither built nor reported as failed."));
        DiskCacheReport cache = DiskCacheInspector.Inspect(_folder.File("cache"));
        Assert.Empty(cache.Corrupt);
        Assert.All(manifest.Prompts, p => Assert.True(cache.Intact.ContainsKey(p.Key.ToString()), $"{p.Id} is built but not in the cache."));

        // Without the faults, the next run renders exactly what failed and reuses the rest.
        CliRun again = await CliProcess.RunAsync(_folder.Path, settings, "build", "library", "--out", "dist", "--concurrency", "4", "--export", "twilio,asterisk");
        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Contains($": {failed} rendered, {rendered} reused, 0 failed;", again.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_KilledRepeatedlyUnderFaults_LeavesNothingCorruptAndTheNextRunFinishes()
    {
        IReadOnlyList<string> prompts = BuildFiles.WriteLibrary(_folder.File("library"), SuiteSize.LibraryPrompts);
        Dictionary<string, string?> settings = Settings();
        string[] arguments = ["build", "library", "--out", "dist", "--concurrency", "4", "--export", "twilio,asterisk"];
        _emulator.SetFaultRate(0.3, Seed + 1);
        Random random = new(Seed);
        int previous = 0;
        int cached = 0;
        for (int round = 1; round <= SuiteSize.KillRounds + 1; round++)
        {
            using Process build = CliProcess.Start(_folder.Path, settings, arguments);
            _ = build.StandardOutput.ReadToEndAsync();
            _ = build.StandardError.ReadToEndAsync();
            // Let a few more prompts finish, then kill at an arbitrary moment of the writes that follow.
            Stopwatch waited = Stopwatch.StartNew();
            while (!build.HasExited && (BuildManifest.Read(_folder.File("dist"))?.Prompts.Count ?? 0) < previous + 2 && waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(20);
            }

            await Task.Delay(random.Next(0, 150));
            build.Kill(entireProcessTree: true);
            await build.WaitForExitAsync();

            BuildManifest? manifest = BuildFiles.AssertOutputConsistent(_folder.File("dist"));
            DiskCacheReport cache = DiskCacheInspector.Inspect(_folder.File("cache"));
            previous = manifest?.Prompts.Count ?? 0;
            cached = cache.Intact.Count;
            output.WriteLine($"kill {round}: {previous} of {prompts.Count} prompts in the manifest; cache {cache}");
            Assert.Empty(cache.Corrupt);
        }

        _emulator.ClearFaults();
        CliRun finish = await CliProcess.RunAsync(_folder.Path, settings, arguments);
        output.WriteLine(finish.StandardOutput.Trim().Split('\n')[^1]);

        Assert.True(finish.ExitCode == 0, finish.StandardError);
        // Everything the killed runs finished is reused: what the manifest listed, and what reached the cache before its files.
        Match summary = Summary().Match(finish.StandardOutput);
        int reused = int.Parse(summary.Groups["reused"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(prompts.Count, int.Parse(summary.Groups["rendered"].Value, CultureInfo.InvariantCulture) + reused);
        Assert.InRange(reused, previous, cached);
        Assert.Equal("0", summary.Groups["failed"].Value);
        Assert.Equal(prompts.Count, BuildFiles.AssertOutputConsistent(_folder.File("dist"))!.Prompts.Count);
        Assert.Empty(DiskCacheInspector.Inspect(_folder.File("cache")).Corrupt);
        CliRun check = await CliProcess.RunAsync(_folder.Path, settings, [.. arguments, "--check"]);
        Assert.True(check.ExitCode == 0, check.StandardOutput);
    }

    private Dictionary<string, string?> Settings()
    {
        Dictionary<string, string?> settings = _emulator.Settings("gemini", "openrouter");
        settings["Cache:Disk:Path"] = _folder.File("cache");
        foreach (string section in new[] { "Gemini", "OpenRouter" })
        {
            settings[$"Providers:{section}:RetryBaseDelay"] = "00:00:00.050";
            // A hung request costs this much of the build, not the default 30 s.
            settings[$"Providers:{section}:AttemptTimeout"] = "00:00:02";
        }

        return settings;
    }

    [GeneratedRegex(@": (?<rendered>\d+) rendered, (?<reused>\d+) reused, (?<failed>\d+) failed;")]
    private static partial Regex Summary();

    [GeneratedRegex(@"^failed: (?<prompt>\S+) \(", RegexOptions.Multiline)]
    private static partial Regex FailedLine();
}
