using System.Globalization;
using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;

namespace IvrVoice.Cli.Tests;

/// <summary><c>ivrvoice say</c>, run as the real program: offline with no keys, and through each route of the emulator.</summary>
public sealed class SayCommandTests : IAsyncLifetime
{
    private const int RenderFailed = 4;
    private const int InvalidInput = 3;
    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [SkippableFact]
    public async Task Say_NoKeysConfigured_RendersOfflineAs8kHzMuLawWav()
    {
        ExternalTools.Require(ExternalTools.EspeakNg, ExternalTools.Sox);

        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, new Dictionary<string, string?>(), "say", "Thank you for calling.", "--voice", "Kore", "--out", "hello.wav");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("Served by espeak", run.StandardOutput, StringComparison.Ordinal);
        IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(folder.File("hello.wav"));
        Assert.Equal("8000", info["Sample Rate"]);
        Assert.Equal("1", info["Channels"]);
        Assert.Contains("u-law", info["Sample Encoding"], StringComparison.OrdinalIgnoreCase);
        Assert.True(ExternalTools.SoxStat(folder.File("hello.wav"))["Maximum amplitude"] > 0.05);
    }

    [SkippableTheory]
    [InlineData("gemini")]
    [InlineData("aigateway")]
    [InlineData("openrouter")]
    [InlineData("vtrix")]
    [InlineData("pixazo")]
    [InlineData("segmind")]
    public async Task Say_EachProviderAgainstTheEmulator_WritesTheServedSpeech(string route)
    {
        // The emulator serves espeak-ng's voice resampled by sox (SpeechClip); without them, a synthetic signal of another length.
        ExternalTools.Require(ExternalTools.Sox, ExternalTools.EspeakNg);

        using TempDirectory folder = new();
        Dictionary<string, string?> settings = FastSettings(_emulator.Settings(TtsEmulator.RouteNames.ToArray()));

        CliRun run = await CliProcess.RunAsync(folder.Path, settings,
            "say", "Thank you for calling.", "--voice", "Kore", "--provider", route, "--style", "calm, warm", "--language", "en-US", "--out", "out/hello.wav");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains($"Served by {route} (gemini-3.1-flash-tts, voice Kore)", run.StandardOutput, StringComparison.Ordinal);
        Assert.Single(_emulator.RequestsTo(route, FaultPhase.Primary));
        IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(folder.File("out/hello.wav"));
        Assert.Equal("8000", info["Sample Rate"]);
        Assert.Contains("u-law", info["Sample Encoding"], StringComparison.OrdinalIgnoreCase);
        // The emulator's clip, mastered (silence at the ends trimmed to a short pad) and resampled: most of its length survives.
        IReadOnlyDictionary<string, double> stat = ExternalTools.SoxStat(folder.File("out/hello.wav"));
        Assert.InRange(stat["Length (seconds)"], _emulator.Clip.Duration.TotalSeconds * 0.6, _emulator.Clip.Duration.TotalSeconds + 0.01);
        Assert.True(stat["Maximum amplitude"] > 0.1);
    }

    [SkippableFact]
    public async Task Say_FirstRouteFails_FailsOverAndSaysWhoServed()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(503, times: null));
        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, FastSettings(_emulator.Settings("gemini", "openrouter")),
            "say", "Thank you for calling.", "--out", "hello.wav");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("Served by openrouter", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("gemini: TransientUpstream", run.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.File("hello.wav")));
    }

    [SkippableFact]
    public async Task Say_EveryRouteFails_ExitsRenderFailedListingEachFailureAndWritesNothing()
    {
        _emulator.Inject("aigateway", EmulatorFault.Http(402, times: null));
        _emulator.Inject("segmind", EmulatorFault.Http(500, times: null));
        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, FastSettings(_emulator.Settings("aigateway", "segmind")),
            "say", "Thank you for calling.", "--out", "hello.wav");

        Assert.Equal(RenderFailed, run.ExitCode);
        Assert.Contains("every route failed (routes in order: aigateway, segmind)", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("aigateway: InsufficientCredit", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("segmind: TransientUpstream", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("hello.wav")));
    }

    [SkippableFact]
    public async Task Say_WrongKey_FailsWithoutPrintingAnyKey()
    {
        using TempDirectory folder = new();
        Dictionary<string, string?> settings = FastSettings(_emulator.Settings("openrouter"));
        settings["Providers:OpenRouter:ApiKey"] = "sk-or-not-the-right-one-9911";

        CliRun run = await CliProcess.RunAsync(folder.Path, settings, "say", "Hello.", "--out", "hello.wav");

        Assert.Equal(RenderFailed, run.ExitCode);
        Assert.Contains("openrouter: Authentication", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-or-not-the-right-one-9911", run.StandardError + run.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Say_UnknownVoice_ExitsInvalidInputWithoutCallingAnyRoute()
    {
        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, FastSettings(_emulator.Settings("gemini")),
            "say", "Hello.", "--voice", "alloy", "--out", "hello.wav");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("'alloy' is not a voice of gemini-3.1-flash-tts", run.StandardError, StringComparison.Ordinal);
        Assert.Empty(_emulator.Requests);
    }

    [SkippableFact]
    public async Task Say_RouteInOrderWithoutKey_ExitsInvalidInputNamingTheSetting()
    {
        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, new Dictionary<string, string?> { ["Providers:Order"] = "vtrix" }, "say", "Hello.", "--out", "hello.wav");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("Providers:Vtrix:ApiKey is required when vtrix is in Providers:Order", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Say_SettingsInAppsettingsJson_AreRead()
    {
        using TempDirectory folder = new();
        string json = $$"""
            { "Providers": { "Order": [ "aigateway" ],
                             "AIgateway": { "BaseUrl": "{{_emulator.BaseUrl("aigateway")}}", "ApiKey": "{{TtsEmulator.ApiKey("aigateway")}}" } } }
            """;
        File.WriteAllText(folder.File("appsettings.json"), json);

        CliRun run = await CliProcess.RunAsync(folder.Path, new Dictionary<string, string?>(), "say", "Hello.", "--out", "hello.wav");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("Served by aigateway", run.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Say_ModelNoRouteServes_ExitsRenderFailedExplaining()
    {
        using TempDirectory folder = new();

        CliRun run = await CliProcess.RunAsync(folder.Path, FastSettings(_emulator.Settings("pixazo")),
            "say", "Hello.", "--model", "gemini-3.8-flash-lite-tts", "--out", "hello.wav");

        Assert.Equal(RenderFailed, run.ExitCode);
        Assert.Contains("no configured route serves model gemini-3.8-flash-lite-tts", run.StandardError, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> FastSettings(Dictionary<string, string?> settings)
    {
        foreach (string section in new[] { "Gemini", "AIgateway", "OpenRouter", "Vtrix", "Pixazo", "Segmind" })
        {
            settings[$"Providers:{section}:RetryBaseDelay"] = "00:00:00.020";
            settings[$"Providers:{section}:PollInterval"] = "00:00:00.020";
            settings[$"Providers:{section}:MaxPollInterval"] = "00:00:00.050";
        }

        settings["Providers:JournalFolder"] = Path.Combine(Path.GetTempPath(), "ivrvoice-say-tests-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
        return settings;
    }
}
