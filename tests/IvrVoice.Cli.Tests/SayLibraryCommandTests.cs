using IvrVoice.Testing;

namespace IvrVoice.Cli.Tests;

/// <summary><c>ivrvoice say --library</c>, run as the real program offline: a template rendered whole before a build, joined after it, and bad values.</summary>
public sealed class SayLibraryCommandTests
{
    private const int Usage = 2;
    private const int InvalidInput = 3;
    private static readonly Dictionary<string, string?> NoKeys = new();

    private static void WriteLibrary(TempDirectory folder)
    {
        Directory.CreateDirectory(folder.File("prompts"));
        File.WriteAllText(folder.File("prompts/en-US.yaml"), """
            defaults:
              language: en-US
              voice: Kore
            prompts:
              - id: welcome
                text: Thank you for calling.
              - id: code
                text: Your confirmation code is {code:spell}.
            """);
    }

    private static void RequireTools() => ExternalTools.Require(ExternalTools.EspeakNg, ExternalTools.Sox);

    private static void AssertTelephoneWav(string path)
    {
        IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(path);
        Assert.Equal("8000", info["Sample Rate"]);
        Assert.Equal("1", info["Channels"]);
        Assert.Contains("u-law", info["Sample Encoding"], StringComparison.OrdinalIgnoreCase);
        Assert.True(ExternalTools.SoxStat(path)["Maximum amplitude"] > 0.05);
    }

    [SkippableFact]
    public async Task SayLibrary_TemplateBeforeAndAfterBuild_RenderedWholeThenJoinedWithTheWordsPrinted()
    {
        RequireTools();
        using TempDirectory folder = new();
        WriteLibrary(folder);
        // Letters are said as capitals, digits as words, each its own phrase (docs/library.md, "spell").
        const string Spoken = "Spoken: Your confirmation code is N, W, four, K, seven, Q.";

        CliRun before = await CliProcess.RunAsync(folder.Path, NoKeys, "say", "--library", "prompts", "--prompt", "code", "--value", "code=NW4K7Q", "--out", "before.wav");

        Assert.True(before.ExitCode == 0, before.StandardError);
        Assert.Contains(Spoken, before.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("the whole sentence rendered by espeak", before.StandardOutput, StringComparison.Ordinal);
        AssertTelephoneWav(folder.File("before.wav"));

        CliRun build = await CliProcess.RunAsync(folder.Path, NoKeys, "build", "prompts", "--out", "dist");
        Assert.True(build.ExitCode == 0, build.StandardError);
        Assert.Matches(@"1 template\(s\): \d+ pieces rendered, 0 reused, 0 failed;", build.StandardOutput);

        CliRun after = await CliProcess.RunAsync(folder.Path, NoKeys, "say", "--library", "prompts", "--prompt", "code", "--value", "code=NW4K7Q", "--out", "after.wav");

        Assert.True(after.ExitCode == 0, after.StandardError);
        Assert.Contains(Spoken, after.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("joined from pre-rendered pieces", after.StandardOutput, StringComparison.Ordinal);
        AssertTelephoneWav(folder.File("after.wav"));
        Assert.Equal("8000", ExternalTools.ProbeStream(folder.File("after.wav"))["sample_rate"]);

        // A plain prompt of the library is said as it is.
        CliRun plain = await CliProcess.RunAsync(folder.Path, NoKeys, "say", "--library", "prompts", "--prompt", "welcome", "--out", "welcome.wav");
        Assert.True(plain.ExitCode == 0, plain.StandardError);
        Assert.Contains("Spoken: Thank you for calling.", plain.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(InvalidInput, "Value 'code'", "--value", "code=AB!7")]
    [InlineData(InvalidInput, "Value 'colour': is not a value of this template", "--value", "colour=red")]
    [InlineData(InvalidInput, "Value 'code': is missing")]
    [InlineData(Usage, "--value must be name=value", "--value", "code")]
    [InlineData(Usage, "value 'code' is given twice", "--value", "code=A1", "--value", "code=B2")]
    public async Task SayLibrary_BadValues_ExitNonZeroNamingTheValueAndWriteNothing(int exitCode, string message, params string[] values)
    {
        using TempDirectory folder = new();
        WriteLibrary(folder);

        CliRun run = await CliProcess.RunAsync(folder.Path, NoKeys, ["say", "--library", "prompts", "--prompt", "code", .. values, "--out", "bad.wav"]);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("bad.wav")));
    }

    [Theory]
    [InlineData(InvalidInput, "the library has no prompt 'nope'", "--prompt", "nope")]
    [InlineData(InvalidInput, "prompt 'code' is not in es-US; it is in en-US", "--prompt", "code", "--language", "es-US")]
    [InlineData(Usage, "prompt 'welcome' has no placeholders, so it takes no --value", "--prompt", "welcome", "--value", "code=A1")]
    public async Task SayLibrary_WrongPromptOrLanguage_ExitsWithTheReason(int exitCode, string message, params string[] arguments)
    {
        using TempDirectory folder = new();
        WriteLibrary(folder);

        CliRun run = await CliProcess.RunAsync(folder.Path, NoKeys, ["say", "--library", "prompts", .. arguments, "--out", "bad.wav"]);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
    }
}
