using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Cli.Tests;

/// <summary><c>ivrvoice build</c>, run as the real program: the sample library offline, incremental runs, --check, failures, and a kill mid-build.</summary>
public sealed class BuildCommandTests : IAsyncLifetime
{
    private const int Usage = 2;
    private const int InvalidInput = 3;
    private const int RenderFailed = 4;
    private const int Stale = 5;
    private static readonly Dictionary<string, string?> NoKeys = new();
    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [SkippableFact]
    public async Task Build_SampleLibraryWithoutKeys_RendersEveryPromptAndEveryExportReadsBack()
    {
        ExternalTools.Require(ExternalTools.EspeakNg, ExternalTools.Sox, ExternalTools.Ffprobe);

        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, NoKeys, "build", BuildTestHost.SampleLibrary, "--out", "dist");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("Built Northwind Dental into dist: 36 rendered, 0 reused, 0 failed; 8 template(s): ", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("estimated cost espeak $0.0000 (total $0.0000)", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no configured route serves gemini-3.1-flash-tts; 36 prompt(s) use espeak-ng", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("build: 36/36 (100%) rendered 36, reused 0, failed 0", run.StandardError, StringComparison.Ordinal);

        JsonNode manifest = JsonNode.Parse(await File.ReadAllTextAsync(folder.File("dist/manifest.json")))!;
        JsonArray prompts = manifest["prompts"]!.AsArray();
        Assert.Equal(36, prompts.Count);
        Assert.Equal(8, manifest["templates"]!.AsArray().Count);
        int pieces = manifest["pieces"]!.AsArray().Count;
        Assert.Matches($@"pieces: {pieces}/{pieces} \(100%\) rendered {pieces}, reused 0, failed 0", run.StandardError);
        Assert.Contains($"8 template(s): {pieces} pieces rendered, 0 reused, 0 failed;", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("Northwind Dental", (string?)manifest["build"]!["library"]);
        foreach (JsonNode prompt in prompts.Select(p => p!))
        {
            foreach (string field in new[] { "id", "language", "text", "key", "voice", "model", "provider", "sha256", "renderedAt" })
            {
                Assert.False(string.IsNullOrEmpty((string?)prompt[field]), $"{prompt["id"]}: {field}");
            }

            Assert.True((double)prompt["durationSeconds"]! > 0.5);
            JsonObject files = prompt["files"]!.AsObject();
            Assert.Equal(6, files.Count);
            foreach ((string _, JsonNode? file) in files)
            {
                byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(folder.Path, "dist", (string)file!["path"]!));
                Assert.Equal((string?)file["sha256"], Convert.ToHexStringLower(SHA256.HashData(bytes)));
            }

            Assert.Equal((string?)prompt["sha256"], (string?)files["twilio"]!["sha256"]);
        }

        // Every export of one prompt per language, read back by both tools.
        foreach (string language in new[] { "en-US", "es-US" })
        {
            string asterisk = language.Replace('-', '_');
            foreach (string wav in new[] { $"twilio/{language}/main-menu.wav", $"connect/{language}/main-menu.wav", $"freeswitch/{language}/8000/main-menu.wav" })
            {
                string path = folder.File("dist/" + wav);
                Assert.Equal("8000", ExternalTools.SoxInfo(path)["Sample Rate"]);
                Assert.Equal("8000", ExternalTools.ProbeStream(path)["sample_rate"]);
            }

            foreach ((string extension, string soxType, string ffmpegFormat) in new[] { ("ulaw", "ul", "mulaw"), ("alaw", "al", "alaw"), ("sln", "s16", "s16le") })
            {
                string path = folder.File($"dist/asterisk/sounds/{asterisk}/main-menu.{extension}");
                Assert.True(ExternalTools.SoxStat(path, "-t", soxType, "-r", "8000", "-c", "1")["Maximum amplitude"] > 0.05);
                Assert.Equal("1", ExternalTools.ProbeStream(path, "-f", ffmpegFormat, "-ar", "8000", "-ac", "1")["channels"]);
            }
        }

        CliRun check = await CliProcess.RunAsync(folder.Path, NoKeys, "build", BuildTestHost.SampleLibrary, "--out", "dist", "--check");
        Assert.True(check.ExitCode == 0, check.StandardOutput + check.StandardError);
        Assert.Contains("dist is up to date: 36 prompts and 8 templates checked.", check.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Build_RunTwiceThenOneTextChanged_SecondRendersNothingAndThirdRendersOne()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempDirectory folder = new();
        BuildTestHost.CopyLibrary(BuildTestHost.SampleLibrary, folder.File("prompts"));
        CliRun first = await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist", "--language", "en-US");
        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Contains(": 18 rendered, 0 reused, 0 failed; 4 template(s): ", first.StandardOutput, StringComparison.Ordinal);
        string pieces = System.Text.RegularExpressions.Regex.Match(first.StandardOutput, @"4 template\(s\): (\d+) pieces rendered, 0 reused, 0 failed;").Groups[1].Value;
        Assert.NotEqual("", pieces);

        CliRun second = await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist", "--language", "en-US");

        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains($": 0 rendered, 18 reused, 0 failed; 4 template(s): 0 pieces rendered, {pieces} reused, 0 failed;", second.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no renders to pay for", second.StandardOutput, StringComparison.Ordinal);

        string english = folder.File("prompts/en-US.yaml");
        await File.WriteAllTextAsync(english, (await File.ReadAllTextAsync(english)).Replace("We are closed on weekends.", "We are closed on Saturdays and Sundays.", StringComparison.Ordinal));
        CliRun check = await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist", "--language", "en-US", "--check");
        Assert.Equal(Stale, check.ExitCode);
        Assert.Contains("stale: en-US/business-hours: text changed", check.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 of 22 prompts and templates need a build", check.StandardOutput, StringComparison.Ordinal);

        CliRun third = await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist", "--language", "en-US");

        Assert.True(third.ExitCode == 0, third.StandardError);
        Assert.Contains(": 1 rendered, 17 reused, 0 failed;", third.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist", "--language", "en-US", "--check")).ExitCode);
    }

    [SkippableFact]
    public async Task Build_KilledMidBuild_FinishedPromptsAreReusedAndTheAcceptedJobIsNotSubmittedAgain()
    {
        using TempDirectory folder = new();
        WriteLibrary(folder.File("prompts"), 5);
        // Jobs age on a clock this test moves: each stays accepted and unfinished until the test lets it end.
        FakeTimeProvider jobClock = new();
        _emulator.Clock = jobClock;
        TimeSpan jobLength = _emulator.QueuedFor + _emulator.ProcessingFor;
        Dictionary<string, string?> settings = Fast(_emulator.Settings("vtrix"));
        string[] arguments = ["build", "prompts", "--out", "dist", "--concurrency", "1", "--export", "twilio"];
        string journal = folder.File("dist/.ivrvoice/jobs");

        int finished, journaled, submitted;
        using (Process first = CliProcess.Start(folder.Path, settings, arguments))
        {
            // Kill while a job is accepted and journaled but unfinished, with two prompts done: let each job end in turn
            // until the third is accepted, then hold it. (The one-minute bound only stops a hung build from hanging the suite.)
            using CancellationTokenSource hung = new(TimeSpan.FromMinutes(1));
            string seen = "";
            while (true)
            {
                if (first.HasExited)
                {
                    Assert.Fail($"the build ended before it could be killed (last seen: {seen}): {await first.StandardError.ReadToEndAsync()}");
                }

                Assert.False(hung.IsCancellationRequested, $"the build never reached the state to kill it in (last seen: {seen})");
                int jobs = Directory.Exists(journal) ? Directory.GetFiles(journal, "*.json").Length : 0;
                int done = BuildTestHost.ManifestCount(folder.File("dist"));
                int accepted = _emulator.Submissions("vtrix");
                seen = $"{done} finished, {jobs} journaled, {accepted} submitted";
                if (jobs == 1 && accepted == done + 1)
                {
                    if (done >= 2)
                    {
                        break;
                    }

                    jobClock.Advance(jobLength);   // the job in hand ends; the build fetches it and submits the next
                }

                await Task.Delay(10);
            }

            first.Kill(entireProcessTree: true);   // SIGKILL: no handler runs, nothing is flushed
            await first.WaitForExitAsync();
            finished = BuildTestHost.ManifestCount(folder.File("dist"));
            journaled = Directory.GetFiles(journal, "*.json").Length;
            submitted = _emulator.Submissions("vtrix");
        }

        _emulator.Clock = TimeProvider.System;   // the held job has now aged past its end; new jobs age in real time

        Assert.Equal(1, journaled);
        Assert.Equal(finished + journaled, submitted);

        CliRun second = await CliProcess.RunAsync(folder.Path, settings, arguments);

        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains($": {5 - finished} rendered, {finished} reused, 0 failed;", second.StandardOutput, StringComparison.Ordinal);
        // Each prompt was submitted exactly once across both runs: the journaled job was polled again, not paid for twice.
        Assert.Equal(5, _emulator.Submissions("vtrix"));
        Assert.Empty(Directory.GetFiles(journal, "*.json"));
        Assert.Equal(5, BuildTestHost.ManifestCount(folder.File("dist")));
        CliRun check = await CliProcess.RunAsync(folder.Path, settings, [.. arguments, "--check"]);
        Assert.True(check.ExitCode == 0, check.StandardOutput);
    }

    [SkippableFact]
    public async Task Build_EveryRouteFailsForOnePrompt_ExitsRenderFailedNamingItAndKeepsTheRest()
    {
        using TempDirectory folder = new();
        WriteLibrary(folder.File("prompts"), 3);
        Dictionary<string, string?> settings = Fast(_emulator.Settings("gemini", "openrouter"));
        _emulator.Inject("gemini", EmulatorFault.Http(400));
        _emulator.Inject("openrouter", EmulatorFault.Http(400));

        CliRun run = await CliProcess.RunAsync(folder.Path, settings, "build", "prompts", "--out", "dist", "--concurrency", "1");

        Assert.Equal(RenderFailed, run.ExitCode);
        Assert.Contains("failed: en-US/prompt-1 (", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("  gemini: InvalidRequest:", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("  openrouter: InvalidRequest:", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(": 2 rendered, 0 reused, 1 failed;", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, BuildTestHost.ManifestCount(folder.File("dist")));
        Assert.False(File.Exists(folder.File("dist/twilio/en-US/prompt-1.wav")));

        CliRun again = await CliProcess.RunAsync(folder.Path, settings, "build", "prompts", "--out", "dist");

        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Contains(": 1 rendered, 2 reused, 0 failed;", again.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Build_ModelMigrationWithCompare_WritesTheParallelLibraryAndTheReport()
    {
        using TempDirectory folder = new();
        WriteLibrary(folder.File("prompts"), 2);
        Dictionary<string, string?> settings = Fast(_emulator.Settings("gemini"));
        Assert.Equal(0, (await CliProcess.RunAsync(folder.Path, settings, "build", "prompts", "--out", "dist")).ExitCode);

        CliRun run = await CliProcess.RunAsync(folder.Path, settings,
            "build", "prompts", "--model", "gemini-3.8-flash-lite-tts", "--out", "dist-3.8", "--compare", "dist");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("Compared with dist: 0 of 2 prompts sound different; see dist-3.8/comparison.md.", run.StandardOutput.Replace('\\', '/'), StringComparison.Ordinal);
        string report = await File.ReadAllTextAsync(folder.File("dist-3.8/comparison.md"));
        Assert.Contains("Models: gemini-3.1-flash-tts → gemini-3.8-flash-lite-tts.", report, StringComparison.Ordinal);
        Assert.Contains("2 with a new key", report, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.File("dist-3.8/comparison.json")));
        Assert.Equal(2, BuildTestHost.ManifestCount(folder.File("dist-3.8")));
        Assert.Equal(2, BuildTestHost.ManifestCount(folder.File("dist")));
    }

    [SkippableFact]
    public async Task Build_BrokenLibrary_PrintsEveryErrorAndRendersNothing()
    {
        using TempDirectory folder = new();
        Directory.CreateDirectory(folder.File("prompts"));
        await File.WriteAllTextAsync(folder.File("prompts/en-US.yaml"), """
            defaults:
              language: en-US
              voice: Koree
            prompts:
              - id: Welcome
                text: Hello.
            """);

        CliRun run = await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist");
        CliRun check = await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist", "--check");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("en-US.yaml:3:10: error: unknown voice 'Koree'", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("en-US.yaml:5:9: error: prompt id 'Welcome' is not valid", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("the library has 2 error(s); nothing was rendered.", run.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("dist")));
        Assert.Equal(InvalidInput, check.ExitCode);
    }

    [SkippableTheory]
    [InlineData("--export", "twilio,genesys", "unknown export 'genesys'")]
    [InlineData("--model", "gemini-9", "unknown model 'gemini-9'")]
    [InlineData("--concurrency", "0", "--concurrency must be 1 to 64, not 0.")]
    [InlineData("--language", "en_us", "--language 'en_us' is not a BCP 47 tag")]
    public async Task Build_BadOption_ExitsUsageNamingIt(string option, string value, string message)
    {
        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, NoKeys, "build", BuildTestHost.SampleLibrary, "--out", "dist", option, value);

        Assert.Equal(Usage, run.ExitCode);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Build_ProviderNotConfigured_ExitsInvalidInputListingTheRoutes()
    {
        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, NoKeys, "build", BuildTestHost.SampleLibrary, "--out", "dist", "--provider", "gemini");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("The provider 'gemini' is not configured; configured routes in order: espeak.", run.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Settings that keep a test quick: no retries (one fault, one failure) and short polls.</summary>
    private static Dictionary<string, string?> Fast(Dictionary<string, string?> settings)
    {
        foreach (string section in new[] { "Gemini", "OpenRouter", "Vtrix" })
        {
            settings[$"Providers:{section}:MaxRetryAttempts"] = "0";
            settings[$"Providers:{section}:PollInterval"] = "00:00:00.100";
            settings[$"Providers:{section}:MaxPollInterval"] = "00:00:00.200";
        }

        return settings;
    }

    private static void WriteLibrary(string folder, int prompts)
    {
        Directory.CreateDirectory(folder);
        string items = string.Concat(Enumerable.Range(1, prompts).Select(i => $"  - id: prompt-{i}\n    text: This is prompt number {i} of the test library.\n"));
        File.WriteAllText(Path.Combine(folder, "en-US.yaml"), $"defaults:\n  language: en-US\n  voice: Kore\n  model: gemini-3.1-flash-tts\nprompts:\n{items}");
    }
}
