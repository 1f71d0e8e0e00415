using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IvrVoice.Testing;

namespace IvrVoice.Cli.Tests;

/// <summary>
/// The two installable forms of <c>ivrvoice</c>, as <c>scripts/publish-cli.sh</c> makes them (scripts/test.sh runs it
/// first and names the folder in IVRVOICE_TEST_ARTIFACTS): the Native AOT binary, and the .NET tool installed with
/// <c>dotnet tool install</c>. Each transcodes an MP3 and a WAV, says a sentence offline and builds the sample library.
/// </summary>
public sealed partial class InstalledCliTests
{
    private static readonly Lazy<string> ToolPath = new(InstallTool);

    [SkippableTheory]
    [InlineData("native")]
    [InlineData("tool")]
    public async Task InstalledCli_TranscodeSayBuild_WorkAsTheReadmeShows(string form)
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        ExternalTools.Require(ExternalTools.EspeakNg);
        string ivrvoice = form == "native" ? NativePath() : ToolPath.Value;
        using TempDirectory folder = new();
        ExternalTools.RunFfmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=24000:duration=1", "-c:a", "libmp3lame", "-b:a", "48k", folder.File("speech.mp3")).EnsureSuccess();
        ExternalTools.RunFfmpeg("-f", "lavfi", "-i", "sine=frequency=300:sample_rate=24000:duration=1", folder.File("speech.wav")).EnsureSuccess();

        (int aboutExit, string about, _) = await RunAsync(ivrvoice, folder.Path, "about");
        Assert.Equal(0, aboutExit);
        Assert.Contains(form == "native" ? "native (AOT" : ".NET tool (JIT)", about, StringComparison.Ordinal);

        (int mp3Exit, _, string mp3Error) = await RunAsync(ivrvoice, folder.Path, "transcode", "speech.mp3", "prompt.wav", "--no-master");
        Assert.True(mp3Exit == 0, mp3Error);
        Assert.Equal("8000", ExternalTools.ProbeStream(folder.File("prompt.wav"))["duration_ts"]);
        (int wavExit, _, string wavError) = await RunAsync(ivrvoice, folder.Path, "transcode", "speech.wav", "prompt.ulaw");
        Assert.True(wavExit == 0, wavError);
        Assert.True(new FileInfo(folder.File("prompt.ulaw")).Length > 4000);

        (int sayExit, _, string sayError) = await RunAsync(ivrvoice, folder.Path, "say", "Thank you for calling.", "--voice", "Kore", "--out", "hello.wav");
        Assert.True(sayExit == 0, sayError);
        Assert.Equal("pcm_mulaw", ExternalTools.ProbeStream(folder.File("hello.wav"))["codec_name"]);

        BuildTestHost.CopyLibrary(BuildTestHost.SampleLibrary, folder.File("prompts"));
        (int buildExit, string build, string buildError) = await RunAsync(ivrvoice, folder.Path, "build", "prompts/", "--out", "dist/");
        Assert.True(buildExit == 0, buildError);
        Assert.Contains("Built Northwind Dental into dist/:", build, StringComparison.Ordinal);
        Assert.Contains(" 0 reused, 0 failed", build, StringComparison.Ordinal);
        JsonNode manifest = JsonNode.Parse(await File.ReadAllTextAsync(folder.File("dist/manifest.json")))!;
        Assert.True(manifest["prompts"]!.AsArray().Count >= 30, manifest.ToJsonString());
        Assert.NotEmpty(Directory.GetFiles(folder.File("dist/asterisk/sounds/en_US"), "*.ulaw"));
    }

    /// <summary>
    /// The native launcher brings in its zero-filled data (.bss, and the type data the runtime unpacks) in one call before
    /// the runtime starts, and a prompt-sized transcode takes its working memory from one mapping on a 2 MiB boundary,
    /// populated at once (docs/audio.md, "Speed and memory as a whole process"): the calls as strace sees them, and the file still right.
    /// </summary>
    [SkippableFact]
    public void NativeLauncher_PromptTranscode_PopulatesZeroDataAndScratchInOneCallEach()
    {
        ExternalTools.Require(ExternalTools.Strace, ExternalTools.Ffmpeg);
        Skip.If(Environment.OSVersion.Version < new Version(5, 14), "MADV_POPULATE_WRITE came in Linux 5.14; before it the pages fault in as before");
        using TempDirectory folder = new();
        // Five seconds at 24 kHz: 240 KB, read in chunks and mastered in memory (the path a library's prompts take).
        ExternalTools.RunFfmpeg("-f", "lavfi", "-i", "sine=frequency=300:sample_rate=24000:duration=5", folder.File("speech.wav")).EnsureSuccess();

        ToolResult traced = ExternalTools.Run(ExternalTools.Strace, ["-e", "trace=madvise", "-o", folder.File("trace.txt"),
            NativePath(), "transcode", folder.File("speech.wav"), folder.File("prompt.wav")]);

        Assert.True(traced.Succeeded, traced.StandardOutput + traced.StandardError);
        IReadOnlyDictionary<string, string> stream = ExternalTools.ProbeStream(folder.File("prompt.wav"));
        Assert.Equal(("pcm_mulaw", "8000"), (stream["codec_name"], stream["sample_rate"]));
        // The tone throughout, so nothing is trimmed: 5 s, plus up to the default 150 ms pad of silence at each end.
        Assert.InRange(int.Parse(stream["duration_ts"], System.Globalization.CultureInfo.InvariantCulture), 40_000, 40_000 + (2 * 1200));
        List<(ulong Address, ulong Length, string Advice, string Result)> calls = [.. File.ReadLines(folder.File("trace.txt"))
            .Select(line => MadviseCall().Match(line)).Where(m => m.Success)
            .Select(m => (Convert.ToUInt64(m.Groups[1].Value, 16), ulong.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                Advice(m.Groups[3].Value), m.Groups[4].Value))];
        const string accepted = "0";

        // First of all, before the runtime reserves its heaps: huge pages asked for, then the same range populated.
        Assert.True(calls.Count >= 4, string.Join('\n', calls));
        Assert.Equal(("MADV_HUGEPAGE", "MADV_POPULATE_WRITE"), (calls[0].Advice, calls[1].Advice));
        Assert.Equal((calls[0].Address, calls[0].Length), (calls[1].Address, calls[1].Length));
        Assert.Equal(accepted, calls[1].Result);
        Assert.Equal(0UL, calls[1].Address % 4096);

        // Later, the transcode's scratch: a huge-page-aligned mapping, asked for huge pages, populated from its start.
        int scratch = calls.FindIndex(2, c => c.Advice == "MADV_HUGEPAGE");
        Assert.True(scratch > 0 && scratch + 1 < calls.Count, string.Join('\n', calls));
        Assert.Equal(0UL, calls[scratch].Address % (2 << 20));
        Assert.Equal(("MADV_POPULATE_WRITE", calls[scratch].Address, accepted), (calls[scratch + 1].Advice, calls[scratch + 1].Address, calls[scratch + 1].Result));
        Assert.InRange(calls[scratch + 1].Length, 200_000UL, calls[scratch].Length);   // 5 s: the signal with its pads and the file
    }

    // An strace older than the kernel prints an advice it has no name for as a number.
    [GeneratedRegex(@"^madvise\((0x[0-9a-f]+), (\d+), (MADV_[A-Z_]+|0x[0-9a-f]+)[^)]*\) = (\S+)")]
    private static partial Regex MadviseCall();

    private static string Advice(string printed) => printed switch
    {
        "0xe" => "MADV_HUGEPAGE",
        "0x17" => "MADV_POPULATE_WRITE",
        _ => printed,
    };

    private static string Artifacts()
    {
        string? folder = Environment.GetEnvironmentVariable("IVRVOICE_TEST_ARTIFACTS");
        Assert.True(!string.IsNullOrEmpty(folder) && Directory.Exists(folder),
            "IVRVOICE_TEST_ARTIFACTS must name the output of `bash scripts/publish-cli.sh DIR` (scripts/test.sh sets it)");
        return folder!;
    }

    private static string NativePath()
    {
        string path = Path.Combine(Artifacts(), "native", "ivrvoice");
        Assert.True(File.Exists(path), $"no native binary at {path}: run bash scripts/publish-cli.sh");
        return path;
    }

    private static string InstallTool()
    {
        string source = Path.Combine(Artifacts(), "tool");
        Assert.True(Directory.Exists(source) && Directory.GetFiles(source, "ivrvoice.*.nupkg").Length == 1, $"no tool package in {source}: run bash scripts/publish-cli.sh");
        string toolPath = Directory.CreateTempSubdirectory("ivrvoice-tool-").FullName;
        ToolResult install = ExternalTools.Run("dotnet", ["tool", "install", "--tool-path", toolPath, "--add-source", source, "ivrvoice"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(install.Succeeded, install.StandardOutput + install.StandardError);
        return Path.Combine(toolPath, "ivrvoice");
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string executable, string workingDirectory, params string[] arguments)
    {
        ProcessStartInfo start = new(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only the embedded defaults: no provider keys, cache or log settings from the machine running the tests.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("Providers__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Cache__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Serilog__", StringComparison.OrdinalIgnoreCase)
            || k == "IVRVOICE_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', arguments)} did not finish in four minutes");
        }

        return (process.ExitCode, await output, await error);
    }
}
