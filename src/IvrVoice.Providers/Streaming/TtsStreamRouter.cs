using System.Diagnostics;
using IvrVoice.Providers.Configuration;
using IvrVoice.Providers.Routing;
using IvrVoice.Providers.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Providers.Streaming;

/// <summary>
/// Opens the first route that produces audio, in the router's order and within the urgency's deadline (each in-call route
/// but the last gets half of what is left, as for a whole render). Streaming routes are opened directly and must deliver
/// their first chunk in their share; other routes render whole through the router (its retries and breakers) and hand the
/// result over as one chunk. Routes whose breaker is open are skipped.
/// </summary>
internal sealed partial class TtsStreamRouter(
    IEnumerable<ITtsProvider> providers,
    ITtsRouter router,
    IOptions<ProvidersOptions> options,
    TimeProvider timeProvider,
    TtsMetrics metrics,
    ILogger<TtsStreamRouter> logger) : ITtsStreamRouter
{
    private readonly Dictionary<string, ITtsProvider> _providers = providers
        .GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public bool CanStream(TtsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TtsRouter.Prepare(request, []) is not { } prepared)
        {
            return false;
        }

        ITtsProvider? serving = Candidates(prepared.Model, prepared.Speakers.Count).FirstOrDefault();
        return serving is IStreamingTtsProvider streaming && streaming.CanStream(prepared);
    }

    public async Task<TtsStreamResult> OpenAsync(TtsRequest request, RenderUrgency urgency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        Activity? activity = ProvidersTracing.Source.StartActivity("tts.stream");
        activity?.SetTag("ivrvoice.tts.urgency", urgency.ToString());
        TtsStreamResult result;
        try
        {
            result = await OpenCoreAsync(request, urgency, activity, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }

        if (result.Stream is null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Failures.Count > 0 ? result.Failures[^1].Kind.ToString() : "no route");
            activity?.Dispose();
        }

        return result;
    }

    private async Task<TtsStreamResult> OpenCoreAsync(TtsRequest request, RenderUrgency urgency, Activity? activity, CancellationToken cancellationToken)
    {
        List<TtsFailure> failures = [];
        if (TtsRouter.Prepare(request, failures) is not { } prepared)
        {
            return new TtsStreamResult { Failures = failures };
        }

        activity?.SetTag("ivrvoice.tts.model", prepared.Model);
        List<ITtsProvider> candidates = [.. Candidates(prepared.Model, prepared.Speakers.Count)];
        if (candidates.Count == 0)
        {
            failures.Add(new TtsFailure("router", TtsFailureKind.Unavailable, $"no configured route with a closed breaker serves model {prepared.Model}"));
            return new TtsStreamResult { Failures = failures };
        }

        TimeSpan deadline = urgency == RenderUrgency.InCall ? options.Value.InCallDeadline : options.Value.BatchDeadline;
        DateTimeOffset deadlineAt = timeProvider.GetUtcNow() + deadline;
        for (int i = 0; i < candidates.Count; i++)
        {
            ITtsProvider route = candidates[i];
            TimeSpan remaining = deadlineAt - timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                failures.Add(new TtsFailure(route.Name, TtsFailureKind.Timeout, $"the {urgency} deadline of {deadline.TotalSeconds:0.#} s ran out before this route was tried"));
                continue;
            }

            bool last = i == candidates.Count - 1;
            TimeSpan budget = urgency == RenderUrgency.InCall && !last ? remaining / 2 : remaining;
            TtsAudioStream? stream = route is IStreamingTtsProvider streaming && streaming.CanStream(prepared)
                ? await OpenStreamingAsync(streaming, route.Name, prepared, budget, failures, activity, cancellationToken).ConfigureAwait(false)
                : await RenderWholeAsync(route.Name, prepared, urgency, budget, failures, activity, cancellationToken).ConfigureAwait(false);
            if (stream is not null)
            {
                activity?.SetTag("ivrvoice.tts.served_by", route.Name);
                activity?.SetTag("ivrvoice.tts.progressive", stream.Progressive);
                activity?.SetTag("ivrvoice.tts.first_chunk_ms", stream.FirstChunkLatency.TotalMilliseconds);
                activity?.SetTag("ivrvoice.tts.failures", failures.Count);
                Log.Opened(logger, prepared.IdempotencyKey, route.Name, stream.Progressive, stream.FirstChunkLatency.TotalMilliseconds, failures.Count);
                return new TtsStreamResult { Stream = stream, Failures = failures };
            }

            if (!last)
            {
                metrics.RecordFailover(route.Name, candidates[i + 1].Name);
                Log.FailingOver(logger, prepared.IdempotencyKey, route.Name, candidates[i + 1].Name, failures[^1].Kind);
            }
        }

        Log.AllFailed(logger, prepared.IdempotencyKey, failures.Count);
        return new TtsStreamResult { Failures = failures };
    }

    // The routes a whole render would try, in order: serving the model, breaker not open, able to voice two speakers when asked.
    private IEnumerable<ITtsProvider> Candidates(string model, int speakers = 0)
    {
        HashSet<string> open = [.. router.GetHealth().Where(h => h.State == BreakerState.Open).Select(h => h.Name)];
        foreach (string name in router.Routes)
        {
            if (_providers.TryGetValue(name, out ITtsProvider? provider) && provider.Supports(model) && !open.Contains(name)
                && !(speakers == 2 && provider is ISpeakerCapability { SupportsTwoSpeakers: false }))
            {
                yield return provider;
            }
        }
    }

    /// <summary>
    /// Opens a streaming route through its resilience pipeline (<see cref="ResilientRoute.OpenStreamAsync"/>: the retries,
    /// breaker, concurrency slots and attempt timeout of whole renders), within this route's share of the deadline.
    /// </summary>
    private async Task<TtsAudioStream?> OpenStreamingAsync(
        IStreamingTtsProvider route, string name, TtsRequest request, TimeSpan budget, List<TtsFailure> failures, Activity? activity, CancellationToken cancellationToken)
    {
        if (router.Route(name) is not { } resilient)
        {
            failures.Add(new TtsFailure(name, TtsFailureKind.Unavailable, $"the {name} route is not configured"));
            return null;
        }

        long started = timeProvider.GetTimestamp();
        using CancellationTokenSource budgetTimer = new(budget, timeProvider);
        using CancellationTokenSource share = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budgetTimer.Token);
        (TtsChunkSource Source, float[] First)? opened = await resilient.OpenStreamAsync(route, request, budget, failures, share.Token, cancellationToken).ConfigureAwait(false);
        return opened is { } stream ? new TtsAudioStream(name, stream.Source, stream.First, timeProvider.GetElapsedTime(started), activity) : null;
    }

    private async Task<TtsAudioStream?> RenderWholeAsync(
        string name, TtsRequest request, RenderUrgency urgency, TimeSpan budget, List<TtsFailure> failures, Activity? activity, CancellationToken cancellationToken)
    {
        long started = timeProvider.GetTimestamp();
        using CancellationTokenSource budgetTimer = new(budget, timeProvider);
        using CancellationTokenSource whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budgetTimer.Token);
        try
        {
            RoutedTts rendered = await router.SynthesizeAsync(request, urgency, name, whole.Token).ConfigureAwait(false);
            failures.AddRange(rendered.Failures);
            if (rendered.Audio is { } audio)
            {
                return new TtsAudioStream(name, new WholeRenderSource(audio), audio.Pcm.Samples, timeProvider.GetElapsedTime(started), activity);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Add(new TtsFailure(name, TtsFailureKind.Timeout, $"no audio within this route's share of the deadline ({budget.TotalSeconds:0.#} s)"));
        }

        return null;
    }

    /// <summary>A whole render handed over as its one chunk (already given out by the stream); then the end.</summary>
    private sealed class WholeRenderSource : TtsChunkSource
    {
        public WholeRenderSource(TtsAudio audio)
        {
            SampleRate = audio.Pcm.SampleRate;
            RequestId = audio.RequestId;
        }

        public override int SampleRate { get; }

        public override bool Progressive => false;

        public override ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult<float[]?>(null);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3501, Level = LogLevel.Information,
            Message = "Prompt {PromptKey} streaming from {Provider} (progressive {Progressive}), first audio after {FirstChunkMs} ms and {FailureCount} failures")]
        public static partial void Opened(ILogger logger, string? promptKey, string provider, bool progressive, double firstChunkMs, int failureCount);

        [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "Prompt {PromptKey}: stream from {From} failed before its first audio ({Kind}), failing over to {To}")]
        public static partial void FailingOver(ILogger logger, string? promptKey, string from, string to, TtsFailureKind kind);

        [LoggerMessage(EventId = 3503, Level = LogLevel.Error, Message = "Prompt {PromptKey}: no route could open a stream ({FailureCount} failures)")]
        public static partial void AllFailed(ILogger logger, string? promptKey, int failureCount);
    }
}
