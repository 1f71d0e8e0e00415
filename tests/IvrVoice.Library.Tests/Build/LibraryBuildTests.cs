using System.Buffers.Binary;
using System.Security.Cryptography;
using IvrVoice.Audio;
using IvrVoice.Audio.Codecs;
using IvrVoice.Caching;
using IvrVoice.Library.Build;
using IvrVoice.Testing;

namespace IvrVoice.Library.Tests.Build;

/// <summary>Builds of small libraries with the offline engine: the manifest, every export, and what a second build does.</summary>
public sealed class LibraryBuildTests
{
    [SkippableFact]
    public async Task BuildAsync_NoKeys_RendersEveryPromptOfflineWithTheFallbackModel()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();

        LibraryBuildResult result = await host.BuildAsync(TestLibraries.Load(source));

        Assert.True(result.Succeeded, string.Join('\n', result.Failures));
        Assert.Equal((3, 0), (result.Rendered, result.Reused));
        Assert.Equal(["en-US/hold", "en-US/welcome", "es-US/welcome"], result.Manifest.Prompts.Select(p => $"{p.Language}/{p.Id}"));
        Assert.All(result.Manifest.Prompts, p =>
        {
            Assert.Equal("espeak-ng", p.Model);
            Assert.Equal("gemini-3.1-flash-tts", p.FallbackFrom);
            Assert.Equal("espeak", p.Provider);
            Assert.Equal("mastered", p.ExportSource);
        });
        Assert.Equal(["Kore", "Kore", "Puck"], result.Manifest.Prompts.Select(p => p.Voice));
        Assert.Equal(0m, result.CostUsdByProvider["espeak"]);
        Assert.NotNull(result.Manifest.Build.FinishedAt);
        BuildTotals totals = result.Manifest.Build.Totals!;
        Assert.Equal((3, 0, 0), (totals.Rendered, totals.Reused, totals.Failed));
        Assert.Equal(result.Manifest.Prompts.Sum(p => p.DurationSeconds), totals.AudioSeconds, 3);
        Assert.InRange(totals.AudioSeconds, 3, 30);
    }

    [SkippableFact]
    public async Task BuildAsync_Manifest_EveryFileMatchesItsHashAndTheCacheHoldsThePromptPinned()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();

        LibraryBuildResult result = await host.BuildAsync(TestLibraries.Load(source));

        BuildManifest onDisk = BuildManifest.Read(host.Output)!;
        Assert.Equal(result.Manifest.Prompts.Select(p => p.Key), onDisk.Prompts.Select(p => p.Key));
        foreach (ManifestPrompt prompt in onDisk.Prompts)
        {
            Assert.Equal(["asterisk-alaw", "asterisk-sln", "asterisk-ulaw", "connect", "freeswitch", "twilio"], prompt.Files.Keys.Order(StringComparer.Ordinal));
            foreach (ManifestFile file in prompt.Files.Values)
            {
                byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(host.Output, file.Path));
                Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
                Assert.Equal(file.Bytes, bytes.Length);
            }

            CachedPrompt cached = (await host.Cache.TryGetAsync(prompt.Key, CacheMode.ReadOnly, CancellationToken.None))!;
            Assert.True(cached.Metadata.Pinned);
            Assert.Equal(prompt.Sha256, Convert.ToHexStringLower(SHA256.HashData(cached.Audio.Span)));
            Assert.Equal(cached.Audio.ToArray(), await File.ReadAllBytesAsync(Path.Combine(host.Output, prompt.Files["twilio"].Path)));
            Assert.Equal(cached.Audio.ToArray(), await File.ReadAllBytesAsync(Path.Combine(host.Output, prompt.Files["connect"].Path)));
        }

        Assert.Equal("twilio/en-US/welcome.wav", onDisk.Find("en-US", "welcome")!.Files["twilio"].Path);
        Assert.Equal("asterisk/sounds/es_US/welcome.ulaw", onDisk.Find("es-US", "welcome")!.Files["asterisk-ulaw"].Path);
        Assert.Equal("freeswitch/en-US/8000/hold.wav", onDisk.Find("en-US", "hold")!.Files["freeswitch"].Path);
        Assert.Equal("connect/es-US/welcome.wav", onDisk.Find("es-US", "welcome")!.Files["connect"].Path);
    }

    [SkippableFact]
    public async Task BuildAsync_Exports_SoxAndFfprobeReadEveryFormatAtEightKilohertz()
    {
        ExternalTools.Require(ExternalTools.EspeakNg, ExternalTools.Sox, ExternalTools.Ffprobe);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        LibraryBuildResult result = await host.BuildAsync(TestLibraries.Load(source));
        ManifestPrompt prompt = result.Manifest.Find("en-US", "hold")!;
        string File(string key) => Path.Combine(host.Output, prompt.Files[key].Path);
        long samples = LibraryExports.WavData(System.IO.File.ReadAllBytes(File("twilio"))).Length;

        foreach ((string key, string encoding, string codec) in new[] { ("twilio", "u-law", "pcm_mulaw"), ("connect", "u-law", "pcm_mulaw"), ("freeswitch", "Signed Integer PCM", "pcm_s16le") })
        {
            IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(File(key));
            Assert.Equal("8000", info["Sample Rate"]);
            Assert.Equal("1", info["Channels"]);
            Assert.Contains(encoding, info["Sample Encoding"], StringComparison.OrdinalIgnoreCase);
            IReadOnlyDictionary<string, string> stream = ExternalTools.ProbeStream(File(key));
            Assert.Equal((codec, "8000", "1"), (stream["codec_name"], stream["sample_rate"], stream["channels"]));
        }

        foreach ((string key, string soxType, string ffmpegFormat) in new[] { ("asterisk-ulaw", "ul", "mulaw"), ("asterisk-alaw", "al", "alaw"), ("asterisk-sln", "s16", "s16le") })
        {
            IReadOnlyDictionary<string, double> stat = ExternalTools.SoxStat(File(key), "-t", soxType, "-r", "8000", "-c", "1");
            Assert.Equal(samples, (long)stat["Samples read"]);
            Assert.InRange(stat["Maximum amplitude"], 0.1, 0.75);   // mastered: speech peaks under the -3 dBFS ceiling
            IReadOnlyDictionary<string, string> stream = ExternalTools.ProbeStream(File(key), "-f", ffmpegFormat, "-ar", "8000", "-ac", "1");
            Assert.Equal("8000", stream["sample_rate"]);
        }

        Assert.Equal(samples, (long)ExternalTools.SoxStat(File("freeswitch"))["Samples read"]);
        Assert.Equal(prompt.DurationSeconds, samples / 8000.0, 3);
    }

    [SkippableFact]
    public async Task BuildAsync_FreshRender_LinearAndALawExportsComeFromTheMasterOfTheSameSignal()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        LibraryBuildResult result = await host.BuildAsync(TestLibraries.Load(source));
        ManifestPrompt prompt = result.Manifest.Find("en-US", "welcome")!;
        byte[] muLaw = LibraryExports.WavData(await File.ReadAllBytesAsync(Path.Combine(host.Output, prompt.Files["twilio"].Path))).ToArray();
        byte[] sln = await File.ReadAllBytesAsync(Path.Combine(host.Output, prompt.Files["asterisk-sln"].Path));
        byte[] aLaw = await File.ReadAllBytesAsync(Path.Combine(host.Output, prompt.Files["asterisk-alaw"].Path));
        short[] master = new short[sln.Length / 2];
        for (int i = 0; i < master.Length; i++)
        {
            master[i] = BinaryPrimitives.ReadInt16LittleEndian(sln.AsSpan(2 * i));
        }

        Assert.Equal(muLaw.Length, master.Length);
        Assert.Equal(muLaw.Length, aLaw.Length);
        // The same mastered signal: every cached μ-law sample is within μ-law's quantisation error (half a step,
        // about 1/32 of the magnitude, and at least 8 near zero) of the 16-bit master.
        int outside = master.Where((s, i) => Math.Abs(s - G711.MuLawToLinear(muLaw[i])) > 8 + (Math.Abs(s) / 16)).Count();
        Assert.Equal(0, outside);
        // Finer than μ-law: the master is not the decoded μ-law.
        Assert.True(master.Where((s, i) => s != G711.MuLawToLinear(muLaw[i])).Count() > master.Length / 4);
        // A-law encoded from the master, never transcoded from μ-law.
        Assert.Equal(master.Select(G711.LinearToALaw), aLaw);
        byte[] freeswitch = await File.ReadAllBytesAsync(Path.Combine(host.Output, prompt.Files["freeswitch"].Path));
        Assert.Equal(sln, LibraryExports.WavData(freeswitch).ToArray());
    }

    [SkippableFact]
    public async Task BuildAsync_SecondBuild_RendersNothingAndRewritesNothing()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);
        LibraryBuildResult first = await host.BuildAsync(library);
        Dictionary<string, DateTime> written = Directory.EnumerateFiles(host.Output, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(BuildManifest.FileName, StringComparison.Ordinal))
            .ToDictionary(f => f, File.GetLastWriteTimeUtc);

        LibraryBuildResult second = await host.BuildAsync(library);

        Assert.Equal((0, 3, 0), (second.Rendered, second.Reused, second.Failed));
        Assert.Equal(first.Manifest.Prompts.Select(Json), second.Manifest.Prompts.Select(Json));
        Assert.All(written, file => Assert.Equal(file.Value, File.GetLastWriteTimeUtc(file.Key)));
    }

    [SkippableFact]
    public async Task BuildAsync_OnePromptTextChanged_RerendersExactlyThatPrompt()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        LibraryBuildResult first = await host.BuildAsync(TestLibraries.Load(source));
        source.Write("en-US.yaml", File.ReadAllText(Path.Combine(source.Folder, "en-US.yaml")).Replace("Thank you for calling", "Thanks for calling", StringComparison.Ordinal));

        LibraryBuildResult second = await host.BuildAsync(TestLibraries.Load(source));

        Assert.Equal((1, 2), (second.Rendered, second.Reused));
        ManifestPrompt before = first.Manifest.Find("en-US", "welcome")!;
        ManifestPrompt after = second.Manifest.Find("en-US", "welcome")!;
        Assert.NotEqual(before.Key, after.Key);
        Assert.NotEqual(before.Sha256, after.Sha256);
        Assert.StartsWith("Thanks for calling", after.Text, StringComparison.Ordinal);
        Assert.Equal(after.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(host.Output, after.Files["twilio"].Path)))));
        Assert.Equal(Json(first.Manifest.Find("en-US", "hold")!), Json(second.Manifest.Find("en-US", "hold")!));
    }

    [SkippableFact]
    public async Task BuildAsync_ExportFilesDeletedOrModified_RestoresThemIdenticallyWithoutRendering()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);
        LibraryBuildResult first = await host.BuildAsync(library);
        ManifestPrompt hold = first.Manifest.Find("en-US", "hold")!;
        File.Delete(Path.Combine(host.Output, hold.Files["asterisk-alaw"].Path));
        File.Delete(Path.Combine(host.Output, hold.Files["asterisk-sln"].Path));
        await File.AppendAllTextAsync(Path.Combine(host.Output, hold.Files["twilio"].Path), "tampered");

        LibraryBuildResult second = await host.BuildAsync(library);

        Assert.Equal((0, 3), (second.Rendered, second.Reused));
        // Rebuilt from the FreeSWITCH copy of the master and from the cache: the very same bytes as the first build's.
        Assert.Equal(Json(hold), Json(second.Manifest.Find("en-US", "hold")!));
        foreach (ManifestFile file in hold.Files.Values)
        {
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(host.Output, file.Path)))));
        }
    }

    [SkippableFact]
    public async Task BuildAsync_NewOutputFolderWithWarmCache_ReusesTheCachedAudioAndSaysWhereExportsCameFrom()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);
        LibraryBuildResult first = await host.BuildAsync(library);

        LibraryBuildResult second = await host.BuildAsync(library, host.Options(Path.Combine(host.Folder, "dist-copy")));

        Assert.Equal((0, 3), (second.Rendered, second.Reused));
        Assert.Equal(first.Manifest.Prompts.Select(p => (p.Key, p.Sha256)), second.Manifest.Prompts.Select(p => (p.Key, p.Sha256)));
        Assert.All(second.Manifest.Prompts, p => Assert.Equal("mulaw", p.ExportSource));
        ManifestPrompt prompt = second.Manifest.Find("en-US", "welcome")!;
        byte[] muLaw = LibraryExports.WavData(await File.ReadAllBytesAsync(Path.Combine(host.Folder, "dist-copy", prompt.Files["twilio"].Path))).ToArray();
        byte[] sln = await File.ReadAllBytesAsync(Path.Combine(host.Folder, "dist-copy", prompt.Files["asterisk-sln"].Path));
        Assert.Equal(muLaw.Select(G711.MuLawToLinear), Enumerable.Range(0, sln.Length / 2).Select(i => BinaryPrimitives.ReadInt16LittleEndian(sln.AsSpan(2 * i))));
    }

    [SkippableFact]
    public async Task BuildAsync_PromptDeletedFromLibrary_LeavesTheManifestWithItsFiles()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        LibraryBuildResult first = await host.BuildAsync(TestLibraries.Load(source));
        File.Delete(Path.Combine(source.Folder, "es-US.yaml"));

        LibraryBuildResult second = await host.BuildAsync(TestLibraries.Load(source));

        Assert.Null(second.Manifest.Find("es-US", "welcome"));
        Assert.All(first.Manifest.Find("es-US", "welcome")!.Files.Values, file => Assert.False(File.Exists(Path.Combine(host.Output, file.Path))));
        Assert.Equal(2, second.Manifest.Prompts.Count);
    }

    [SkippableFact]
    public async Task BuildAsync_OneLanguage_KeepsTheOtherLanguagesEntries()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        LibraryBuildResult first = await host.BuildAsync(TestLibraries.Load(source));
        source.Write("es-US.yaml", File.ReadAllText(Path.Combine(source.Folder, "es-US.yaml")).Replace("Gracias", "Muchas gracias", StringComparison.Ordinal));

        LibraryBuildResult second = await host.BuildAsync(TestLibraries.Load(source), host.Options() with { Languages = ["en-US"] });

        Assert.Equal((0, 2), (second.Rendered, second.Reused));
        Assert.Equal(Json(first.Manifest.Find("es-US", "welcome")!), Json(second.Manifest.Find("es-US", "welcome")!));
        Assert.Equal(["en-US"], second.Manifest.Build.Languages);
    }

    [SkippableFact]
    public async Task BuildAsync_OnlyTwilioExport_WritesOnlyTwilioFiles()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();

        LibraryBuildResult result = await host.BuildAsync(TestLibraries.Load(source), host.Options() with { Exports = ExportTargets.Twilio });

        Assert.All(result.Manifest.Prompts, p => Assert.Equal(["twilio"], p.Files.Keys));
        Assert.Equal(["twilio"], result.Manifest.Build.Exports);
        Assert.False(Directory.Exists(Path.Combine(host.Output, "asterisk")));
        Assert.False(Directory.Exists(Path.Combine(host.Output, "freeswitch")));
    }

    [SkippableFact]
    public async Task BuildAsync_SecondBuildOnTheSameOutputWhileOneRuns_IsRefused()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        Directory.CreateDirectory(Path.Combine(host.Output, PromptLibraryBuilder.StateFolderName));
        await using FileStream running = new(Path.Combine(host.Output, PromptLibraryBuilder.StateFolderName, "build.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        LibraryBuildException error = await Assert.ThrowsAsync<LibraryBuildException>(() => host.BuildAsync(TestLibraries.Load(source)));

        Assert.Contains("Another build is writing to", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task BuildAsync_UnreadableManifest_IsSetAsideAndTheBuildGoesOnFromTheCache()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using TempLibrary source = TestLibraries.Small();
        await using BuildHost host = BuildHost.Offline();
        PromptLibrary library = TestLibraries.Load(source);
        await host.BuildAsync(library);
        await File.WriteAllTextAsync(Path.Combine(host.Output, BuildManifest.FileName), "{ not json");

        LibraryBuildResult second = await host.BuildAsync(library);

        Assert.Equal((0, 3), (second.Rendered, second.Reused));
        string kept = Assert.Single(Directory.GetFiles(host.Output, BuildManifest.FileName + ".unreadable-*"));
        Assert.Equal("{ not json", await File.ReadAllTextAsync(kept));
    }

    private static string Json(ManifestPrompt prompt) => System.Text.Json.JsonSerializer.Serialize(prompt, BuildJsonContext.Default.ManifestPrompt);
}
