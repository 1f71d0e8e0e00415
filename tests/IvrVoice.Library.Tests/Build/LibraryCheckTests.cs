using IvrVoice.Library.Build;
using IvrVoice.Testing;

namespace IvrVoice.Library.Tests.Build;

/// <summary><see cref="PromptLibraryBuilder.CheckAsync"/>: what CI runs to fail a change that forgot to rebuild the library.</summary>
public sealed class LibraryCheckTests
{
    [SkippableFact]
    public async Task CheckAsync_NothingBuilt_EveryPromptIsStale()
    {
        using TempLibrary source = TestLibraries.Small();
        using TempDirectory output = new();

        LibraryCheckResult result = await PromptLibraryBuilder.CheckAsync(TestLibraries.Load(source), new LibraryBuildOptions { OutputFolder = output.Path }, CancellationToken.None);

        Assert.False(result.IsUpToDate);
        Assert.Equal(3, result.Stale.Count);
        Assert.All(result.Stale, s => Assert.StartsWith("not built", s.Reason, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task CheckAsync_AfterAnOfflineBuild_IsUpToDateAlthoughTheLibraryNamesGemini()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);
        await host.BuildAsync(library);

        LibraryCheckResult result = await PromptLibraryBuilder.CheckAsync(library, host.Options(), CancellationToken.None);

        Assert.True(result.IsUpToDate, string.Join('\n', result.Stale));
        Assert.Equal(3, result.Checked);
    }

    [SkippableFact]
    public async Task CheckAsync_TextVoiceFileAndDeletion_EachReportedWithItsReason()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        LibraryBuildResult built = await host.BuildAsync(TestLibraries.Load(source));
        source.Write("en-US.yaml", """
            defaults:
              language: en-US
              voice: Kore
            prompts:
              - id: welcome
                text: Thank you for calling Northwind Dental today.
              - id: hold
                voice: Puck
                text: Please hold. [short pause] Someone will be with you shortly.
              - id: goodbye
                text: Goodbye.
            """);
        ManifestPrompt spanish = built.Manifest.Find("es-US", "welcome")!;
        File.Delete(Path.Combine(host.Output, spanish.Files["asterisk-alaw"].Path));

        LibraryCheckResult result = await PromptLibraryBuilder.CheckAsync(TestLibraries.Load(source), host.Options(), CancellationToken.None);

        Assert.Equal(
            [
                "en-US/welcome: text changed",
                "en-US/hold: voice changed (Kore → Puck)",
                "en-US/goodbye: not built",
                "es-US/welcome: asterisk/sounds/es_US/welcome.alaw is missing",
            ],
            result.Stale.Select(s => s.ToString()));
    }

    [SkippableFact]
    public async Task CheckAsync_FileModifiedOrPromptRemoved_IsStale()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        LibraryBuildResult built = await host.BuildAsync(TestLibraries.Load(source));
        await File.AppendAllTextAsync(Path.Combine(host.Output, built.Manifest.Find("en-US", "hold")!.Files["freeswitch"].Path), "x");
        File.Delete(Path.Combine(source.Folder, "es-US.yaml"));

        LibraryCheckResult result = await PromptLibraryBuilder.CheckAsync(TestLibraries.Load(source), host.Options(), CancellationToken.None);

        Assert.Equal(["en-US/hold: freeswitch/en-US/8000/hold.wav was modified (freeswitch)", "es-US/welcome: no longer in the library"], result.Stale.Select(s => s.ToString()));
    }

    [SkippableFact]
    public async Task CheckAsync_ExportNotBuiltButRequired_IsStale()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);
        await host.BuildAsync(library, host.Options() with { Exports = ExportTargets.Twilio });

        LibraryCheckResult asBuilt = await PromptLibraryBuilder.CheckAsync(library, host.Options(), CancellationToken.None);
        LibraryCheckResult withAsterisk = await PromptLibraryBuilder.CheckAsync(library, host.Options() with { Exports = ExportTargets.Twilio | ExportTargets.Asterisk }, CancellationToken.None);

        Assert.True(asBuilt.IsUpToDate);
        Assert.Equal(3, withAsterisk.Stale.Count);
        Assert.All(withAsterisk.Stale, s => Assert.Equal("no asterisk-ulaw file", s.Reason));
    }

    [SkippableFact]
    public async Task CheckAsync_MigrationOutput_IsCheckedAgainstTheOverrideModel()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);
        await host.BuildAsync(library, host.Options() with { Model = "espeak-ng" });

        LibraryCheckResult migrated = await PromptLibraryBuilder.CheckAsync(library, host.Options() with { Model = "espeak-ng" }, CancellationToken.None);
        LibraryCheckResult asWritten = await PromptLibraryBuilder.CheckAsync(library, host.Options(), CancellationToken.None);

        Assert.True(migrated.IsUpToDate, string.Join('\n', migrated.Stale));
        Assert.Equal(3, asWritten.Stale.Count);
    }
}
