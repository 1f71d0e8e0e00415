using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Providers;
using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Prompts.Tests;

/// <summary>The pipeline end to end: real routes (the offline engine, or the emulator speaking Gemini's protocol) and a real disk cache.</summary>
public sealed class PromptRendererTests : IAsyncLifetime
{
    private readonly TempDirectory _cacheFolder = new("prompts-cache");
    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _cacheFolder.Dispose();
    }

    private ServiceProvider CreateServices(Dictionary<string, string?>? settings = null)
    {
        Dictionary<string, string?> all = new(settings ?? [], StringComparer.OrdinalIgnoreCase) { ["Cache:Disk:Path"] = _cacheFolder.Path };
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
        return services.BuildServiceProvider();
    }

    [SkippableFact]
    public async Task GetOrRenderAsync_NoKeys_RendersOfflineToMuLawWav()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);
        await using ServiceProvider services = CreateServices();
        PromptRenderer sut = services.GetRequiredService<PromptRenderer>();
        PromptSpec spec = sut.CreateSpec(new PromptRequest { Text = "Thank you for calling. For billing, press one." });

        CachedPrompt prompt = await sut.GetOrRenderAsync(spec, RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None);

        Assert.Equal("espeak-ng", spec.Model);
        Assert.Equal("espeak", prompt.Metadata.Provider);
        PcmAudio decoded = AudioDecoder.Decode(prompt.Audio.Span);
        Assert.Equal(8000, decoded.SampleRate);
        Assert.InRange(prompt.Metadata.DurationSeconds, 1.5, 8);
        Assert.Equal(decoded.Duration.TotalSeconds, prompt.Metadata.DurationSeconds, 3);
        Assert.Equal(7, BitConverter.ToUInt16(prompt.Audio.Span[20..22])); // WAVE_FORMAT_MULAW
        Assert.Equal(PromptKeys.For(spec), prompt.Metadata.Key);
    }

    [Fact]
    public async Task GetOrRenderAsync_SecondCall_ServedFromCacheWithoutRendering()
    {
        await using ServiceProvider services = CreateServices(_emulator.Settings("gemini"));
        PromptRenderer sut = services.GetRequiredService<PromptRenderer>();
        PromptSpec spec = sut.CreateSpec(new PromptRequest { Text = "Our office is open from nine to five.", Voice = "puck" });

        CachedPrompt first = await sut.GetOrRenderAsync(spec, RenderUrgency.InCall, CacheMode.ReadWrite, CancellationToken.None);
        CachedPrompt second = await sut.GetOrRenderAsync(spec, RenderUrgency.InCall, CacheMode.ReadWrite, CancellationToken.None);

        Assert.Equal("gemini-3.1-flash-tts", spec.Model);
        Assert.Equal("Puck", spec.Voice);
        Assert.Equal("gemini", first.Metadata.Provider);
        Assert.Equal(1, _emulator.Submissions("gemini"));
        Assert.True(first.Audio.Span.SequenceEqual(second.Audio.Span));
    }

    [Fact]
    public async Task GetOrRenderAsync_ConcurrentIdenticalRequests_OneProviderCall()
    {
        await using ServiceProvider services = CreateServices(_emulator.Settings("gemini"));
        PromptRenderer sut = services.GetRequiredService<PromptRenderer>();
        PromptSpec spec = sut.CreateSpec(new PromptRequest { Text = "Please hold while we connect you." });

        CachedPrompt[] results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Task.Run(() => sut.GetOrRenderAsync(spec, RenderUrgency.InCall, CacheMode.ReadWrite, CancellationToken.None))));

        Assert.Equal(1, _emulator.Submissions("gemini"));
        Assert.All(results, r => Assert.Equal(results[0].Metadata.Sha256, r.Metadata.Sha256));
    }

    [Fact]
    public async Task GetOrRenderAsync_EveryRouteFails_ThrowsWithEachFailureAndCachesNothing()
    {
        await using ServiceProvider services = CreateServices(_emulator.Settings("gemini"));
        PromptRenderer sut = services.GetRequiredService<PromptRenderer>();
        PromptSpec spec = sut.CreateSpec(new PromptRequest { Text = "We are experiencing high call volumes." });
        _emulator.Inject("gemini", EmulatorFault.Http(401, times: null));

        PromptRenderException error = await Assert.ThrowsAsync<PromptRenderException>(
            () => sut.GetOrRenderAsync(spec, RenderUrgency.InCall, CacheMode.ReadWrite, CancellationToken.None));

        Assert.Contains(error.Failures, f => f.Provider == "gemini" && f.Kind == TtsFailureKind.Authentication);
        Assert.Null(await sut.TryGetAsync(spec, CacheMode.ReadWrite, CancellationToken.None));
    }

    [SkippableFact]
    public async Task GetOrRenderAsync_MasteringOff_DifferentKeyAndAudio()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);
        await using ServiceProvider services = CreateServices();
        PromptRenderer sut = services.GetRequiredService<PromptRenderer>();
        PromptSpec mastered = sut.CreateSpec(new PromptRequest { Text = "Goodbye." });
        PromptSpec raw = sut.CreateSpec(new PromptRequest { Text = "Goodbye.", Master = false });

        CachedPrompt a = await sut.GetOrRenderAsync(mastered, RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None);
        CachedPrompt b = await sut.GetOrRenderAsync(raw, RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None);

        Assert.NotEqual(a.Metadata.Key, b.Metadata.Key);
        Assert.NotEqual(a.Metadata.Sha256, b.Metadata.Sha256);
    }

    public static TheoryData<PromptRequest, string> BadRequests() => new()
    {
        { new PromptRequest { Text = "   " }, "empty" },
        { new PromptRequest { Text = "\u200B\uFEFF\u200B" }, "empty" },
        { new PromptRequest { Text = new string('a', PromptOptions.DefaultMaxTextLength + 1) }, "limit is 2000" },
        { new PromptRequest { Text = "Hello", Voice = "alloy", Model = "gemini-3.1-flash-tts" }, "Unknown voice 'alloy'" },
        { new PromptRequest { Text = "Hello", Model = "gpt-4o-mini-tts" }, "Unknown model" },
        { new PromptRequest { Text = "Hello", Model = "gemini-3.8-flash-tts", Temperature = 1.0 }, "does not accept a temperature" },
        { new PromptRequest { Text = "Hello", Speakers = [new TtsSpeaker("A", "Kore")] }, "exactly two speakers" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task CreateSpec_InvalidRequest_ClearError(PromptRequest request, string expectedMessage)
    {
        await using ServiceProvider services = CreateServices();
        PromptRenderer sut = services.GetRequiredService<PromptRenderer>();

        PromptRequestException error = Assert.Throws<PromptRequestException>(() => sut.CreateSpec(request));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }
}
