using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using IvrVoice.Library;
using IvrVoice.Library.Build;
using IvrVoice.Prompts;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Testing;
using Xunit.Abstractions;

namespace IvrVoice.Server.Tests;

/// <summary>
/// The audition page in headless Chromium (Playwright, tests/interop/audition/audition.mjs) against the web app running as its
/// own process on 127.0.0.1, after the sample library was built into the app's cache: the table, play, a take with another
/// voice, a template spoken with values both joined and rendered, and a screenshot kept as a test artifact.
/// </summary>
public sealed class AuditionBrowserTests(ITestOutputHelper output)
{
    private static string Script => Path.Combine(RepositoryPaths.Interop, "audition", "audition.mjs");

    /// <summary>Chromium, Node with Playwright (tests/interop, npm ci) and espeak-ng, or the test fails (or skips) naming what is missing.</summary>
    private static void RequireBrowser()
    {
        ExternalTools.Require(ExternalTools.Chromium, ExternalTools.Node, ExternalTools.EspeakNg);
        if (!Directory.Exists(Path.Combine(RepositoryPaths.Interop, "node_modules", "playwright-core")))
        {
            ExternalTools.Missing("tests/interop/node_modules/playwright-core (run npm ci in tests/interop)");
        }
    }

    [SkippableFact]
    [Trait("Category", "Integration")]
    public async Task AuditionPage_InChromium_ListsTheLibraryPlaysAPromptAndRendersAnotherVoice()
    {
        RequireBrowser();

        using TempDirectory work = new("ivrvoice-audition-");
        string cache = Path.Combine(work.Path, "cache");
        LibraryBuildResult built = await BuildSampleAsync(cache, Path.Combine(work.Path, "dist"));
        await using ServiceProcess server = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Flows:Folder"] = RepositoryPaths.SamplePrompts,
            ["Cache:Disk:Path"] = cache,
            ["Cache:Disk:VerifyOnStart"] = "false",
            ["Twilio:RequestValidation"] = "Disabled",
            ["Service:UrlSigningKey"] = ServerHost.SigningKey,
        });
        string screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "audition.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);

        (int exitCode, JsonNode result, string errors) = await RunScriptAsync(server.Url, screenshot);

        output.WriteLine($"Screenshot: {screenshot}");
        Assert.True(exitCode == 0, $"{result["error"]}\n{errors}\n{server.Output}");
        Assert.Equal(200, (int)result["pageStatus"]!);
        Assert.Contains("script-src 'self'", (string?)result["contentSecurityPolicy"], StringComparison.Ordinal);
        Assert.Empty(result["pageErrors"]!.AsArray());
        Assert.Empty(result["consoleErrors"]!.AsArray());
        Assert.Equal(["Prompt", "Language", "Text", "Voice", "Duration", "Provider", "Listen", "Another voice"], result["headers"]!.AsArray().Select(h => (string)h!));
        int prompts = built.Manifest.Prompts.Count, templates = built.Manifest.Templates.Count;
        Assert.True(templates > 0, "the sample library has templates");
        double promptSeconds = built.Manifest.Prompts.Sum(p => Math.Round(p.DurationSeconds, 3));
        Assert.Equal($"{prompts} prompts, {prompts} rendered (" + promptSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)
            + $" s of audio); {templates} templates. Access: Loopback.", (string?)result["summary"]);

        // The table is the library, in its order, with what the build rendered: the web app looks prompts up under the build's keys.
        JsonArray rows = result["rows"]!.AsArray();
        Assert.Equal(prompts + templates, rows.Count);
        JsonNode mainMenu = rows.Single(r => (string?)r!["prompt"] == "en-US/main-menu")!;
        ManifestPrompt builtMainMenu = built.Manifest.Find("en-US", "main-menu")!;
        Assert.Equal(
            ["main-menu", "en-US", builtMainMenu.Text, "Kore", builtMainMenu.DurationSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " s", "espeak"],
            mainMenu["cells"]!.AsArray().Select(c => (string)c!));
        Assert.All(rows.Where(r => built.Manifest.Find(((string)r!["prompt"]!).Split('/')[0], ((string)r["prompt"]!).Split('/')[1]) is not null),
            r => Assert.True((bool)r!["playable"]!));
        Assert.True((int)result["waveformPixels"]! > 200);

        // Play: the preview WAV loaded into the audio element, as long as the prompt.
        Assert.Equal(builtMainMenu.DurationSeconds, (double)result["played"]!["duration"]!, 1);
        Assert.Null((int?)result["played"]!["error"]);
        Assert.Equal("❚❚", (string?)result["playButtonAfterClick"]);

        // Another voice: a new take, playable beside the original.
        Assert.StartsWith("Puck · espeak · ", (string?)result["takeLabel"], StringComparison.Ordinal);
        Assert.True((double)result["take"]!["duration"]! > 1);
        Assert.True((int)result["takeWaveformPixels"]! > 200);
        Assert.StartsWith("New take of en-US/main-menu with Puck", (string?)result["status"], StringComparison.Ordinal);

        // A template: a form for its values, then join (from the pieces the build rendered) and render side by side.
        Assert.Equal(["day", "start"], result["templateFields"]!.AsArray().Select(f => (string)f!));
        string spoken = (string)result["templateSpoken"]!;
        Assert.StartsWith("“This is Northwind Dental with a reminder. Your appointment is on ", spoken, StringComparison.Ordinal);
        Assert.Contains("December tenth", spoken, StringComparison.Ordinal);
        Assert.Contains("three oh five", spoken, StringComparison.Ordinal);
        Assert.Equal(["joined", "rendered"], result["templateVersions"]!.AsArray().Select(v => (string)v!["outcome"]!));
        Assert.True((double)result["templateJoin"]!["duration"]! > 2);
        Assert.True((double)result["templateRender"]!["duration"]! > 2);
        Assert.Contains("'day'", (string?)result["templateBadValue"], StringComparison.Ordinal);

        byte[] png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        Assert.True(png.Length > 20_000);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task AuditionPage_LoopbackAccess_RefusesOtherHostNamesAndProxiedRequests()
    {
        await using ServiceProcess server = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Flows:Folder"] = RepositoryPaths.SamplePrompts,
            ["Twilio:RequestValidation"] = "Disabled",
            ["Service:UrlSigningKey"] = ServerHost.SigningKey,
        });
        using HttpClient client = new() { BaseAddress = server.Url };

        using HttpResponseMessage local = await client.GetAsync("/audition/api/prompts");
        using HttpRequestMessage rebound = new(HttpMethod.Get, "/audition/api/prompts");
        rebound.Headers.Host = "attacker.example";
        using HttpResponseMessage reboundResponse = await client.SendAsync(rebound);
        using HttpRequestMessage proxied = new(HttpMethod.Get, "/audition/api/prompts");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using HttpResponseMessage proxiedResponse = await client.SendAsync(proxied);

        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reboundResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, proxiedResponse.StatusCode);
    }

    /// <summary>Builds the sample library with the offline engine into <paramref name="cache"/>, as <c>ivrvoice build</c> would.</summary>
    private static async Task<LibraryBuildResult> BuildSampleAsync(string cache, string dist)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cache:Disk:Path"] = cache,
            ["Cache:Disk:VerifyOnStart"] = "false",
            ["Providers:JournalFolder"] = PromptLibraryBuilder.JournalFolderFor(dist),
        }).Build();
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(configuration);
        services.AddLibraryBuilds();
        await using ServiceProvider provider = services.BuildServiceProvider();
        PromptLibrary library = PromptLibraryLoader.Load(RepositoryPaths.SamplePrompts).Library!;
        LibraryBuildResult result = await provider.GetRequiredService<PromptLibraryBuilder>()
            .BuildAsync(library, new LibraryBuildOptions { OutputFolder = dist, Exports = ExportTargets.Twilio }, progress: null, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join('\n', result.Failures));
        return result;
    }

    private static async Task<(int ExitCode, JsonNode Result, string Errors)> RunScriptAsync(Uri server, string screenshot)
    {
        ProcessStartInfo start = new("node")
        {
            WorkingDirectory = RepositoryPaths.Interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { Script, server.ToString(), screenshot, "en-US/main-menu", "Puck" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CHROMIUM_PATH"] = ExternalTools.Chromium;
        using Process node = Process.Start(start)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(3));
        try
        {
            await node.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"The audition script did not finish: {await stderr}");
        }

        string text = await stdout;
        JsonNode result = JsonNode.Parse(text.Length > 0 ? text : "{}")!;
        return (node.ExitCode, result, await stderr);
    }
}
