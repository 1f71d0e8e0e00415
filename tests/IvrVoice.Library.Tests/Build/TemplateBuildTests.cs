using IvrVoice.Caching;
using IvrVoice.Library.Build;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Testing;

namespace IvrVoice.Library.Tests.Build;

/// <summary>Builds of libraries with templates: every planned piece rendered once and pinned, reused after, and checked by --check.</summary>
public sealed class TemplateBuildTests
{
    private static TempLibrary WithTemplate(string code = "Your confirmation code is {code:spell}.", string strategy = "auto") => new(
        ("library.yaml", "library:\n  name: Test Dental\n  defaults:\n    model: gemini-3.1-flash-tts\n"),
        ("en-US.yaml", $"""
            defaults:
              language: en-US
              voice: Kore
            prompts:
              - id: welcome
                text: Thank you for calling.
              - id: code
                text: {code}
                strategy: {strategy}
            """));

    private static void RequireEspeak() => ExternalTools.Require(ExternalTools.EspeakNg);

    [Fact]
    public void Plan_Template_PlansItsFixedPartAndItsLanguagesVocabularyNotAFile()
    {
        using TempLibrary source = WithTemplate();
        LibraryBuildPlan plan = BuildPlanner.Create(TestLibraries.Load(source), new LibraryBuildOptions { OutputFolder = "dist" }, isServed: _ => false);

        Assert.Equal(["en-US/welcome"], plan.Prompts.Select(p => p.ToString()));
        PlannedTemplate template = Assert.Single(plan.Templates);
        Assert.Equal("espeak-ng", template.BaseSpec.Model);
        Assert.Equal("gemini-3.1-flash-tts", template.FallbackFrom);
        string[] texts = [.. template.Pieces.Select(p => p.Spec.Text)];
        Assert.Contains("Your confirmation code is", texts);
        Assert.Contains("A", texts);
        Assert.Contains("Z.", texts);      // the sentence-final variant of a letter
        Assert.Contains("nine", texts);
        Assert.All(template.Pieces, p => Assert.Equal(template.BaseSpec with { Text = p.Spec.Text }, p.Spec));
        Assert.Equal(plan.Pieces.Count, plan.Pieces.Select(p => p.Key).Distinct().Count());
    }

    [Theory]
    [InlineData("Your code is {code:spell}.", "render")]
    [InlineData("\"A message from {sender}, code {code:spell}.\"", "auto")]
    public void Plan_RenderStrategyOrFreeTextValue_HasNoPieces(string text, string strategy)
    {
        using TempLibrary source = WithTemplate(text, strategy);
        LibraryBuildPlan plan = BuildPlanner.Create(TestLibraries.Load(source), new LibraryBuildOptions { OutputFolder = "dist" }, isServed: null);

        Assert.Empty(Assert.Single(plan.Templates).Pieces);
        Assert.Empty(plan.Pieces);
    }

    [SkippableFact]
    public async Task BuildAsync_Template_RendersEveryPiecePinnedThenReusesThemAndTheRuntimeFindsEveryJoinStep()
    {
        RequireEspeak();
        using TempLibrary source = WithTemplate();
        PromptLibrary library = TestLibraries.Load(source);
        using TempDirectory folder = new("ivrvoice-build-test-");
        LibraryBuildPlan plan;
        await using (BuildHost first = BuildHost.Offline(folder))
        {
            plan = first.Builder.Plan(library, first.Options());
            LibraryBuildResult result = await first.BuildAsync(library);

            Assert.True(result.Succeeded, string.Join('\n', result.PieceFailures));
            Assert.Equal((1, 0), (result.Rendered, result.Reused));
            Assert.Equal((plan.Pieces.Count, 0), (result.PiecesRendered, result.PiecesReused));
            Assert.True(plan.Pieces.Count > 40, $"{plan.Pieces.Count} pieces");
            foreach (PlannedPiece piece in plan.Pieces)
            {
                PromptMetadata? stored = await first.Cache.GetMetadataAsync(piece.Key, CancellationToken.None);
                Assert.True(stored is { Pinned: true }, $"{piece} is not pinned in the cache");
            }

            // The manifest lists the template and its pieces; the template has no export file.
            BuildManifest manifest = BuildManifest.Read(first.Output)!;
            ManifestTemplate entry = Assert.Single(manifest.Templates);
            Assert.Equal(("code", "en-US", "auto", plan.Pieces.Count), (entry.Id, entry.Language, entry.Strategy, entry.Pieces));
            Assert.Equal(["spell"], entry.ValueTypes);
            Assert.Equal(plan.Pieces.Select(p => p.Key.ToString()).Order(StringComparer.Ordinal), manifest.Pieces.Select(p => p.Key.ToString()).Order(StringComparer.Ordinal));
            Assert.Null(manifest.Find("en-US", "code"));
            Assert.False(File.Exists(Path.Combine(first.Output, "twilio", "en-US", "code.wav")));
            Assert.Equal(manifest.Prompts.Sum(p => p.DurationSeconds) + manifest.Pieces.Sum(p => p.DurationSeconds), manifest.Build.Totals!.AudioSeconds, 2);

            // What a call joins for a code is exactly what the build pinned.
            LibraryPrompt prompt = library.GetPrompt("en-US", "code");
            ComposedAnnouncement said = TemplateComposer.Compose(prompt.Template!, new Dictionary<string, string> { ["code"] = "NW4K7Q" }, "en-US", new DateOnly(2026, 12, 3));
            foreach (JoinStep step in TemplateAudioPlan.JoinSteps(said, Assert.Single(plan.Templates).BaseSpec))
            {
                Assert.NotNull(await first.Cache.TryGetAsync(PromptKeys.For(step.Spec), CacheMode.ReadOnly, CancellationToken.None));
            }
        }

        await using BuildHost second = BuildHost.Offline(folder);
        LibraryBuildResult again = await second.BuildAsync(library);

        Assert.True(again.Succeeded);
        Assert.Equal((0, 1), (again.Rendered, again.Reused));
        Assert.Equal((0, plan.Pieces.Count), (again.PiecesRendered, again.PiecesReused));
        Assert.True((await PromptLibraryBuilder.CheckAsync(library, second.Options(), CancellationToken.None)).IsUpToDate);
    }

    [SkippableFact]
    public async Task CheckAsync_TemplateNotBuiltOrChanged_IsStaleWithItsReason()
    {
        RequireEspeak();
        using TempLibrary source = WithTemplate("Your code is {code:digits}.");
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);

        LibraryCheckResult before = await PromptLibraryBuilder.CheckAsync(library, host.Options(), CancellationToken.None);
        Assert.Contains(before.Stale, s => s.ToString().StartsWith("en-US/code: not built", StringComparison.Ordinal));
        Assert.Equal((1, 1), (before.Checked, before.TemplatesChecked));

        Assert.True((await host.BuildAsync(library)).Succeeded);
        Assert.True((await PromptLibraryBuilder.CheckAsync(library, host.Options(), CancellationToken.None)).IsUpToDate);

        // A new fixed part is a piece the output does not have; a new type brings its vocabulary.
        source.Write("en-US.yaml", """
            defaults: { language: en-US, voice: Kore }
            prompts:
              - { id: welcome, text: Thank you for calling. }
              - { id: code, text: "Your new code is {code:digits}, valid until {until:time}." }
            """);
        LibraryCheckResult after = await PromptLibraryBuilder.CheckAsync(TestLibraries.Load(source), host.Options(), CancellationToken.None);
        StalePrompt stale = Assert.Single(after.Stale);
        Assert.Equal("en-US/code", $"{stale.Language}/{stale.Id}");
        Assert.Matches(@"^\d+ of \d+ template pieces not built$", stale.Reason);

        // Removed from the library: its record is stale until the next build drops it.
        source.Write("en-US.yaml", "defaults: { language: en-US, voice: Kore }\nprompts:\n  - { id: welcome, text: Thank you for calling. }\n");
        LibraryCheckResult removed = await PromptLibraryBuilder.CheckAsync(TestLibraries.Load(source), host.Options(), CancellationToken.None);
        Assert.Equal(["en-US/code: template no longer in the library"], removed.Stale.Select(s => s.ToString()));
        LibraryBuildResult rebuilt = await host.BuildAsync(TestLibraries.Load(source));
        Assert.Empty(rebuilt.Manifest.Templates);
        Assert.Empty(rebuilt.Manifest.Pieces);
    }
}
