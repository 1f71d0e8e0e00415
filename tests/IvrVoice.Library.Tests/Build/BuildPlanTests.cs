using IvrVoice.Library.Build;
using IvrVoice.Prompts;

namespace IvrVoice.Library.Tests.Build;

/// <summary>How a build chooses each prompt's model: its own, the fallback when no route serves it, or a migration's override.</summary>
public sealed class BuildPlanTests
{
    private static LibraryBuildOptions Options => new() { OutputFolder = "dist" };

    [Fact]
    public void Create_ModelNotServed_FallsBackWithoutTemperatureAndRecordsTheOriginalModel()
    {
        using TempLibrary source = TestLibraries.Small();
        PromptLibrary library = TestLibraries.Load(source);

        LibraryBuildPlan plan = BuildPlanner.Create(library, Options, isServed: model => model == "espeak-ng");

        PlannedPrompt hold = Assert.Single(plan.Prompts, p => p.Id == "hold");
        Assert.Equal(("espeak-ng", null, "gemini-3.1-flash-tts"), (hold.Spec.Model, hold.Spec.Temperature, hold.FallbackFrom));
        // Like the web app's flow prompts: the text is kept as written, so both compute the same key.
        Assert.Equal(library.GetPrompt("en-US", "hold").Text, hold.Spec.Text);
        Assert.Equal(PromptKeys.For(hold.Spec), hold.Key);
        Assert.NotEqual(PromptKeys.For(library.GetPrompt("en-US", "hold").Spec), hold.Key);
    }

    [Fact]
    public void Create_FallbackTurnedOff_KeepsTheModelEvenWhenNoRouteServesIt()
    {
        using TempLibrary source = TestLibraries.Small();

        LibraryBuildPlan plan = BuildPlanner.Create(TestLibraries.Load(source), Options with { FallbackModel = null }, isServed: _ => false);

        Assert.All(plan.Prompts, p => Assert.Equal(("gemini-3.1-flash-tts", null), (p.Spec.Model, p.FallbackFrom)));
    }

    [Fact]
    public void Create_ModelOverride_TranslatesTagsAndDropsTheTemperatureTheModelRejects()
    {
        using TempLibrary source = TestLibraries.Small();
        PromptLibrary library = TestLibraries.Load(source);

        LibraryBuildPlan plan = BuildPlanner.Create(library, Options with { Model = "gemini-3.8-flash-tts" }, isServed: _ => false);

        Assert.Empty(plan.Problems);
        PlannedPrompt hold = Assert.Single(plan.Prompts, p => p.Id == "hold");
        Assert.Equal("Please hold. <short pause> Someone will be with you shortly.", hold.Spec.Text);
        Assert.Equal(("gemini-3.8-flash-tts", null, null), (hold.Spec.Model, hold.Spec.Temperature, hold.FallbackFrom));
        Assert.Equal(library.GetPrompt("en-US", "hold").Style, hold.Spec.Style);
        Assert.Equal(library.GetPrompt("en-US", "hold").Voice, hold.Spec.Voice);
    }

    [Fact]
    public void Create_OverrideToTheOfflineEngine_RemovesTags()
    {
        using TempLibrary source = TestLibraries.Small();

        LibraryBuildPlan plan = BuildPlanner.Create(TestLibraries.Load(source), Options with { Model = "espeak-ng" }, isServed: _ => true);

        Assert.Equal("Please hold. Someone will be with you shortly.", Assert.Single(plan.Prompts, p => p.Id == "hold").Spec.Text);
    }

    [Fact]
    public void Create_OverrideModelLacksAVoice_ReportsThePromptWhereItIsWritten()
    {
        using TempLibrary source = new(("en-US.yaml", """
            defaults:
              language: en-US
              model: espeak-ng
            prompts:
              - id: welcome
                voice: en-gb+f3
                text: Welcome.
              - id: goodbye
                voice: Kore
                text: Goodbye.
            """));

        LibraryBuildPlan plan = BuildPlanner.Create(TestLibraries.Load(source), Options with { Model = "gemini-3.8-flash-lite-tts" }, isServed: _ => true);

        LibraryDiagnostic problem = Assert.Single(plan.Problems);
        Assert.Equal((5, DiagnosticSeverity.Error), (problem.Line, problem.Severity));
        Assert.EndsWith("en-US.yaml", problem.File, StringComparison.Ordinal);
        Assert.Contains("'welcome'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("no voice 'en-gb+f3'", problem.Message, StringComparison.Ordinal);
        Assert.Equal("goodbye", Assert.Single(plan.Prompts).Id);
    }

    [Fact]
    public void Create_LanguageFilter_PlansOnlyThoseLanguages()
    {
        using TempLibrary source = TestLibraries.Small();

        LibraryBuildPlan plan = BuildPlanner.Create(TestLibraries.Load(source), Options with { Languages = ["es-US"] }, isServed: _ => true);

        Assert.Equal(["es-US/welcome"], plan.Prompts.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Validate_ConcurrencyOutOfRange_NamesTheSetting(int concurrency)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => (Options with { Concurrency = concurrency }).Validate());

        Assert.Equal("Concurrency", error.ParamName);
    }

    [Fact]
    public void Validate_UnknownModel_ListsTheKnownModels()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => (Options with { Model = "gemini-9" }).Validate());

        Assert.Contains("gemini-3.8-flash-lite-tts", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("twilio", ExportTargets.Twilio)]
    [InlineData("Asterisk, freeswitch", ExportTargets.Asterisk | ExportTargets.FreeSwitch)]
    [InlineData("all", ExportTargets.All)]
    [InlineData("connect,twilio,connect", ExportTargets.Connect | ExportTargets.Twilio)]
    public void TryParse_ExportNames_ReadsTheTargets(string names, ExportTargets expected)
    {
        Assert.True(ExportTargetNames.TryParse(names, out ExportTargets targets, out _));
        Assert.Equal(expected, targets);
    }

    [Theory]
    [InlineData("twilio,genesys", "genesys")]
    [InlineData("", "")]
    public void TryParse_UnknownExport_NamesIt(string names, string unknown)
    {
        Assert.False(ExportTargetNames.TryParse(names, out _, out string? found));
        Assert.Equal(unknown, found);
    }
}
