using System.Collections.Concurrent;
using System.Diagnostics;
using IvrVoice.Audio;
using IvrVoice.Audio.Joining;
using IvrVoice.Caching;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Prompts.Announcements;

/// <summary>
/// Speaks a template with values. <c>join</c> and <c>auto</c> look every planned piece up in the prompt cache (never a
/// provider), join them and cache the result as an immutable prompt keyed by <see cref="AnnouncementKeys.ForJoin"/>;
/// <c>auto</c> also queues a background render of the whole sentence under its normal prompt key and serves that once it
/// is there. <c>render</c>, a free text value, or pieces not built yet render the whole sentence through the provider
/// chain with the caller's deadline, as any prompt does.
/// </summary>
public sealed partial class AnnouncementRenderer : IDisposable
{
    /// <summary>The provider name joined prompts record in their metadata.</summary>
    public const string JoinProvider = "join";

    private readonly PromptRenderer _renderer;
    private readonly JoinOptions _join;
    private readonly TimeProvider _time;
    private readonly ILogger<AnnouncementRenderer> _logger;
    private readonly SemaphoreSlim _background;
    private readonly ConcurrentDictionary<PromptKey, Task> _wholeRenders = new();

    // What joins measured of each piece (its sound span and gain), by piece key: a piece's audio never changes under its
    // key and the join settings are fixed, so later joins skip the measuring. Bounded: cleared when it grows past the cap.
    private readonly ConcurrentDictionary<PromptKey, PieceAnalysis> _analyses = new();
    private const int MaxAnalyses = 100_000;

    public AnnouncementRenderer(PromptRenderer renderer, IOptions<AnnouncementOptions> options, TimeProvider time, ILogger<AnnouncementRenderer> logger)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        ArgumentNullException.ThrowIfNull(options);
        _renderer = renderer;
        _join = options.Value.ToJoinOptions();
        _join.Validate();
        _background = new SemaphoreSlim(options.Value.MaxBackgroundRenders);
        _time = time;
        _logger = logger;
    }

    /// <summary>The join settings in use (part of every joined key).</summary>
    public JoinOptions JoinOptions => _join;

    /// <summary>
    /// The announcement as cached audio, its words and how it was made. Values are checked before anything else.
    /// </summary>
    /// <exception cref="TemplateValueException">A value is missing, unknown or cannot be spoken; the message names it.</exception>
    /// <exception cref="PromptRequestException">The base spec has no language, or its language cannot speak templates.</exception>
    /// <exception cref="PromptRenderException">A whole render was needed and every route failed.</exception>
    /// <exception cref="TimeoutException">A whole render exceeded the cache's render timeout.</exception>
    public async Task<AnnouncementResult> SpeakAsync(AnnouncementRequest request, CancellationToken cancellationToken)
    {
        (PromptSpec baseSpec, ComposedAnnouncement composed) = Compose(request);
        PromptSpec whole = TemplateAudioPlan.WholeRenderSpec(composed, baseSpec);
        AnnouncementResult Result(CachedPrompt prompt, AnnouncementOutcome outcome) => new()
        {
            Prompt = prompt,
            Spoken = composed.Spoken,
            Language = composed.Language,
            Strategy = request.Strategy,
            Outcome = outcome,
        };

        if (request.Strategy == AnnouncementStrategy.Render)
        {
            return Result(await RenderWholeAsync(whole, request.Urgency, cancellationToken).ConfigureAwait(false), AnnouncementOutcome.Rendered);
        }

        if (composed.RenderOnly)
        {
            return Result(await RenderWholeAsync(whole, request.Urgency, cancellationToken).ConfigureAwait(false), AnnouncementOutcome.Rendered)
                with { FallbackReason = "a free text value is rendered whole, never joined" };
        }

        if (request.Strategy == AnnouncementStrategy.Auto && await TryGetAsync(PromptKeys.For(whole), cancellationToken).ConfigureAwait(false) is { } cachedWhole)
        {
            return Result(cachedWhole, AnnouncementOutcome.WholeFromCache);
        }

        (CachedPrompt? joined, int missing, string? reason) = await JoinAsync(composed, baseSpec, cancellationToken).ConfigureAwait(false);
        if (joined is null)
        {
            Log.NotJoined(_logger, PromptKeys.For(whole).ToString(), missing);
            return Result(await RenderWholeAsync(whole, request.Urgency, cancellationToken).ConfigureAwait(false), AnnouncementOutcome.Rendered)
                with { FallbackReason = reason, MissingPieces = missing };
        }

        Task? background = request.Strategy == AnnouncementStrategy.Auto ? QueueWholeRender(whole) : null;
        return Result(joined, AnnouncementOutcome.Joined) with { WholeRender = background };
    }

    /// <summary>The request's values in its language's words; checks the request first.</summary>
    private (PromptSpec BaseSpec, ComposedAnnouncement Composed) Compose(AnnouncementRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        PromptSpec baseSpec = request.BaseSpec ?? throw new ArgumentException("The request has no base spec.", nameof(request));
        string language = baseSpec.Language is { Length: > 0 } l ? l
            : throw new PromptRequestException("An announcement needs a language: its values are spoken in that language's words.");
        DateOnly today = request.Today ?? DateOnly.FromDateTime(_time.GetLocalNow().DateTime);
        return (baseSpec, TemplateComposer.Compose(request.Template, request.Values, language, today));
    }

    /// <summary>
    /// The announcement joined from cached pieces, without rendering anything: null when its strategy renders whole, a value is
    /// free text, the whole sentence is already cached (for <c>auto</c>; play that), or a piece is missing. Streamed playout
    /// sends a join at once and streams the whole sentence otherwise.
    /// </summary>
    /// <exception cref="TemplateValueException">A value is missing, unknown or cannot be spoken.</exception>
    /// <exception cref="PromptRequestException">The base spec has no language, or its language cannot speak templates.</exception>
    public async Task<AnnouncementResult?> TryJoinCachedAsync(AnnouncementRequest request, CancellationToken cancellationToken)
    {
        (PromptSpec baseSpec, ComposedAnnouncement composed) = Compose(request);
        if (request.Strategy == AnnouncementStrategy.Render || composed.RenderOnly)
        {
            return null;
        }

        PromptSpec whole = TemplateAudioPlan.WholeRenderSpec(composed, baseSpec);
        if (request.Strategy == AnnouncementStrategy.Auto && await TryGetAsync(PromptKeys.For(whole), cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        (CachedPrompt? joined, _, _) = await JoinAsync(composed, baseSpec, cancellationToken).ConfigureAwait(false);
        if (joined is null)
        {
            return null;
        }

        Task? background = request.Strategy == AnnouncementStrategy.Auto ? QueueWholeRender(whole) : null;
        return new AnnouncementResult
        {
            Prompt = joined,
            Spoken = composed.Spoken,
            Language = composed.Language,
            Strategy = request.Strategy,
            Outcome = AnnouncementOutcome.Joined,
            WholeRender = background,
        };
    }

    /// <summary>The joined prompt (from the cache when these pieces were joined before), or null, how many distinct pieces are missing and why.</summary>
    private async Task<(CachedPrompt? Prompt, int Missing, string? Reason)> JoinAsync(ComposedAnnouncement composed, PromptSpec baseSpec, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        IReadOnlyList<JoinStep> steps = TemplateAudioPlan.JoinSteps(composed, baseSpec);
        (PromptKey Piece, JoinGap GapBefore)[] planned = new (PromptKey, JoinGap)[steps.Count];
        for (int i = 0; i < steps.Count; i++)
        {
            planned[i] = (PromptKeys.For(steps[i].Spec), steps[i].GapBefore);
        }

        PromptKey key = AnnouncementKeys.ForJoin(planned, _join, baseSpec.Mastering);
        if (await TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } done)
        {
            return (done, 0, null);
        }

        Dictionary<PromptKey, CachedPrompt?> pieces = await GetPiecesAsync(planned, cancellationToken).ConfigureAwait(false);
        int missing = pieces.Values.Count(p => p is null);
        if (missing > 0)
        {
            return (null, missing, $"{missing} planned piece(s) are not in the cache (build the library)");
        }

        WavPiece[] wavs = new WavPiece[planned.Length];
        for (int i = 0; i < planned.Length; i++)
        {
            wavs[i] = new WavPiece(pieces[planned[i].Piece]!.Audio, planned[i].GapBefore == JoinGap.Phrase ? JoinBoundary.Phrase : JoinBoundary.Word,
                _analyses.TryGetValue(planned[i].Piece, out PieceAnalysis analysis) ? analysis : null);
        }

        CachedPrompt prompt;
        try
        {
            prompt = Join(key, wavs, planned, composed, baseSpec);
        }
        catch (AudioFormatException)
        {
            // A cached piece that does not decode is a damaged entry: render whole rather than fail the call.
            return (null, 0, "a cached piece does not decode");
        }

        // Play-ready once in memory; the durable write follows in the background (a join is rebuilt from its pieces, and
        // two callers joining the same sentence at once make the same bytes).
        _ = _renderer.Cache.PutMemoryFirst(prompt);

        Log.Joined(_logger, key.ToString(), planned.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return (prompt, 0, null);
    }

    private CachedPrompt Join(PromptKey key, WavPiece[] pieces, (PromptKey Piece, JoinGap GapBefore)[] planned, ComposedAnnouncement composed, PromptSpec baseSpec)
    {
        JoinedFile joined = AudioJoiner.JoinWav(pieces, baseSpec.Mastering, _join);
        if (_analyses.Count > MaxAnalyses)
        {
            _analyses.Clear();
        }

        for (int i = 0; i < planned.Length; i++)
        {
            _analyses.TryAdd(planned[i].Piece, joined.Analyses[i]);
        }
        PromptMetadata metadata = baseSpec.Metadata(key, composed.Spoken, JoinProvider, joined.Duration.TotalSeconds, _time.GetUtcNow());
        return CachedPrompt.Create(metadata, joined.File);
    }

    // Distinct pieces only; memory hits complete at once, store reads run together.
    private async Task<Dictionary<PromptKey, CachedPrompt?>> GetPiecesAsync((PromptKey Piece, JoinGap GapBefore)[] planned, CancellationToken cancellationToken)
    {
        Dictionary<PromptKey, CachedPrompt?> found = [];
        List<(PromptKey Key, Task<CachedPrompt?> Read)> pending = [];
        foreach ((PromptKey piece, _) in planned)
        {
            if (found.ContainsKey(piece) || pending.Exists(p => p.Key == piece))
            {
                continue;
            }

            ValueTask<CachedPrompt?> read = TryGetAsync(piece, cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                found[piece] = read.Result;
            }
            else
            {
                pending.Add((piece, read.AsTask()));
            }
        }

        foreach ((PromptKey piece, Task<CachedPrompt?> read) in pending)
        {
            found[piece] = await read.ConfigureAwait(false);
        }

        return found;
    }

    // A store that cannot be read is a miss here: the whole render that follows tolerates it.
    private async ValueTask<CachedPrompt?> TryGetAsync(PromptKey key, CancellationToken cancellationToken)
    {
        ValueTask<CachedPrompt?> read = _renderer.Cache.TryGetAsync(key, CacheMode.ReadWrite, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            return read.Result;
        }

        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.StoreReadFailed(_logger, e, key.ToString());
            return null;
        }
    }

    private Task<CachedPrompt> RenderWholeAsync(PromptSpec whole, RenderUrgency urgency, CancellationToken cancellationToken) =>
        _renderer.GetOrRenderAsync(whole, urgency, CacheMode.ReadWrite, cancellationToken);

    /// <summary>Starts the whole render unless it is running already or the background is full; the task never faults.</summary>
    private Task? QueueWholeRender(PromptSpec whole)
    {
        PromptKey key = PromptKeys.For(whole);
        if (_wholeRenders.TryGetValue(key, out Task? running))
        {
            return running;
        }

        if (!_background.Wait(0))
        {
            Log.BackgroundFull(_logger, key.ToString());
            return null;
        }

        TaskCompletionSource queued = new(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_wholeRenders.TryAdd(key, queued.Task))
        {
            _background.Release();
            return _wholeRenders.TryGetValue(key, out running) ? running : null;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await _renderer.GetOrRenderAsync(whole, RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None).ConfigureAwait(false);
                Log.WholeRendered(_logger, key.ToString());
            }
            catch (Exception e)
            {
                Log.WholeRenderFailed(_logger, e, key.ToString());
            }
            finally
            {
                _wholeRenders.TryRemove(key, out _);
                _background.Release();
                queued.TrySetResult();
            }
        }, CancellationToken.None);
        return queued.Task;
    }

    public void Dispose() => _background.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Joined announcement {PromptKey} from {Pieces} pieces in {ElapsedMs:F2} ms")]
        public static partial void Joined(ILogger logger, string promptKey, int pieces, double elapsedMs);

        [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Announcement {PromptKey} is rendered whole: it could not be joined ({MissingPieces} planned pieces not in the cache)")]
        public static partial void NotJoined(ILogger logger, string promptKey, int missingPieces);

        [LoggerMessage(EventId = 902, Level = LogLevel.Information, Message = "Background whole render of announcement {PromptKey} is cached")]
        public static partial void WholeRendered(ILogger logger, string promptKey);

        [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "Background whole render of announcement {PromptKey} failed; callers keep hearing the join")]
        public static partial void WholeRenderFailed(ILogger logger, Exception exception, string promptKey);

        [LoggerMessage(EventId = 904, Level = LogLevel.Debug, Message = "Background whole render of announcement {PromptKey} not queued: the background is full")]
        public static partial void BackgroundFull(ILogger logger, string promptKey);

        [LoggerMessage(EventId = 905, Level = LogLevel.Warning, Message = "The cache could not be read for piece {PromptKey}; treating it as missing")]
        public static partial void StoreReadFailed(ILogger logger, Exception exception, string promptKey);
    }
}
