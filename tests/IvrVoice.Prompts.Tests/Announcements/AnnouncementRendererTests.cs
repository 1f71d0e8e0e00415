using IvrVoice.Audio;
using IvrVoice.Audio.Joining;
using IvrVoice.Caching;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts.Templates;
using IvrVoice.ProviderEmulator;
using IvrVoice.Providers;
using IvrVoice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IvrVoice.Prompts.Tests.Announcements;

/// <summary>
/// The announcement runtime with real parts: the provider emulator speaking Gemini's protocol (its request log counts
/// every provider call) and a real disk cache. Pieces are built as a library build does, from the shared plan.
/// </summary>
public sealed class AnnouncementRendererTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 12, 3);
    private readonly TempDirectory _cacheFolder = new("announcements-cache");
    private TtsEmulator _emulator = null!;
    private ServiceProvider _services = null!;
    private PromptRenderer _renderer = null!;
    private AnnouncementRenderer _sut = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TtsEmulator.StartAsync();
        Dictionary<string, string?> settings = new(_emulator.Settings("gemini"), StringComparer.OrdinalIgnoreCase) { ["Cache:Disk:Path"] = _cacheFolder.Path };
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        _services = services.BuildServiceProvider();
        _renderer = _services.GetRequiredService<PromptRenderer>();
        _sut = _services.GetRequiredService<AnnouncementRenderer>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
        _cacheFolder.Dispose();
    }

    private PromptSpec BaseSpec => _renderer.CreateSpec(new PromptRequest { Text = "-", Voice = "Kore", Language = "en-US" });

    private static PromptTemplate Template(string text) =>
        PromptTemplate.Parse(text).Template ?? throw new InvalidOperationException("test template does not parse");

    private AnnouncementRequest Request(PromptTemplate template, AnnouncementStrategy strategy, params (string Name, string Value)[] values) => new()
    {
        Template = template,
        Values = values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal),
        BaseSpec = BaseSpec,
        Strategy = strategy,
        Today = Today,
    };

    // What `ivrvoice build` does for a template: every fixed part and the vocabulary of its types, rendered and cached.
    private async Task BuildAsync(PromptTemplate template, Func<PromptSpec, bool>? skip = null)
    {
        foreach (PromptSpec spec in TemplateAudioPlan.PrerenderSpecs(template, BaseSpec))
        {
            if (skip?.Invoke(spec) != true)
            {
                await _renderer.GetOrRenderAsync(spec, RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task SpeakAsync_JoinWithPiecesBuilt_NoProviderRequestAndAJoinedMuLawPrompt()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        await BuildAsync(template);
        int before = _emulator.Submissions("gemini");

        AnnouncementResult result = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("code", "40715")), CancellationToken.None);

        Assert.Equal(before, _emulator.Submissions("gemini"));
        Assert.Equal(AnnouncementOutcome.Joined, result.Outcome);
        Assert.Null(result.WholeRender);
        Assert.Equal(AnnouncementRenderer.JoinProvider, result.Prompt.Metadata.Provider);
        Assert.Equal(TemplateComposer.Compose(template, new Dictionary<string, string> { ["code"] = "40715" }, "en-US", Today).Spoken, result.Spoken);
        PcmAudio audio = AudioDecoder.Decode(result.Prompt.Audio.Span);
        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(7, BitConverter.ToUInt16(result.Prompt.Audio.Span[20..22]));   // WAVE_FORMAT_MULAW
        Assert.Equal(audio.Duration.TotalSeconds, result.Prompt.Metadata.DurationSeconds, 3);

        // Content-addressed: the key is the join key of the planned pieces, and the prompt is in the cache under it.
        ComposedAnnouncement composed = TemplateComposer.Compose(template, new Dictionary<string, string> { ["code"] = "40715" }, "en-US", Today);
        PromptKey expected = AnnouncementKeys.ForJoin(
            [.. TemplateAudioPlan.JoinSteps(composed, BaseSpec).Select(s => (PromptKeys.For(s.Spec), s.GapBefore))], _sut.JoinOptions, BaseSpec.Mastering);
        Assert.Equal(expected, result.Prompt.Metadata.Key);
        CachedPrompt? cached = await _renderer.Cache.TryGetAsync(expected, CacheMode.ReadWrite, CancellationToken.None);
        Assert.NotNull(cached);
        Assert.True(cached.Audio.Span.SequenceEqual(result.Prompt.Audio.Span));
    }

    [Fact]
    public async Task SpeakAsync_JoinedAudio_IsThePiecesTrimmedWithGapsAndLevelsMatched()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        await BuildAsync(template);

        AnnouncementResult result = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("code", "123")), CancellationToken.None);

        // The fixed part and three digits, each a stretch of sound between silent gaps, each near the mastering target.
        float[] x = AudioDecoder.Decode(result.Prompt.Audio.Span).Samples;
        AudioStats whole = AudioAnalysis.Analyze(new PcmAudio(x, 8000));
        Assert.InRange(whole.ActiveLevelDbfs, BaseSpec.Mastering.TargetLevelDbfs - 1, BaseSpec.Mastering.TargetLevelDbfs + 1);
        Assert.True(whole.PeakDbfs <= BaseSpec.Mastering.PeakCeilingDbfs + 0.1, $"peak {whole.PeakDbfs} dBFS");
        double pad = BaseSpec.Mastering.PadMilliseconds / 1000.0;
        Assert.InRange(whole.LeadingSilence.TotalSeconds, pad, pad + 0.03);
        Assert.InRange(whole.TrailingSilence.TotalSeconds, pad, pad + 0.03);
    }

    [Fact]
    public async Task SpeakAsync_SameValuesTwice_SameImmutablePromptWithoutAnotherJoin()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        await BuildAsync(template);

        AnnouncementResult first = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("code", "999")), CancellationToken.None);
        AnnouncementResult second = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("code", "999")), CancellationToken.None);
        AnnouncementResult other = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("code", "998")), CancellationToken.None);

        Assert.Equal(first.Prompt.Metadata.Key, second.Prompt.Metadata.Key);
        Assert.Equal(first.Prompt.Metadata.RenderedAt, second.Prompt.Metadata.RenderedAt);
        Assert.True(first.Prompt.Audio.Span.SequenceEqual(second.Prompt.Audio.Span));
        Assert.NotEqual(first.Prompt.Metadata.Key, other.Prompt.Metadata.Key);
    }

    [Fact]
    public async Task SpeakAsync_PieceMissing_RendersTheWholeSentenceThroughTheProvider()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        PromptSpec seven = BaseSpec with { Text = TemplateComposer.Compose(template, new Dictionary<string, string> { ["code"] = "7" }, "en-US", Today).Segments[^1].Text };
        await BuildAsync(template, skip: spec => spec.Text == seven.Text);
        int before = _emulator.Submissions("gemini");

        AnnouncementResult result = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("code", "57")), CancellationToken.None);

        Assert.Equal(AnnouncementOutcome.Rendered, result.Outcome);
        Assert.Equal(1, result.MissingPieces);
        Assert.NotNull(result.FallbackReason);
        Assert.Equal(before + 1, _emulator.Submissions("gemini"));
        Assert.Equal(PromptKeys.For(BaseSpec with { Text = result.Spoken }), result.Prompt.Metadata.Key);
        Assert.Equal("gemini", result.Prompt.Metadata.Provider);
    }

    [Fact]
    public async Task SpeakAsync_DamagedPieceInTheCache_RendersTheWholeSentenceInstead()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        await BuildAsync(template);
        ComposedAnnouncement composed = TemplateComposer.Compose(template, new Dictionary<string, string> { ["code"] = "4" }, "en-US", Today);
        PromptSpec four = TemplateAudioPlan.JoinSteps(composed, BaseSpec)[^1].Spec;
        CachedPrompt good = (await _renderer.TryGetAsync(four, CacheMode.ReadWrite, CancellationToken.None))!;
        await _renderer.Cache.PutAsync(CachedPrompt.Create(good.Metadata, "RIFF but not audio"u8.ToArray()), pinned: false, CancellationToken.None);
        int before = _emulator.Submissions("gemini");

        AnnouncementResult result = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("code", "4")), CancellationToken.None);

        Assert.Equal(AnnouncementOutcome.Rendered, result.Outcome);
        Assert.Contains("does not decode", result.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(before + 1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task SpeakAsync_Auto_JoinsNowAndTheNextCallerHearsTheWholeRender()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        await BuildAsync(template);
        int before = _emulator.Submissions("gemini");

        AnnouncementResult first = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Auto, ("code", "2468")), CancellationToken.None);
        Assert.Equal(AnnouncementOutcome.Joined, first.Outcome);
        Assert.NotNull(first.WholeRender);
        await first.WholeRender;

        AnnouncementResult second = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Auto, ("code", "2468")), CancellationToken.None);

        Assert.Equal(AnnouncementOutcome.WholeFromCache, second.Outcome);
        Assert.Equal(PromptKeys.For(BaseSpec with { Text = first.Spoken }), second.Prompt.Metadata.Key);
        Assert.Equal("gemini", second.Prompt.Metadata.Provider);
        Assert.Equal(first.Spoken, second.Spoken);
        Assert.Equal(before + 1, _emulator.Submissions("gemini"));   // the one background render, nothing in either call
        Assert.Null(second.WholeRender);
    }

    [Fact]
    public async Task SpeakAsync_Render_RendersWholeEvenWithPiecesBuilt()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        await BuildAsync(template);
        int before = _emulator.Submissions("gemini");

        AnnouncementResult result = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Render, ("code", "31")), CancellationToken.None);

        Assert.Equal(AnnouncementOutcome.Rendered, result.Outcome);
        Assert.Null(result.FallbackReason);
        Assert.Equal(before + 1, _emulator.Submissions("gemini"));
        Assert.Equal(PromptKeys.For(BaseSpec with { Text = result.Spoken }), result.Prompt.Metadata.Key);
    }

    [Fact]
    public async Task SpeakAsync_FreeTextValue_RendersWholeAndSaysWhy()
    {
        PromptTemplate template = Template("Hello {name}, your code is {code:digits}.");

        AnnouncementResult result = await _sut.SpeakAsync(Request(template, AnnouncementStrategy.Join, ("name", "Ada"), ("code", "12")), CancellationToken.None);

        Assert.Equal(AnnouncementOutcome.Rendered, result.Outcome);
        Assert.Contains("free text", result.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task SpeakAsync_BadValue_NamesTheValueAndAsksNoProvider()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");

        TemplateValueException error = await Assert.ThrowsAsync<TemplateValueException>(
            () => _sut.SpeakAsync(Request(template, AnnouncementStrategy.Auto, ("code", "12ab")), CancellationToken.None));

        Assert.Equal("code", error.ValueName);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task SpeakAsync_NoLanguage_ThrowsPromptRequestException()
    {
        PromptTemplate template = Template("Your confirmation code is {code:digits}.");
        AnnouncementRequest request = Request(template, AnnouncementStrategy.Join, ("code", "1")) with { BaseSpec = BaseSpec with { Language = null } };

        await Assert.ThrowsAsync<PromptRequestException>(() => _sut.SpeakAsync(request, CancellationToken.None));
    }

    [Fact]
    public void AddPromptRendering_BadAnnouncementSettings_EveryOneNamedAtStart()
    {
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Announcements:WordGapMilliseconds"] = "-5",
            ["Announcements:MaxBackgroundRenders"] = "0",
        }).Build());
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AnnouncementOptions>>().Value);

        Assert.Contains("WordGapMilliseconds", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBackgroundRenders", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-5", error.Message, StringComparison.Ordinal);
    }
}
