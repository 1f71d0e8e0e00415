using System.Text.Json;
using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Library;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Api;
using IvrVoice.Server.Voice;

namespace IvrVoice.Server.Audition;

/// <summary>
/// The audition page: the prompt library of <c>Flows:Folder</c> as a table, each prompt playable in the browser with its
/// waveform, and any prompt rendered again with another voice to hear both side by side. Access: <see cref="AuditionAccess"/>.
/// </summary>
internal static partial class AuditionEndpoints
{
    /// <summary>Browsers play 16-bit PCM WAV everywhere; 16 kHz keeps the 8 kHz telephone audio's whole band without bloat.</summary>
    private const int PreviewRate = 16_000;

    /// <summary>
    /// <c>GET /audition</c> (the page and its script and style), <c>GET /audition/api/prompts</c>, <c>GET /audition/preview/{key}.wav</c>
    /// and <c>POST /audition/api/render</c>. <c>Audition:Access</c> is read here, once; a bad value turns the page off and is logged.
    /// </summary>
    public static IEndpointRouteBuilder MapAudition(this IEndpointRouteBuilder endpoints)
    {
        AuditionAccess access = AuditionAccess.FromConfiguration(endpoints.ServiceProvider.GetRequiredService<IConfiguration>());
        ILogger logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditionEndpoints).FullName!);
        if (access.OffBehindProxy)
        {
            Log.OffBehindProxy(logger);
        }

        if (access.Problem is { } problem)
        {
            Log.InvalidAccess(logger, problem);
        }

        RouteGroupBuilder audition = endpoints.MapGroup("/audition").ExcludeFromDescription();
        audition.MapGet("/", (HttpContext context, ApiKeys keys) => Asset(context, access, keys, AuditionPage.Html, "text/html; charset=utf-8"));
        audition.MapGet("/app.js", (HttpContext context, ApiKeys keys) => Asset(context, access, keys, AuditionPage.Script, "text/javascript; charset=utf-8"));
        audition.MapGet("/app.css", (HttpContext context, ApiKeys keys) => Asset(context, access, keys, AuditionPage.Style, "text/css; charset=utf-8"));
        audition.MapGet("/api/prompts", (HttpContext context, ApiKeys keys, CallFlows flows, PromptCache cache, CancellationToken cancellationToken) =>
            access.CheckRead(context, keys) is { } refused ? Task.FromResult(refused) : ListAsync(access, flows, cache, cancellationToken));
        audition.MapGet("/preview/{key}.wav", (string key, HttpContext context, ApiKeys keys, PromptCache cache, CancellationToken cancellationToken) =>
            access.CheckRead(context, keys) is { } refused ? Task.FromResult(refused) : PreviewAsync(key, context, cache, cancellationToken));
        audition.MapPost("/api/render", (HttpContext context, ApiKeys keys, CallFlows flows, PromptRenderer renderer, CancellationToken cancellationToken) =>
                access.CheckWrite(context, keys) is { } refused ? Task.FromResult(refused) : RenderTakeAsync(context, flows, renderer, logger, cancellationToken))
            .RequireRateLimiting(RenderRateLimiting.PolicyName);
        audition.MapPost("/api/announce", (HttpContext context, ApiKeys keys, CallFlows flows, AnnouncementResolver resolver, CancellationToken cancellationToken) =>
                access.CheckWrite(context, keys) is { } refused ? Task.FromResult(refused) : AuditionTemplates.SpeakAsync(context, flows, resolver, cancellationToken))
            .RequireRateLimiting(RenderRateLimiting.PolicyName);
        return endpoints;
    }

    /// <summary>The page, its script or its style. In ApiKey mode they are served without a key: they hold no data.</summary>
    private static IResult Asset(HttpContext context, AuditionAccess access, ApiKeys keys, string content, string contentType)
    {
        if (access.Mode != AuditionAccessMode.ApiKey && access.CheckRead(context, keys) is { } refused)
        {
            return refused;
        }

        IHeaderDictionary headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return Results.Text(content, contentType);
    }

    private static async Task<IResult> ListAsync(AuditionAccess access, CallFlows flows, PromptCache cache, CancellationToken cancellationToken)
    {
        List<AuditionPrompt> prompts = [];
        try
        {
            foreach (LibraryPrompt prompt in flows.Library.Prompts)
            {
                PromptSpec spec = flows.SpecFor(prompt);
                PromptKey key = PromptKeys.For(spec);
                CachedPrompt? cached = await cache.TryGetAsync(key, CacheMode.ReadOnly, cancellationToken).ConfigureAwait(false);
                prompts.Add(new AuditionPrompt(
                    prompt.Id,
                    prompt.Language,
                    prompt.Text,
                    spec.Voice,
                    [.. spec.Speakers.Select(s => new AuditionSpeaker(s.Name, s.Voice))],
                    spec.Model,
                    key.ToString(),
                    cached is not null,
                    cached?.Metadata.Provider,
                    cached is null ? null : Math.Round(cached.Metadata.DurationSeconds, 3),
                    cached is null ? null : PreviewUrl(key),
                    cached is null ? null : AuditionAudio.Peaks(cached.Audio.Span),
                    prompt.Template is { } template
                        ? [.. template.Placeholders.Select(p => new AuditionPlaceholder(p.Name, p.Type.ToString().ToLowerInvariant(), p.Options))]
                        : null,
                    prompt.Template is null ? null : prompt.Strategy.ToString().ToLowerInvariant()));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not AudioFormatException)
        {
            return StoreUnavailable();
        }

        return TypedResults.Json(new AuditionLibrary(flows.Library.Name, access.Mode.ToString(), VoiceCatalog.GeminiVoices, prompts), AuditionJsonContext.Default.AuditionLibrary);
    }

    private static async Task<IResult> PreviewAsync(string key, HttpContext context, PromptCache cache, CancellationToken cancellationToken)
    {
        if (!PromptKey.TryParse(key, out PromptKey promptKey))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed prompt key",
                detail: $"A prompt key is exactly {PromptKey.Length} lowercase hexadecimal characters.");
        }

        CachedPrompt? cached;
        try
        {
            cached = await cache.TryGetAsync(promptKey, CacheMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return StoreUnavailable();
        }

        if (cached is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown prompt", detail: $"No prompt {promptKey} is cached.");
        }

        byte[] preview = Transcoder.ToPreviewWav(AudioDecoder.Decode(cached.Audio.Span), PreviewRate);
        // The key names the content, so the preview of a key never changes.
        context.Response.Headers.CacheControl = "private, max-age=86400, immutable";
        return Results.Bytes(preview, "audio/wav");
    }

    private const int MaxTakeBodyBytes = 4 * 1024;

    private static async Task<IResult> RenderTakeAsync(HttpContext context, CallFlows flows, PromptRenderer renderer, ILogger logger, CancellationToken cancellationToken)
    {
        // A take request is three short strings: cap it before it is read, like every other body.
        if (context.Request.ContentLength > MaxTakeBodyBytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"The body may be at most {MaxTakeBodyBytes} bytes.");
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxTakeBodyBytes;
        }

        AuditionTakeRequest? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync(AuditionJsonContext.Default.AuditionTakeRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            return ApiProblems.BadRequest("Invalid JSON", $"The body is not a take request ({{ \"language\", \"id\", \"voice\" }}): {PromptApiEndpoints.DescribeJsonError(exception)}");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"The body may be at most {MaxTakeBodyBytes} bytes.");
        }

        if (body is not { Language: { Length: > 0 } language, Id: { Length: > 0 } id, Voice: { Length: > 0 } voiceName })
        {
            return ApiProblems.BadRequest("Incomplete take request", "Give the prompt's language and id, and the voice to render it with.");
        }

        if (!flows.Library.TryGetPrompt(language, id, out LibraryPrompt? prompt))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown prompt", detail: $"The library has no prompt '{id}' in {language}.");
        }

        if (prompt.Speakers.Count > 0)
        {
            return ApiProblems.BadRequest("Dialogue prompt", "A dialogue takes its voices from its speakers; change them in the library.");
        }

        PromptSpec spec = flows.SpecFor(prompt);
        if (VoiceCatalog.Normalize(spec.Model, voiceName) is not { } voice)
        {
            return ApiProblems.BadRequest("Unknown voice", $"The model {spec.Model} has no voice '{voiceName}'.");
        }

        spec = spec with { Voice = voice };
        CachedPrompt take;
        try
        {
            take = await renderer.GetOrRenderAsync(spec, RenderUrgency.Batch, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
        }
        catch (PromptRenderException exception)
        {
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Rendering failed", detail: exception.Message);
        }
        catch (TimeoutException exception)
        {
            return Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "Rendering took too long", detail: exception.Message);
        }

        Log.TakeRendered(logger, take.Metadata.Key.ToString(), language, id, voice, take.Metadata.Provider);
        return TypedResults.Json(
            new AuditionTake(id, language, voice, take.Metadata.Key.ToString(), take.Metadata.Provider, Math.Round(take.Metadata.DurationSeconds, 3),
                PreviewUrl(take.Metadata.Key), AuditionAudio.Peaks(take.Audio.Span)),
            AuditionJsonContext.Default.AuditionTake);
    }

    internal static string PreviewUrl(PromptKey key) => $"/audition/preview/{key}.wav";

    private static IResult StoreUnavailable() => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Prompt store unavailable",
        detail: "The prompt store cannot be read right now; retry shortly.");

    private static partial class Log
    {
        [LoggerMessage(EventId = 5900, Level = LogLevel.Error, Message = "Audition page: {Problem}")]
        public static partial void InvalidAccess(ILogger logger, string problem);

        [LoggerMessage(EventId = 5903, Level = LogLevel.Warning, Message = "Audition page is off: Twilio:PublicBaseUrl is set, so a reverse proxy may stand in front and a local browser cannot be told from it. Set Audition:Access to ApiKey (or to Loopback with a proxy that sends X-Forwarded-For, see docs/service.md)")]
        public static partial void OffBehindProxy(ILogger logger);

        [LoggerMessage(EventId = 5901, Level = LogLevel.Information, Message = "Audition take {PromptKey} of {Language}/{PromptId} with voice {Voice} via {Provider}")]
        public static partial void TakeRendered(ILogger logger, string promptKey, string language, string promptId, string voice, string provider);
    }
}

/// <summary>What the page draws: a prompt's waveform, from its decoded telephone audio.</summary>
internal static class AuditionAudio
{
    public const int PeakCount = 160;

    /// <summary>The loudest sample of each of <see cref="PeakCount"/> equal slices of the μ-law WAV, in percent of full scale.</summary>
    public static int[] Peaks(ReadOnlySpan<byte> wav)
    {
        float[] samples = AudioDecoder.Decode(wav).Samples;
        int[] peaks = new int[PeakCount];
        if (samples.Length == 0)
        {
            return peaks;
        }

        for (int slice = 0; slice < PeakCount; slice++)
        {
            int start = (int)((long)samples.Length * slice / PeakCount);
            int end = Math.Max(start + 1, (int)((long)samples.Length * (slice + 1) / PeakCount));
            float loudest = 0;
            for (int i = start; i < end && i < samples.Length; i++)
            {
                loudest = Math.Max(loudest, Math.Abs(samples[i]));
            }

            peaks[slice] = (int)Math.Round(Math.Min(100.0, 100.0 * loudest / 32768.0));
        }

        return peaks;
    }
}
