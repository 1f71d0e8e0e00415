using System.Text.Json.Nodes;
using IvrVoice.Caching;
using IvrVoice.Library.Build;
using IvrVoice.ProviderEmulator;

namespace IvrVoice.Library.Tests.Build;

/// <summary>Builds through provider routes (the emulator): failures, costs, model migration and its comparison report.</summary>
public sealed class LibraryBuildRouteTests : IAsyncLifetime
{
    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task BuildAsync_RouteFailsOnePrompt_ReportsItWithReasonsKeepsTheOthersAndCachesNothingForIt()
    {
        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.WithEmulator(_emulator, routes: "gemini");
        PromptLibrary library = TestLibraries.Load(source);
        _emulator.Inject("gemini", EmulatorFault.Http(500));

        LibraryBuildResult result = await host.BuildAsync(library, host.Options() with { Concurrency = 1 });

        Assert.Equal((2, 1), (result.Rendered, result.Failed));
        PromptFailure failure = Assert.Single(result.Failures);
        Assert.Contains(failure.Reasons, r => r.StartsWith("gemini: ", StringComparison.Ordinal));
        Assert.Null(result.Manifest.Find(failure.Prompt.Language, failure.Prompt.Id));
        Assert.Null(await host.Cache.TryGetAsync(failure.Prompt.Key, CacheMode.ReadOnly, CancellationToken.None));
        Assert.Equal(2, result.Manifest.Prompts.Count);
        Assert.False(result.Succeeded);

        LibraryBuildResult retry = await host.BuildAsync(library);

        Assert.Equal((1, 2, 0), (retry.Rendered, retry.Reused, retry.Failed));
        Assert.Equal(4, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task BuildAsync_RouteAnswersSilence_QualityCheckRejectsItAndTheBuildFails()
    {
        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.WithEmulator(_emulator, routes: "gemini");
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.Silence));

        LibraryBuildResult result = await host.BuildAsync(TestLibraries.Load(source), host.Options() with { Concurrency = 1 });

        PromptFailure failure = Assert.Single(result.Failures);
        Assert.Contains(failure.Reasons, r => r.Contains("silent", StringComparison.Ordinal));
        Assert.Equal(2, result.Rendered);
    }

    [Fact]
    public async Task BuildAsync_TokenPricedRoute_EstimatesTheCostPerProvider()
    {
        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.WithEmulator(_emulator, routes: "gemini");

        LibraryBuildResult result = await host.BuildAsync(TestLibraries.Load(source));

        decimal cost = Assert.Single(result.CostUsdByProvider, c => c.Key == "gemini").Value;
        Assert.True(cost > 0m);
        Assert.Equal(cost, result.Manifest.Prompts.Sum(p => p.CostUsd ?? 0m));
        Assert.All(result.Manifest.Prompts, p => Assert.Equal(("gemini", "gemini-3.1-flash-tts", null), (p.Provider, p.Model, p.FallbackFrom)));
    }

    [Fact]
    public async Task BuildAsync_ModelMigration_TranslatesTagsDropsTemperatureAndComparesWithTheBaseline()
    {
        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.WithEmulator(_emulator, routes: "gemini");
        PromptLibrary library = TestLibraries.Load(source);
        LibraryBuildResult baseline = await host.BuildAsync(library);
        _emulator.ClearRecords();
        string migrated = Path.Combine(host.Folder, "dist-3.8");

        LibraryBuildResult result = await host.BuildAsync(library, host.Options(migrated) with { Model = "gemini-3.8-flash-lite-tts", CompareWith = host.Output });

        Assert.Equal(3, result.Rendered);
        Assert.Equal("gemini-3.8-flash-lite-tts", result.Manifest.Build.Model);
        Assert.Equal("Please hold. <short pause> Someone will be with you shortly.", result.Manifest.Find("en-US", "hold")!.Text);
        // Gemini 3.8 rejects temperature: no request carries one, and every request names the 3.8 model.
        Assert.All(_emulator.RequestsTo("gemini"), r =>
        {
            Assert.Contains("gemini-3.8-flash-lite-tts", r.Path, StringComparison.Ordinal);
            Assert.DoesNotContain("temperature", r.Body, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Contains("Please hold. <short pause> Someone will be with you shortly.",
            _emulator.RequestsTo("gemini").Select(r => (string?)JsonNode.Parse(r.Body)!["contents"]![0]!["parts"]![0]!["text"]));

        BuildComparison comparison = result.Comparison!;
        Assert.Equal(3, comparison.Prompts.Count);
        Assert.Equal(3, comparison.KeysChanged);
        Assert.All(comparison.Prompts, p => Assert.Equal(("gemini-3.1-flash-tts", "gemini-3.8-flash-lite-tts"), (p.BaselineModel, p.CandidateModel)));
        PromptComparison hold = Assert.Single(comparison.Prompts, p => p.Id == "hold");
        Assert.True(hold.TextChanged);
        Assert.Equal(baseline.Manifest.Find("en-US", "hold")!.DurationSeconds, hold.BaselineDurationSeconds);
        Assert.Equal(hold.CandidateDurationSeconds - hold.BaselineDurationSeconds, hold.DeltaSeconds, 9);

        string markdown = await File.ReadAllTextAsync(Path.Combine(migrated, BuildComparison.MarkdownFileName));
        Assert.Contains("| en-US/hold |", markdown, StringComparison.Ordinal);
        Assert.Contains("gemini-3.1-flash-tts → gemini-3.8-flash-lite-tts", markdown, StringComparison.Ordinal);
        JsonNode json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(migrated, BuildComparison.JsonFileName)))!;
        Assert.Equal(3, json["prompts"]!.AsArray().Count);
        Assert.Equal(host.Output, (string?)json["baseline"]);
        // The baseline output is untouched.
        Assert.Equal(baseline.Manifest.Prompts.Select(p => p.Key), BuildManifest.Read(host.Output)!.Prompts.Select(p => p.Key));
    }

    [Fact]
    public async Task Plan_OnlyProviderNotConfigured_IsRefusedNamingTheConfiguredRoutes()
    {
        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.WithEmulator(_emulator, routes: "gemini");

        LibraryBuildException error = Assert.Throws<LibraryBuildException>(() => host.Builder.Plan(TestLibraries.Load(source), host.Options() with { OnlyProvider = "pixazo" }));

        Assert.Contains("'pixazo' is not configured", error.Message, StringComparison.Ordinal);
        Assert.Contains("gemini", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_GeminiRouteConfigured_KeepsTheLibrarysModel()
    {
        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.WithEmulator(_emulator, routes: "gemini");

        LibraryBuildPlan plan = host.Builder.Plan(TestLibraries.Load(source), host.Options());

        Assert.All(plan.Prompts, p => Assert.Equal(("gemini-3.1-flash-tts", 1.0, null), (p.Spec.Model, p.Spec.Temperature, p.FallbackFrom)));
    }
}
