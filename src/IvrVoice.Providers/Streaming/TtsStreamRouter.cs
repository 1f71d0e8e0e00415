using System.Diagnostics;
using System.Threading.RateLimiting;
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

    public bool CanStream(string model)
    {
        string? canonical = ModelCatalog.Normalize(model);
        if (canonical is null)
        {
            return false;
        }

        TtsRequest probe = new() { Text = ".", Voice = "", Model = canonical };
        ITtsProvider? first = Candidates(canonical).FirstOrDefault();
        return first is IStreamingTtsProvider streaming && streaming.CanStream(probe);
    }

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
    /// Opens a streaming route as a whole render attempts it: one of its <c>MaxConcurrency</c> slots (held until the stream is
    /// disposed), then up to <c>MaxRetryAttempts</c> retries of a transient failure before the first audio, after the route's
    /// Retry-After or an exponential backoff from <c>RetryBaseDelay</c>, all within this route's share of the deadline.
    /// </summary>
    private async Task<TtsAudioStream?> OpenStreamingAsync(
        IStreamingTtsProvider route, string name, TtsRequest request, TimeSpan budget, List<TtsFailure> failures, Activity? activity, CancellationToken cancellationToken)
    {
        long started = timeProvider.GetTimestamp();
        using CancellationTokenSource budgetTimer = new(budget, timeProvider);
        using CancellationTokenSource first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budgetTimer.Token);
        ResilientRoute? resilient = (router as TtsRouter)?.Find(name);
        RateLimitLease? lease = null;
        try
        {
            if (resilient is not null)
            {
                lease = await resilient.AcquireAsync(first.Token).ConfigureAwait(false);
                if (!lease.IsAcquired)
                {
                    failures.Add(new TtsFailure(name, TtsFailureKind.Unavailable, "the route's concurrency queue refused the stream"));
                    return null;
                }
            }

            int attempts = 1 + (resilient?.Options.MaxRetryAttempts ?? 0);
            for (int attempt = 1; ; attempt++)
            {
                TtsFailure failure;
                TtsChunkSource? source = null;
                try
                {
                    source = await route.OpenStreamAsync(request, first.Token).ConfigureAwait(false);
                    float[]? chunk = await source.ReadAsync(first.Token).ConfigureAwait(false);
                    if (chunk is not null)
                    {
                        TtsAudioStream stream = new(name, new LeasedSource(source, lease), chunk, timeProvider.GetElapsedTime(started), activity);
                        source = null;
                        lease = null;
                        return stream;
                    }

                    failure = new TtsFailure(name, TtsFailureKind.MalformedAudio, "the stream ended without audio");
                }
                catch (TtsStreamException exception)
                {
                    failure = exception.Failure;
                }
                finally
                {
                    if (source is not null)
                    {
                        await source.DisposeAsync().ConfigureAwait(false);
                    }
                }

                failures.Add(failure);
                if (attempt >= attempts || !failure.IsTransient || resilient is null)
                {
                    return null;
                }

                TimeSpan delay = failure.RetryAfter
                    ?? TimeSpan.FromTicks(Math.Min(resilient.Options.MaxRetryDelay.Ticks, resilient.Options.RetryBaseDelay.Ticks << Math.Min(attempt - 1, 20)));
                if (delay > resilient.Options.MaxRetryDelay)
                {
                    return null;   // the route asked for a longer pause than we wait: fail over now
                }

                Log.Retrying(logger, request.IdempotencyKey, name, attempt + 1, delay.TotalMilliseconds);
                await Task.Delay(delay, timeProvider, first.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Add(new TtsFailure(name, TtsFailureKind.Timeout, $"no audio within this route's share of the deadline ({budget.TotalSeconds:0.#} s)"));
            return null;
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>A route's chunks holding one of its concurrency slots, freed with the stream.</summary>
    private sealed class LeasedSource : TtsChunkSource
    {
        private readonly TtsChunkSource _inner;
        private readonly RateLimitLease? _lease;

        public LeasedSource(TtsChunkSource inner, RateLimitLease? lease)
        {
            _inner = inner;
            _lease = lease;
            RequestId = inner.RequestId;
        }

        public override int SampleRate => _inner.SampleRate;

        public override bool Progressive => _inner.Progressive;

        public override ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken) => _inner.ReadAsync(cancellationToken);

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                _lease?.Dispose();
            }
        }
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

        [LoggerMessage(EventId = 3504, Level = LogLevel.Warning, Message = "Prompt {PromptKey}: stream from {Provider} failed before its first audio; attempt {Attempt} in {DelayMs} ms")]
        public static partial void Retrying(ILogger logger, string? promptKey, string provider, int attempt, double delayMs);

        [LoggerMessage(EventId = 3503, Level = LogLevel.Error, Message = "Prompt {PromptKey}: no route could open a stream ({FailureCount} failures)")]
        public static partial void AllFailed(ILogger logger, string? promptKey, int failureCount);
    }
}
