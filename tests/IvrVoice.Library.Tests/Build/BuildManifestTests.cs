using IvrVoice.Library.Build;
using IvrVoice.Testing;

namespace IvrVoice.Library.Tests.Build;

/// <summary>Reading manifest.json: builds delete and overwrite the files it names, so a bad one is refused, never followed.</summary>
public sealed class BuildManifestTests
{
    private const string Key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Read_NoManifest_ReturnsNull()
    {
        using TempDirectory output = new();

        Assert.Null(BuildManifest.Read(output.Path));
    }

    [Fact]
    public void Read_ValidManifest_ReadsEveryField()
    {
        using TempDirectory output = new();
        File.WriteAllText(output.File(BuildManifest.FileName), Manifest("twilio/en-US/welcome.wav"));

        BuildManifest manifest = BuildManifest.Read(output.Path)!;

        ManifestPrompt prompt = Assert.Single(manifest.Prompts);
        Assert.Equal(("welcome", "en-US", Key, "espeak", 1.5), (prompt.Id, prompt.Language, prompt.Key.ToString(), prompt.Provider, prompt.DurationSeconds));
        Assert.Equal("twilio/en-US/welcome.wav", prompt.Files["twilio"].Path);
        Assert.Equal(["twilio"], manifest.Build.Exports);
    }

    [Theory]
    [InlineData("../outside.wav")]
    [InlineData("/etc/passwd")]
    [InlineData("twilio/../../outside.wav")]
    [InlineData("twilio\\\\en-US\\\\welcome.wav")]
    [InlineData("")]
    public void Read_FilePathLeavesTheOutput_IsRefused(string path)
    {
        using TempDirectory output = new();
        File.WriteAllText(output.File(BuildManifest.FileName), Manifest(path));

        ManifestException error = Assert.Throws<ManifestException>(() => BuildManifest.Read(output.Path));

        Assert.Contains("invalid id, language or file path", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "not valid manifest JSON")]
    [InlineData("null", "holds no build")]
    [InlineData("""{ "format": 2, "build": { "tool": "x", "exports": [] }, "prompts": [] }""", "its format is 2")]
    public void Read_NotAManifest_SaysWhy(string text, string reason)
    {
        using TempDirectory output = new();
        File.WriteAllText(output.File(BuildManifest.FileName), text);

        ManifestException error = Assert.Throws<ManifestException>(() => BuildManifest.Read(output.Path));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(output.File(BuildManifest.FileName), error.Path);
    }

    [Fact]
    public void Read_KeyThatIsNotAPromptKey_IsRefused()
    {
        using TempDirectory output = new();
        File.WriteAllText(output.File(BuildManifest.FileName), Manifest("twilio/en-US/welcome.wav").Replace(Key, "../../etc", StringComparison.Ordinal));

        Assert.Throws<ManifestException>(() => BuildManifest.Read(output.Path));
    }

    private static string Manifest(string path) => $$"""
        {
          "format": 1,
          "build": { "tool": "ivrvoice test", "exports": ["twilio"], "startedAt": "2026-01-01T00:00:00+00:00" },
          "prompts": [
            {
              "id": "welcome", "language": "en-US", "text": "Welcome.", "key": "{{Key}}", "voice": "Kore",
              "model": "espeak-ng", "provider": "espeak", "durationSeconds": 1.5, "sha256": "{{new string('a', 64)}}",
              "exportSource": "mastered",
              "files": { "twilio": { "path": "{{path}}", "sha256": "{{new string('a', 64)}}", "bytes": 10 } }
            }
          ]
        }
        """;
}
