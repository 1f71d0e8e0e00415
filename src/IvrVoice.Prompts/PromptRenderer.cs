using System.Diagnostics;
using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Prompts.Telemetry;
using IvrVoice.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Prompts;

/// <summary>
/// Turns a prompt request into cached telephone audio: normalise the request into a spec, key it, and on a miss
/// render once through the provider routes, check the audio, master it, encode 8 kHz μ-law and store it.
/// </summary>
public sealed partial class PromptRenderer
{
    private readonly ITtsRouter _router;
    private readonly PromptCache _cache;
    private readonly PromptOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PromptRenderer> _logger;

    public PromptRenderer(ITtsRouter router, PromptCache cache, IOptions<PromptOptions> options, TimeProvider time, ILogger<PromptRenderer> logger)
    {
        _router = router;
        _cache = cache;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public PromptCache Cache => _cache;

    /// <summary>Longest prompt text accepted (<c>Prompts:MaxTextLength</c>); the &lt;Say&gt; fallback is held to it too.</summary>
    public int MaxTextLength => _options.MaxTextLength;

    /// <summary>Applies defaults and validates; throws <see cref="PromptRequestException"/> for requests that can never render.</summary>
    public PromptSpec CreateSpec(PromptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string text = PromptKeys.NormalizeText(request.Text ?? "");
        if (PromptText.Problem(text, _options.MaxTextLength) is { } problem)
        {
            // The same rules as the library loader's: a NUL would cut the audio short while the metadata kept the whole text.
            throw new PromptRequestException(problem);
        }
        string model = ModelCatalog.Normalize(request.Model ?? _router.DefaultModel)
            ?? throw new PromptRequestException($"Unknown model '{request.Model}'. Known models: {string.Join(", ", ModelCatalog.All)}.");
        string voiceName = string.IsNullOrWhiteSpace(request.Voice) ? _options.DefaultVoice : request.Voice;
        string voice = VoiceCatalog.Normalize(model, voiceName)
            ?? throw new PromptRequestException($"Unknown voice '{voiceName}' for model {model}.");
        if (request.Speakers.Count is not (0 or 2))
        {
            throw new PromptRequestException($"A prompt has one voice or exactly two speakers, not {request.Speakers.Count}.");
        }
        List<TtsSpeaker> speakers = [];
        foreach (TtsSpeaker speaker in request.Speakers)
        {
            string speakerVoice = VoiceCatalog.Normalize(model, speaker.Voice)
                ?? throw new PromptRequestException($"Unknown voice '{speaker.Voice}' for speaker '{speaker.Name}' and model {model}.");
            speakers.Add(speaker with { Voice = speakerVoice });
        }
        if (request.Temperature is not null && !ModelCatalog.AcceptsTemperature(model))
        {
            throw new PromptRequestException($"Model {model} does not accept a temperature.");
        }
        string? style = string.IsNullOrWhiteSpace(request.Style) ? null : PromptKeys.NormalizeText(request.Style);
        string? language = null;
        if (!string.IsNullOrWhiteSpace(request.Language ?? _options.DefaultLanguage))
        {
            string given = request.Language ?? _options.DefaultLanguage!;
            if (!PromptText.TryCanonicalLanguage(given, out string canonical))
            {
                throw new PromptRequestException(PromptText.LanguageProblem(given));
            }

            language = canonical;
        }

        if (style is not null && PromptText.IndexOfControl(style) >= 0)
        {
            throw new PromptRequestException("Style contains a control character; remove it.");
        }
        return new PromptSpec
        {
            Text = text,
            Voice = voice,
            Style = style,
            Language = language,
            Model = model,
            Temperature = request.Temperature,
            Speakers = speakers,
            Mastering = request.Master ? MasteringOptions.Default : MasteringOptions.Disabled,
        };
    }

    /// <summary>The cached prompt for the spec, or null; never renders.</summary>
    public ValueTask<CachedPrompt?> TryGetAsync(PromptSpec spec, CacheMode mode, CancellationToken cancellationToken) =>
        _cache.TryGetAsync(PromptKeys.For(spec), mode, cancellationToken);

    /// <summary>
    /// The cached prompt, rendering it once on a miss (however many callers ask at once). A caller's token only stops
    /// that caller waiting; the render finishes and is stored for the next caller.
    /// </summary>
    /// <exception cref="PromptRenderException">Every route failed or the audio failed quality checks.</exception>
    public Task<CachedPrompt> GetOrRenderAsync(PromptSpec spec, RenderUrgency urgency, CacheMode mode, CancellationToken cancellationToken, string? onlyProvider = null)
    {
        PromptKey key = PromptKeys.For(spec);
        return _cache.GetOrRenderAsync(key, token => RenderAsync(spec, key, urgency, onlyProvider, token), mode, cancellationToken);
    }

    /// <summary>Renders without touching the cache (library builds decide themselves what to store and pin).</summary>
    public async Task<RenderedPrompt> RenderAsync(PromptSpec spec, RenderUrgency urgency, string? onlyProvider, CancellationToken cancellationToken)
    {
        PromptKey key = PromptKeys.For(spec);
        (CachedPrompt prompt, TtsAudio source) = await RenderCoreAsync(spec, key, urgency, onlyProvider, cancellationToken).ConfigureAwait(false);
        return new RenderedPrompt(prompt, source.Pcm, source.RequestId, source.Usage, source.CostUsd, source.Latency);
    }

    private async Task<CachedPrompt> RenderAsync(PromptSpec spec, PromptKey key, RenderUrgency urgency, string? onlyProvider, CancellationToken cancellationToken) =>
        (await RenderCoreAsync(spec, key, urgency, onlyProvider, cancellationToken).ConfigureAwait(false)).Prompt;

    private async Task<(CachedPrompt Prompt, TtsAudio Source)> RenderCoreAsync(
        PromptSpec spec, PromptKey key, RenderUrgency urgency, string? onlyProvider, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        using Activity? activity = PromptsTracing.Source.StartActivity("prompt.render");
        activity?.SetTag("ivrvoice.prompt.model", spec.Model);
        activity?.SetTag("ivrvoice.prompt.voice", spec.Voice);
        activity?.SetTag("ivrvoice.prompt.language", spec.Language);
        activity?.SetTag("ivrvoice.prompt.urgency", urgency.ToString());
        TtsRequest request = new(spec) { IdempotencyKey = key.ToString() };
        RoutedTts routed = await _router.SynthesizeAsync(request, urgency, onlyProvider, cancellationToken).ConfigureAwait(false);
        if (routed.Audio is not { } audio)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "every route failed");
            Log.AllRoutesFailed(_logger, key.ToString(), routed.Failures.Count);
            throw new PromptRenderException(key, routed.Failures);
        }

        return (Finish(spec, key, audio, routed.Failures, activity, started), audio);
    }

    /// <summary>Checks, transcodes (mastering in full) and describes a render; the cached prompt it makes is not stored yet.</summary>
    private CachedPrompt Finish(PromptSpec spec, PromptKey key, TtsAudio audio, IReadOnlyList<TtsFailure> failures, Activity? activity, long started)
    {
        IReadOnlyList<string> problems = AudioQa.Check(audio.Pcm, spec.Text);
        activity?.SetTag("ivrvoice.tts.served_by", audio.Provider);
        if (problems.Count > 0)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "audio failed quality checks");
            Log.QualityRejected(_logger, key.ToString(), audio.Provider, string.Join("; ", problems));
            throw new PromptRenderException(key, [.. failures, new TtsFailure(audio.Provider, TtsFailureKind.MalformedAudio, "audio failed quality checks: " + string.Join("; ", problems))]);
        }

        byte[] wav;
        using (Activity? transcode = PromptsTracing.Source.StartActivity("audio.transcode"))
        {
            transcode?.SetTag("ivrvoice.audio.input_rate", audio.Pcm.SampleRate);
            transcode?.SetTag("ivrvoice.audio.input_samples", audio.Pcm.Samples.Length);
            transcode?.SetTag("ivrvoice.audio.mastered", spec.Mastering.Enabled);
            try
            {
                wav = Transcoder.ToTelephony(audio.Pcm, OutputFormat.MuLawWav, spec.Mastering);
                transcode?.SetTag("ivrvoice.audio.output_bytes", wav.Length);
            }
            catch (AudioFormatException e)
            {
                transcode?.SetStatus(ActivityStatusCode.Error, e.Kind.ToString());
                activity?.SetStatus(ActivityStatusCode.Error, "audio could not be transcoded");
                throw new PromptRenderException(key, [.. failures, new TtsFailure(audio.Provider, TtsFailureKind.MalformedAudio, e.Message)]);
            }
        }

        PromptMetadata metadata = spec.Metadata(key, spec.Text, audio.Provider, WavDurationSeconds(wav), _time.GetUtcNow());
        Log.Rendered(_logger, key.ToString(), audio.Provider, (long)audio.Latency.TotalMilliseconds, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, wav.Length);
        return CachedPrompt.Create(metadata, wav);
    }

    /// <summary>Duration of the μ-law WAV we just wrote: one byte per sample at 8 kHz after the header.</summary>
    private static double WavDurationSeconds(byte[] wav) => AudioDecoder.Decode(wav).Duration.TotalSeconds;

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information,
            Message = "Rendered prompt {PromptKey} via {Provider}: provider {ProviderMs} ms, total {TotalMs} ms, {AudioBytes} bytes")]
        public static partial void Rendered(ILogger logger, string promptKey, string provider, long providerMs, long totalMs, int audioBytes);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Every route failed for prompt {PromptKey} ({FailureCount} failures)")]
        public static partial void AllRoutesFailed(ILogger logger, string promptKey, int failureCount);

        [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Audio from {Provider} for prompt {PromptKey} failed quality checks: {Problems}")]
        public static partial void QualityRejected(ILogger logger, string promptKey, string provider, string problems);
    }
}

/// <summary>
/// A freshly rendered prompt with the provider's decoded audio (before mastering and μ-law, for exports that want a
/// linear signal) and what the provider reported about it (for build manifests and cost reports).
/// </summary>
public sealed record RenderedPrompt(CachedPrompt Prompt, PcmAudio Source, string? ProviderRequestId, TtsUsage? Usage, decimal? CostUsd, TimeSpan ProviderLatency);
