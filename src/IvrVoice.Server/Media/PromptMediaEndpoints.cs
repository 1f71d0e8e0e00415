using IvrVoice.Caching;
using IvrVoice.Server.Api;
using IvrVoice.Server.Hosting;
using IvrVoice.Telephony;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Media;

internal static partial class PromptMediaEndpoints
{
    /// <summary>How long a client should wait before retrying while the store is unreachable.</summary>
    private const int StoreRetryAfterSeconds = 5;

    /// <summary>
    /// <c>GET|HEAD /prompts/{key}.wav</c>: a cached prompt's μ-law WAV. The URL names the content (the key hashes everything that
    /// changes the sound), so it is served as immutable. Nothing is rendered here: an unknown key is 404, a malformed one 400.
    /// </summary>
    public static IEndpointRouteBuilder MapPromptMedia(this IEndpointRouteBuilder endpoints)
    {
        ILogger logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PromptMediaEndpoints).FullName!);
        endpoints.MapMethods("/prompts/{key}.wav", [HttpMethods.Get, HttpMethods.Head],
            (string key, HttpContext context, PromptCache cache, CancellationToken cancellationToken) => GetPromptAsync(key, context, cache, logger, cancellationToken));
        return endpoints;
    }

    /// <summary>
    /// With <c>Service:RequireTwilioSignatureForMedia</c>, refuses requests under <c>/prompts</c> (403) that carry neither a
    /// Twilio signature nor a key of <c>Service:ApiKeys</c> in <c>X-Api-Key</c>.
    /// </summary>
    public static IApplicationBuilder UseMediaSignatureCheck(this IApplicationBuilder app)
    {
        // Settings are read on the first request, not while the pipeline is built: the host validates them when it starts,
        // and reading them earlier would turn a bad setting into a crash instead of a clear start-up error.
        return app.Use(next =>
        {
            Lazy<RequestDelegate> guarded = new(() =>
            {
                ServiceOptions options = app.ApplicationServices.GetRequiredService<IOptions<ServiceOptions>>().Value;
                if (!options.RequireTwilioSignatureForMedia)
                {
                    return next;
                }

                RequestDelegate signed = app.New().UseTwilioSignatureValidation("/prompts").Use(_ => next).Build();
                ApiKeys keys = app.ApplicationServices.GetRequiredService<ApiKeys>();

                // An API caller fetches the audio it just rendered with its API key; everyone else (Twilio) signs.
                return context => context.Request.Headers.ContainsKey(ApiKeys.HeaderName) && keys.Match(context) >= 0
                    ? next(context)
                    : signed(context);
            });
            return context => guarded.Value(context);
        });
    }

    private static ValueTask<IResult> GetPromptAsync(string key, HttpContext context, PromptCache cache, ILogger logger, CancellationToken cancellationToken)
    {
        if (!PromptKey.TryParse(key, out PromptKey promptKey))
        {
            return ValueTask.FromResult(Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed prompt key",
                detail: $"A prompt key is exactly {PromptKey.Length} lowercase hexadecimal characters."));
        }

        // A memory hit completes synchronously and is answered without an async state machine.
        ValueTask<CachedPrompt?> lookup;
        try
        {
            lookup = cache.TryGetAsync(promptKey, CacheMode.ReadWrite, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return ValueTask.FromResult(StoreUnavailable(context, logger, exception, promptKey));
        }

        return lookup.IsCompletedSuccessfully
            ? ValueTask.FromResult(Answer(context, promptKey, lookup.Result))
            : AwaitLookupAsync(lookup, context, promptKey, logger);
    }

    private static async ValueTask<IResult> AwaitLookupAsync(ValueTask<CachedPrompt?> lookup, HttpContext context, PromptKey promptKey, ILogger logger)
    {
        CachedPrompt? prompt;
        try
        {
            prompt = await lookup.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return StoreUnavailable(context, logger, exception, promptKey);
        }

        return Answer(context, promptKey, prompt);
    }

    private static IResult Answer(HttpContext context, PromptKey promptKey, CachedPrompt? prompt) => prompt is null
        ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown prompt", detail: $"No prompt {promptKey} is cached.")
        : AudioResults.Wav(context, prompt, AudioResults.ImmutableMaxAgeSeconds, immutable: true);

    private static IResult StoreUnavailable(HttpContext context, ILogger logger, Exception exception, PromptKey promptKey)
    {
        Log.StoreUnavailable(logger, exception, promptKey.ToString());
        context.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Prompt store unavailable",
            detail: "The prompt store cannot be read right now; retry shortly.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5100, Level = LogLevel.Error, Message = "The prompt store could not be read for prompt {PromptKey}")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception, string promptKey);
    }
}
