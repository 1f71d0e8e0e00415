using System.Diagnostics;
using System.Threading.RateLimiting;
using IvrVoice.Providers.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace IvrVoice.Providers.Routing;

/// <summary>One stream attempt's result: the opened source with its first chunk and the slot it holds, or a failure.</summary>
internal sealed record StreamAttempt(TtsFailure? Failure, TtsChunkSource? Source = null, float[]? First = null, RateLimitLease? Lease = null);

internal sealed partial class ResilientRoute
{
    /// <summary>
    /// Opens a stream on this route as a whole render attempts it: the same retry (jitter, Retry-After, never a wait that
    /// outlasts <paramref name="budget"/>) and the same breaker, each attempt counted in the route's metrics and bounded by
    /// its <c>AttemptTimeout</c>. Each attempt takes one of the route's <c>MaxConcurrency</c> slots and gives it back when it
    /// fails, so no slot is held through a retry's wait; the attempt that delivers the first chunk keeps its slot, and the
    /// returned source frees it when disposed. Every failed attempt is appended to <paramref name="failures"/>; null when
    /// none opened. Throws only when <paramref name="callerToken"/> is cancelled.
    /// </summary>
    public async Task<(TtsChunkSource Source, float[] First)?> OpenStreamAsync(
        IStreamingTtsProvider streaming, TtsRequest request, TimeSpan budget, List<TtsFailure> failures, CancellationToken routeToken, CancellationToken callerToken)
    {
        ResilienceContext context = Context(request, budget, failures, routeToken);
        try
        {
            Outcome<StreamAttempt> outcome = await _streamPipeline.ExecuteOutcomeAsync(
                static (ctx, state) => state.Route.StreamAttemptAsync(state.Streaming, state.Request, ctx),
                context,
                (Route: this, Streaming: streaming, Request: request)).ConfigureAwait(false);
            if (outcome.Exception is null)
            {
                StreamAttempt attempt = outcome.Result!;
                return attempt is { Source: { } source, First: { } first } ? (new LeasedSource(source, attempt.Lease), first) : null;
            }

            callerToken.ThrowIfCancellationRequested();
            FailureOf(outcome.Exception, budget, failures);
            return null;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<Outcome<StreamAttempt>> StreamAttemptAsync(IStreamingTtsProvider streaming, TtsRequest request, ResilienceContext context)
    {
        int attempt = context.Properties.GetValue(s_attempts, 0) + 1;
        context.Properties.Set(s_attempts, attempt);
        using Activity? activity = ProvidersTracing.Source.StartActivity("tts.attempt");
        activity?.SetTag("ivrvoice.tts.route", Name);
        activity?.SetTag("ivrvoice.tts.attempt", attempt);
        activity?.SetTag("ivrvoice.tts.retry", attempt > 1);
        activity?.SetTag("ivrvoice.tts.stream", true);

        // The slot is taken here, queued behind whole renders' attempts; the wait for it is not part of the attempt's timeout.
        RateLimitLease? lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception)
        {
            return Outcome.FromException<StreamAttempt>(exception);
        }

        long started = _timeProvider.GetTimestamp();
        TimeSpan timeout = AttemptTimeout(context);
        using CancellationTokenSource timer = new(timeout, _timeProvider);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timer.Token);
        TtsChunkSource? source = null;
        TtsFailure failure;
        try
        {
            if (!lease.IsAcquired)
            {
                failure = new TtsFailure(Name, TtsFailureKind.Unavailable, "the route's concurrency queue refused the stream");
            }
            else
            {
                source = await streaming.OpenStreamAsync(request, linked.Token).ConfigureAwait(false);
                float[]? first = await source.ReadAsync(linked.Token).ConfigureAwait(false);
                if (first is not null)
                {
                    StreamAttempt opened = new(null, source, first, lease);
                    source = null;
                    lease = null;
                    activity?.SetTag("ivrvoice.tts.outcome", "ok");
                    _metrics.RecordAttempt(Name, (TtsFailure?)null, _timeProvider.GetElapsedTime(started));
                    return Outcome.FromResult(opened);
                }

                failure = new TtsFailure(Name, TtsFailureKind.MalformedAudio, "the stream ended without audio");
            }
        }
        catch (TtsStreamException exception)
        {
            failure = exception.Failure;
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // As the whole render's timeout strategy does: recorded, then retried or counted against the route like it.
            activity?.SetStatus(ActivityStatusCode.Error, "timed out");
            RecordTimeout(context, timeout);
            return Outcome.FromException<StreamAttempt>(new TimeoutRejectedException(timeout));
        }
        catch (OperationCanceledException exception)
        {
            activity?.SetTag("ivrvoice.tts.outcome", "cancelled");
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled or timed out");
            return Outcome.FromException<StreamAttempt>(exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            failure = new TtsFailure(Name, TtsFailureKind.TransientUpstream, $"connection failed: {exception.Message}");
        }
        finally
        {
            if (source is not null)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            lease?.Dispose();   // a failed attempt frees its slot before any retry's wait
        }

        _metrics.RecordAttempt(Name, failure, _timeProvider.GetElapsedTime(started));
        activity?.SetTag("ivrvoice.tts.outcome", failure.Kind.ToString());
        activity?.SetStatus(ActivityStatusCode.Error, failure.Kind.ToString());
        context.Properties.GetValue(s_failures, []).Add(failure);
        Log.AttemptFailed(_logger, Name, request.IdempotencyKey, failure.Kind, failure.Message);
        return Outcome.FromResult(new StreamAttempt(failure));
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
}
