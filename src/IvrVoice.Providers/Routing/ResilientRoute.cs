using System.Diagnostics;
using IvrVoice.Providers.Configuration;
using IvrVoice.Providers.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using System.Threading.RateLimiting;

namespace IvrVoice.Providers.Routing;

/// <summary>
/// One route behind its resilience pipeline: retry (transient kinds only, honouring the wait the route asked for),
/// circuit breaker, concurrency limit and attempt timeout, outermost first. Whole renders and streams share one retry and
/// breaker (<see cref="_policy"/>), one concurrency limiter and the same attempt timeout and metrics; a stream holds its
/// slot from its attempt until it is disposed, never through a retry's wait (streaming half in ResilientRoute.Streaming.cs).
/// </summary>
internal sealed partial class ResilientRoute
{
    private static readonly ResiliencePropertyKey<List<TtsFailure>> s_failures = new("ivrvoice.failures");
    private static readonly ResiliencePropertyKey<DateTimeOffset> s_routeDeadline = new("ivrvoice.route-deadline");
    private static readonly ResiliencePropertyKey<string?> s_promptKey = new("ivrvoice.prompt-key");
    private static readonly ResiliencePropertyKey<int> s_attempts = new("ivrvoice.attempts");

    private readonly RouteOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly TtsMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CircuitBreakerStateProvider _breaker = new();
    private readonly ConcurrencyLimiter _limiter;
    private readonly ResiliencePipeline _policy;
    private readonly ResiliencePipeline<TtsOutcome> _pipeline;
    private readonly ResiliencePipeline<StreamAttempt> _streamPipeline;

    public ResilientRoute(ITtsProvider provider, RouteOptions options, TimeProvider timeProvider, TtsMetrics metrics, ILogger logger)
    {
        Provider = provider;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        // Polly.RateLimiting's concurrency limiter: calls beyond the limit queue (oldest first, cancellably) rather than fail.
        // One limiter for whole renders and streams alike, so MaxConcurrency bounds everything sent to the route.
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _policy = BuildPolicy();
        _pipeline = new ResiliencePipelineBuilder<TtsOutcome> { Name = "ivrvoice-tts", InstanceName = Name, TimeProvider = _timeProvider }
            .AddPipeline(_policy)
            .AddRateLimiter(_limiter)
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(AttemptTimeout(args.Context)),
                OnTimeout = args =>
                {
                    RecordTimeout(args.Context, args.Timeout);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        // A stream takes its slot inside the attempt (and keeps it when the attempt opens the stream), so the limiter and the
        // attempt's timeout are applied there; retry and breaker are the very same strategies whole renders go through.
        _streamPipeline = new ResiliencePipelineBuilder<StreamAttempt> { Name = "ivrvoice-tts-stream", InstanceName = Name, TimeProvider = _timeProvider }
            .AddPipeline(_policy)
            .Build();
    }

    public ITtsProvider Provider { get; }

    public string Name => Provider.Name;

    public BreakerState State => _breaker.CircuitState switch
    {
        CircuitState.Closed => BreakerState.Closed,
        CircuitState.HalfOpen => BreakerState.HalfOpen,
        _ => BreakerState.Open,
    };

    /// <summary>
    /// Runs the request on this route within <paramref name="budget"/>. Every failed attempt is appended to
    /// <paramref name="failures"/>. Throws only when <paramref name="callerToken"/> is cancelled.
    /// </summary>
    public async Task<TtsOutcome> ExecuteAsync(
        TtsRequest request, TimeSpan budget, List<TtsFailure> failures, CancellationToken routeToken, CancellationToken callerToken)
    {
        using Activity? activity = ProvidersTracing.Source.StartActivity("tts.route");
        activity?.SetTag("ivrvoice.tts.route", Name);
        activity?.SetTag("ivrvoice.tts.breaker", State.ToString());
        TtsOutcome result = await ExecuteCoreAsync(request, budget, failures, routeToken, callerToken).ConfigureAwait(false);
        if (activity is not null)
        {
            activity.SetTag("ivrvoice.tts.outcome", result.Succeeded ? "ok" : result.Failure.Kind.ToString());
            activity.SetTag("ivrvoice.tts.breaker_after", State.ToString());
            if (!result.Succeeded)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.Failure.Kind.ToString());
            }
        }

        return result;
    }

    private async Task<TtsOutcome> ExecuteCoreAsync(
        TtsRequest request, TimeSpan budget, List<TtsFailure> failures, CancellationToken routeToken, CancellationToken callerToken)
    {
        ResilienceContext context = Context(request, budget, failures, routeToken);
        try
        {
            Outcome<TtsOutcome> outcome = await _pipeline.ExecuteOutcomeAsync(
                static (ctx, state) => state.Route.AttemptAsync(state.Request, ctx),
                context,
                (Route: this, Request: request)).ConfigureAwait(false);

            if (outcome.Exception is null)
            {
                return outcome.Result!;
            }

            callerToken.ThrowIfCancellationRequested();
            return FailureOf(outcome.Exception, budget, failures);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<Outcome<TtsOutcome>> AttemptAsync(TtsRequest request, ResilienceContext context)
    {
        long started = _timeProvider.GetTimestamp();
        int attempt = context.Properties.GetValue(s_attempts, 0) + 1;
        context.Properties.Set(s_attempts, attempt);
        using Activity? activity = ProvidersTracing.Source.StartActivity("tts.attempt");
        activity?.SetTag("ivrvoice.tts.route", Name);
        activity?.SetTag("ivrvoice.tts.attempt", attempt);
        activity?.SetTag("ivrvoice.tts.retry", attempt > 1);
        TtsOutcome outcome;
        try
        {
            outcome = await Provider.SynthesizeAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            // The timeout strategy turns its own cancellation into TimeoutRejectedException; the rest is the caller's.
            activity?.SetTag("ivrvoice.tts.outcome", "cancelled");
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled or timed out");
            return Outcome.FromException<TtsOutcome>(ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            outcome = new TtsFailure(Name, TtsFailureKind.TransientUpstream, $"connection failed: {ex.Message}");
        }

        _metrics.RecordAttempt(Name, outcome, _timeProvider.GetElapsedTime(started));
        activity?.SetTag("ivrvoice.tts.outcome", outcome.Succeeded ? "ok" : outcome.Failure.Kind.ToString());
        if (!outcome.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Failure.Kind.ToString());
            if (outcome.Failure.RetryAfter is { } retryAfter)
            {
                activity?.SetTag("ivrvoice.tts.retry_after_ms", retryAfter.TotalMilliseconds);
            }

            context.Properties.GetValue(s_failures, []).Add(outcome.Failure);
            Log.AttemptFailed(_logger, Name, request.IdempotencyKey, outcome.Failure.Kind, outcome.Failure.Message);
        }

        return Outcome.FromResult(outcome);
    }

    private ResilienceContext Context(TtsRequest request, TimeSpan budget, List<TtsFailure> failures, CancellationToken routeToken)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(routeToken);
        context.Properties.Set(s_failures, failures);
        context.Properties.Set(s_routeDeadline, _timeProvider.GetUtcNow() + budget);
        context.Properties.Set(s_promptKey, request.IdempotencyKey);
        return context;
    }

    // What an attempt that ended with an exception (not the caller's cancellation) counts as.
    private TtsFailure FailureOf(Exception exception, TimeSpan budget, List<TtsFailure> failures) => exception switch
    {
        BrokenCircuitException broken => Record(failures, new TtsFailure(Name, TtsFailureKind.Unavailable,
            "circuit breaker is open after repeated failures", broken.RetryAfter)),
        TimeoutRejectedException => failures.Count > 0 ? failures[^1] : Record(failures, TimedOut(_options.AttemptTimeout)),
        OperationCanceledException => Record(failures, new TtsFailure(Name, TtsFailureKind.Timeout,
            $"no audio within this route's share of the deadline ({budget.TotalSeconds:0.#} s)")),
        _ => Unexpected(failures, exception),
    };

    // The failure an attempt's result carries, whole render or stream.
    private static TtsFailure? FailureOf(object? result) => result switch
    {
        TtsOutcome { Succeeded: false } outcome => outcome.Failure,
        StreamAttempt attempt => attempt.Failure,
        _ => null,
    };

    // An attempt gets the route's AttemptTimeout, or what is left of its share of the deadline if that is less.
    private TimeSpan AttemptTimeout(ResilienceContext context)
    {
        TimeSpan left = context.Properties.GetValue(s_routeDeadline, DateTimeOffset.MaxValue) - _timeProvider.GetUtcNow();
        TimeSpan timeout = left < _options.AttemptTimeout ? left : _options.AttemptTimeout;
        return timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1);
    }

    private void RecordTimeout(ResilienceContext context, TimeSpan timeout)
    {
        TtsFailure failure = TimedOut(timeout);
        context.Properties.GetValue(s_failures, []).Add(failure);
        _metrics.RecordAttempt(Name, failure, timeout);
        Log.AttemptFailed(_logger, Name, context.Properties.GetValue(s_promptKey, null), failure.Kind, failure.Message);
    }

    // Retry and breaker, one instance per route for whole renders and streams alike: a stream's failures count towards the
    // breaker a whole render sees, and both back off the same way (exponential with jitter, or the wait the route asked for).
    private ResiliencePipeline BuildPolicy()
    {
        ResiliencePipelineBuilder builder = new() { Name = "ivrvoice-tts-policy", InstanceName = Name, TimeProvider = _timeProvider };
        if (_options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, FailureOf(args.Outcome.Result), args.AttemptNumber, args.Context)),
                // The wait the route asked for (Retry-After, Segmind's reset time, Google's RetryInfo) wins over backoff.
                DelayGenerator = args => ValueTask.FromResult(FailureOf(args.Outcome.Result)?.RetryAfter),
                OnRetry = args =>
                {
                    Log.Retrying(_logger, Name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = _options.BreakerFailureRatio,
            MinimumThroughput = _options.BreakerMinimumThroughput,
            SamplingDuration = _options.BreakerSamplingDuration,
            BreakDuration = _options.BreakerBreakDuration,
            StateProvider = _breaker,
            ShouldHandle = args => ValueTask.FromResult(CountsAgainstRoute(args.Outcome.Exception, FailureOf(args.Outcome.Result))),
            OnOpened = args =>
            {
                Log.BreakerOpened(_logger, Name, args.BreakDuration.TotalSeconds);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                Log.BreakerClosed(_logger, Name);
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    private bool ShouldRetry(Exception? exception, TtsFailure? failure, int attemptNumber, ResilienceContext context)
    {
        TimeSpan? asked;
        if (exception is TimeoutRejectedException)
        {
            asked = null;
        }
        else if (exception is null && failure is { IsTransient: true })
        {
            asked = failure.RetryAfter;
            if (asked > _options.MaxRetryDelay)
            {
                return false;   // the route asked for a longer pause than we wait: fail over now
            }
        }
        else
        {
            return false;
        }

        // Don't start a wait that cannot end before this route's share of the deadline: failing over is faster.
        TimeSpan left = context.Properties.GetValue(s_routeDeadline, DateTimeOffset.MaxValue) - _timeProvider.GetUtcNow();
        TimeSpan expected = asked ?? _options.RetryBaseDelay * Math.Pow(2, attemptNumber);
        return expected < left;
    }

    private static bool CountsAgainstRoute(Exception? exception, TtsFailure? failure) => exception switch
    {
        TimeoutRejectedException => true,
        OperationCanceledException => false,
        not null => true,
        // A bad voice or blocked text says nothing about the route's health.
        null => failure is not null && failure.Kind is not (TtsFailureKind.InvalidRequest or TtsFailureKind.ContentBlocked),
    };

    private TtsFailure TimedOut(TimeSpan timeout) =>
        new(Name, TtsFailureKind.Timeout, $"no answer within {timeout.TotalSeconds:0.###} s");

    private static TtsFailure Record(List<TtsFailure> failures, TtsFailure failure)
    {
        failures.Add(failure);
        return failure;
    }

    private TtsFailure Unexpected(List<TtsFailure> failures, Exception exception)
    {
        Log.UnexpectedError(_logger, exception, Name);
        return Record(failures, new TtsFailure(Name, TtsFailureKind.TransientUpstream, $"unexpected {exception.GetType().Name} in the {Name} route"));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "TTS route {Provider} failed for {PromptKey}: {Kind}: {Reason}")]
        public static partial void AttemptFailed(ILogger logger, string provider, string? promptKey, TtsFailureKind kind, string reason);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "TTS route {Provider}: retry {Attempt} in {DelayMs} ms")]
        public static partial void Retrying(ILogger logger, string provider, int attempt, double delayMs);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "TTS route {Provider}: circuit breaker opened for {BreakSeconds} s")]
        public static partial void BreakerOpened(ILogger logger, string provider, double breakSeconds);

        [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "TTS route {Provider}: circuit breaker closed")]
        public static partial void BreakerClosed(ILogger logger, string provider);

        [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "TTS route {Provider} threw unexpectedly")]
        public static partial void UnexpectedError(ILogger logger, Exception exception, string provider);
    }
}
