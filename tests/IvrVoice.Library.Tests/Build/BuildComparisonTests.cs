using IvrVoice.Caching;
using IvrVoice.Library.Build;

namespace IvrVoice.Library.Tests.Build;

/// <summary>The comparison between two builds' manifests, and its review document.</summary>
public sealed class BuildComparisonTests
{
    [Fact]
    public void Create_TwoManifests_MatchesPromptsByLanguageAndIdAndListsTheRest()
    {
        BuildManifest before = Manifest(Prompt("en-US", "welcome", 'a', 2.0), Prompt("en-US", "hold", 'b', 3.0), Prompt("es-US", "welcome", 'c', 2.5));
        BuildManifest after = Manifest(Prompt("en-US", "welcome", 'a', 2.0), Prompt("en-US", "hold", 'd', 3.75, "gemini-3.8-flash-tts"), Prompt("en-US", "goodbye", 'e', 1.0));

        BuildComparison comparison = BuildComparison.Create(before, after, "dist", "dist-3.8");

        Assert.Equal(["en-US/welcome", "en-US/hold"], comparison.Prompts.Select(p => $"{p.Language}/{p.Id}"));
        Assert.Equal((1, 1), (comparison.KeysChanged, comparison.AudioChanged));
        PromptComparison hold = comparison.Prompts[1];
        Assert.Equal((true, true, 0.75), (hold.KeyChanged, hold.AudioChanged, hold.DeltaSeconds));
        Assert.Equal(["en-US/goodbye"], comparison.Added);
        Assert.Equal(["es-US/welcome"], comparison.Removed);

        string markdown = comparison.ToMarkdown();
        Assert.StartsWith("# Build comparison: dist-3.8 against dist\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- Largest change: en-US/hold, +0.75 s.", markdown, StringComparison.Ordinal);
        Assert.Contains("- Total duration 5.00 s → 5.75 s (+0.75 s, +15.00 %).", markdown, StringComparison.Ordinal);
        Assert.Contains("| en-US/hold | changed | 3.00 → 3.75 | +0.75 | espeak | espeak-ng → gemini-3.8-flash-tts | Kore |", markdown, StringComparison.Ordinal);
        Assert.Contains("| en-US/welcome | same | 2.00 → 2.00 | 0.00 |", markdown, StringComparison.Ordinal);
        Assert.Contains("## Added\n\n- en-US/goodbye\n", markdown, StringComparison.Ordinal);
        Assert.Contains("## Removed\n\n- es-US/welcome\n", markdown, StringComparison.Ordinal);
    }

    private static BuildManifest Manifest(params ManifestPrompt[] prompts) => new()
    {
        Build = new BuildInfo { Tool = "test", Exports = ["twilio"] },
        Prompts = prompts,
    };

    private static ManifestPrompt Prompt(string language, string id, char audio, double seconds, string model = "espeak-ng") => new()
    {
        Id = id,
        Language = language,
        Text = "Text of " + id,
        // Keys stand for the spec; here a prompt keeps its key unless the test changes its model.
        Key = PromptKey.FromSha256(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{language}/{id}/{model}"))),
        Voice = "Kore",
        Model = model,
        Provider = "espeak",
        DurationSeconds = seconds,
        Sha256 = new string(audio, 64),
        ExportSource = "mastered",
        Files = new Dictionary<string, ManifestFile>(),
    };
}
