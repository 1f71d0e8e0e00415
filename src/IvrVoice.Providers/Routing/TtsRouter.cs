using System.Diagnostics;
using IvrVoice.Providers.Configuration;
using IvrVoice.Providers.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Providers.Routing;

/// <summary>Tries the configured routes in order, within the urgency's deadline, until one produces audio.</summary>
internal sealed partial class TtsRouter : ITtsRouter
{
    private const string RouterName = "router";

    private readonly ProvidersOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly TtsMetrics _metrics;
    private readonly ILogger<TtsRouter> _logger;
    private readonly IReadOnlyList<ResilientRoute> _routes;
    private readonly IReadOnlyDictionary<string, ITtsProvider> _known;

    public TtsRouter(
        IEnumerable<ITtsProvider> providers,
        IOptions<ProvidersOptions> options,
        IOptionsMonitor<RouteOptions> routeOptions,
        TimeProvider timeProvider,
        TtsMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        _options = options.Value;   // validates every enabled route's settings, naming each bad setting
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger<TtsRouter>();
        _known = providers.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        ILogger routeLogger = loggerFactory.CreateLogger<ResilientRoute>();
        _routes = [.. ProvidersConfiguration.EffectiveOrder(_options, routeOptions.Get)
            .Where(_known.ContainsKey)
            .Select(name => new ResilientRoute(_known[name], routeOptions.Get(name), timeProvider, metrics, routeLogger))];
        Routes = [.. _routes.Select(r => r.Name)];
        DefaultModel = ModelCatalog.Normalize(_options.DefaultModel)
            ?? (_routes.Any(r => r.Provider.Supports(ModelCatalog.Gemini31FlashTts)) ? ModelCatalog.Gemini31FlashTts : ModelCatalog.EspeakNg);
        metrics.ObserveBreakers(GetHealth);
    }

    public IReadOnlyList<string> Routes { get; }

    public string DefaultModel { get; }

    ResilientRoute? ITtsRouter.Route(string name) => _routes.FirstOrDefault(r => r.Name == name);

    public bool Supports(string model) =>
        ModelCatalog.Normalize(model) is { } canonical && _routes.Any(r => r.Provider.Supports(canonical));

    public IReadOnlyList<RouteHealth> GetHealth()
    {
        List<RouteHealth> health = [];
        foreach (string name in RouteNames.All.Concat(_known.Keys.Except(RouteNames.All)))
        {
            ResilientRoute? route = _routes.FirstOrDefault(r => r.Name == name);
            health.Add(new RouteHealth(name, route?.State ?? BreakerState.Closed, route is not null));
        }

        return health;
    }

    public async Task<RoutedTts> SynthesizeAsync(TtsRequest request, RenderUrgency urgency, string? onlyProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        using Activity? activity = ProvidersTracing.Source.StartActivity("tts.synthesize");
        activity?.SetTag("ivrvoice.tts.urgency", urgency.ToString());
        RoutedTts result = await SynthesizeCoreAsync(request, urgency, onlyProvider, cancellationToken).ConfigureAwait(false);
        if (activity is not null)
        {
            activity.SetTag("ivrvoice.tts.model", ModelCatalog.Normalize(request.Model) ?? "unknown");
            activity.SetTag("ivrvoice.tts.served_by", result.Audio is null ? null : result.ServedBy);
            activity.SetTag("ivrvoice.tts.failures", result.Failures.Count);
            if (!result.Succeeded)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.Failures.Count > 0 ? result.Failures[^1].Kind.ToString() : "no route");
            }
        }

        return result;
    }

    private async Task<RoutedTts> SynthesizeCoreAsync(TtsRequest request, RenderUrgency urgency, string? onlyProvider, CancellationToken cancellationToken)
    {
        List<TtsFailure> failures = [];
        if (Prepare(request, failures) is not { } prepared)
        {
            return new RoutedTts { Failures = failures };
        }

        List<ResilientRoute> candidates = SelectRoutes(prepared, onlyProvider, failures);
        if (candidates.Count == 0)
        {
            Log.NoRoute(_logger, prepared.IdempotencyKey, prepared.Model, failures[^1].Message);
            return new RoutedTts { Failures = failures };
        }

        TimeSpan deadline = urgency == RenderUrgency.InCall ? _options.InCallDeadline : _options.BatchDeadline;
        DateTimeOffset deadlineAt = _timeProvider.GetUtcNow() + deadline;
        using CancellationTokenSource deadlineTimer = new(deadline, _timeProvider);
        using CancellationTokenSource deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadlineTimer.Token);

        for (int i = 0; i < candidates.Count; i++)
        {
            ResilientRoute route = candidates[i];
            TimeSpan remaining = deadlineAt - _timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero || deadlineSource.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                failures.Add(new TtsFailure(route.Name, TtsFailureKind.Timeout,
                    $"the {urgency} deadline of {deadline.TotalSeconds:0.#} s ran out before this route was tried"));
                continue;
            }

            // A caller on the line must never wait on one hung route: each in-call route but the last gets half of what is left.
            bool last = i == candidates.Count - 1;
            TimeSpan budget = urgency == RenderUrgency.InCall && !last ? remaining / 2 : remaining;
            using CancellationTokenSource budgetTimer = new(budget, _timeProvider);
            using CancellationTokenSource routeSource = CancellationTokenSource.CreateLinkedTokenSource(deadlineSource.Token, budgetTimer.Token);

            TtsOutcome outcome = await route.ExecuteAsync(prepared, budget, failures, routeSource.Token, cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                Log.Served(_logger, prepared.IdempotencyKey, route.Name, outcome.Audio.Latency.TotalMilliseconds, failures.Count);
                return new RoutedTts { Audio = outcome.Audio, Failures = failures };
            }

            if (!last)
            {
                _metrics.RecordFailover(route.Name, candidates[i + 1].Name);
                Log.FailingOver(_logger, prepared.IdempotencyKey, route.Name, candidates[i + 1].Name, outcome.Failure.Kind);
            }
        }

        Log.AllFailed(_logger, prepared.IdempotencyKey, failures.Count, string.Join("; ", failures.Select(f => f.ToString())));
        return new RoutedTts { Failures = failures };
    }

    /// <summary>Checks what can be checked before spending money, and puts model and voices in canonical form.</summary>
    internal static TtsRequest? Prepare(TtsRequest request, List<TtsFailure> failures)
    {
        string? model = ModelCatalog.Normalize(request.Model);
        string? problem = null;
        string? voice = null;
        List<TtsSpeaker> speakers = [];
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            problem = "the text is empty";
        }
        else if (model is null)
        {
            problem = $"unknown model '{request.Model}'; known models: {string.Join(", ", ModelCatalog.All)}";
        }
        else if ((voice = VoiceCatalog.Normalize(model, request.Voice)) is null)
        {
            problem = $"'{request.Voice}' is not a voice of {model}";
        }
        else if (request.Speakers.Count is not (0 or 2))
        {
            problem = $"a prompt has one voice or exactly two speakers, not {request.Speakers.Count}";
        }
        else
        {
            foreach (TtsSpeaker speaker in request.Speakers)
            {
                string? speakerVoice = VoiceCatalog.Normalize(model, speaker.Voice);
                if (string.IsNullOrWhiteSpace(speaker.Name) || speakerVoice is null)
                {
                    problem = $"speaker '{speaker.Name}' needs a name and a voice of {model}; '{speaker.Voice}' is not one";
                    break;
                }

                speakers.Add(speaker with { Voice = speakerVoice });
            }
        }

        if (problem is not null)
        {
            failures.Add(new TtsFailure(RouterName, TtsFailureKind.InvalidRequest, problem));
            return null;
        }

        return request with
        {
            Model = model!,
            Voice = voice!,
            Speakers = speakers,
            // Without a prompt key, a per-call key still stops a retry from paying for a second asynchronous job.
            IdempotencyKey = request.IdempotencyKey ?? "call-" + Guid.NewGuid().ToString("N"),
        };
    }

    private List<ResilientRoute> SelectRoutes(TtsRequest request, string? onlyProvider, List<TtsFailure> failures)
    {
        IEnumerable<ResilientRoute> routes = _routes;
        if (onlyProvider is not null)
        {
            string? name = RouteNames.Normalize(onlyProvider) ?? (_known.ContainsKey(onlyProvider) ? onlyProvider : null);
            if (name is null)
            {
                failures.Add(new TtsFailure(onlyProvider, TtsFailureKind.Unavailable,
                    $"there is no route named '{onlyProvider}'; routes: {string.Join(", ", RouteNames.All)}"));
                return [];
            }

            routes = _routes.Where(r => r.Name == name);
            if (!routes.Any())
            {
                string hint = name == RouteNames.Espeak ? "add espeak to Providers:Order" : $"set {RouteNames.SectionOf(name)}:ApiKey";
                failures.Add(new TtsFailure(name, TtsFailureKind.Unavailable, $"the {name} route is not configured ({hint})"));
                return [];
            }
        }

        List<ResilientRoute> serving = [.. routes.Where(r => r.Provider.Supports(request.Model))];
        if (serving.Count > 0 && request.Speakers.Count == 2)
        {
            serving.RemoveAll(r => r.Provider is ISpeakerCapability { SupportsTwoSpeakers: false });
            if (serving.Count == 0)
            {
                failures.Add(new TtsFailure(onlyProvider ?? RouterName, TtsFailureKind.Unavailable,
                    $"no configured route for {request.Model} can voice two speakers (gemini and segmind can)"));
                return serving;
            }
        }

        if (serving.Count == 0)
        {
            string configured = Routes.Count == 0 ? "none" : string.Join(", ", onlyProvider is null ? Routes : routes.Select(r => r.Name));
            failures.Add(new TtsFailure(onlyProvider ?? RouterName, TtsFailureKind.Unavailable,
                $"no configured route serves model {request.Model} (routes tried: {configured})"));
        }

        return serving;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
            Message = "Prompt {PromptKey} served by {Provider} in {LatencyMs} ms after {FailureCount} failures")]
        public static partial void Served(ILogger logger, string? promptKey, string provider, double latencyMs, int failureCount);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Prompt {PromptKey}: {From} failed ({Kind}), failing over to {To}")]
        public static partial void FailingOver(ILogger logger, string? promptKey, string from, string to, TtsFailureKind kind);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Prompt {PromptKey}: every route failed ({FailureCount} failures): {Failures}")]
        public static partial void AllFailed(ILogger logger, string? promptKey, int failureCount, string failures);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Prompt {PromptKey}: no route for model {Model}: {Reason}")]
        public static partial void NoRoute(ILogger logger, string? promptKey, string model, string reason);
    }
}
