using System.Text.Json;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Ssml;
using IvrVoice.Providers;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace IvrVoice.Server.Api;

internal static class PromptApiEndpoints
{
    /// <summary>Header that chooses how a request uses the cache; the query parameter <c>cache</c> does the same.</summary>
    public const string CacheModeHeader = "X-Cache-Mode";

    /// <summary>Largest JSON body accepted: far above the longest prompt text, far below anything that could hurt.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static IServiceCollection AddPromptApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeys>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default));
        services.AddRenderRateLimiting();
        return services;
    }

    /// <summary>
    /// <c>POST /api/prompts</c> renders (or finds) a prompt and returns its key, URL, duration and provider;
    /// <c>GET /api/prompts/{key}</c> returns a cached prompt's metadata; <c>POST /api/announcements</c> signs a dynamic
    /// announcement URL. All need an API key; the two POSTs are rate limited.
    /// </summary>
    public static IEndpointRouteBuilder MapPromptApi(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        api.MapPost("/prompts", RenderAsync).RequireRateLimiting(RenderRateLimiting.PolicyName);
        api.MapGet("/prompts/{key}", GetMetadataAsync);
        api.MapPost("/announcements", AnnouncementEndpoints.SignAsync).RequireRateLimiting(RenderRateLimiting.PolicyName);
        return endpoints;
    }

    private static async Task<IResult> RenderAsync(HttpContext context, PromptRenderer renderer, PublicUrls urls)
    {
        if (!TryReadCacheMode(context.Request, out CacheMode mode, out IResult? modeProblem))
        {
            return modeProblem;
        }

        (RenderPromptBody? body, IResult? bodyProblem) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return bodyProblem!;
        }

        PromptSpec spec;
        try
        {
            spec = renderer.CreateSpec(ToRequest(body));
        }
        catch (PromptRequestException exception)
        {
            return ApiProblems.InvalidPrompt(exception);
        }

        CachedPrompt prompt;
        try
        {
            // A library-style render: the batch deadline applies; the caller's disconnect only ends its own wait.
            prompt = await renderer.GetOrRenderAsync(spec, RenderUrgency.Batch, mode, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PromptRenderException exception)
        {
            return ApiProblems.RenderFailed(exception, spec.Model);
        }
        catch (TimeoutException)
        {
            return ApiProblems.RenderTimedOut();
        }

        // Only what the durable store holds gets a permanent URL: anything else would 404 after a restart or on another node.
        PromptMetadata metadata = prompt.Metadata;
        bool stored = await renderer.Cache.IsKeptAsync(metadata.Key, context.RequestAborted).ConfigureAwait(false);
        return Results.Ok(new RenderedPromptResponse(
            metadata.Key.ToString(), stored ? urls.PromptAudio(context, metadata.Key) : null, metadata.DurationSeconds, metadata.Provider, stored));
    }

    private static async Task<IResult> GetMetadataAsync(string key, HttpContext context, PromptCache cache, PublicUrls urls)
    {
        if (!PromptKey.TryParse(key, out PromptKey promptKey))
        {
            return ApiProblems.BadRequest("Malformed prompt key", $"A prompt key is exactly {PromptKey.Length} lowercase hexadecimal characters.");
        }

        PromptMetadata? metadata;
        try
        {
            metadata = await cache.GetMetadataAsync(promptKey, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            context.Response.Headers.RetryAfter = "5";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Prompt store unavailable", detail: "The prompt store cannot be read right now; retry shortly.");
        }

        if (metadata is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown prompt", detail: $"No prompt {promptKey} is cached.");
        }

        return Results.Ok(new PromptMetadataResponse(
            metadata.Key.ToString(), urls.PromptAudio(context, metadata.Key), metadata.Text, metadata.Voice, metadata.Model, metadata.Language,
            metadata.Style, metadata.Provider, metadata.DurationSeconds, metadata.ByteLength, metadata.Sha256, metadata.RenderedAt,
            metadata.Pinned, metadata.Format));
    }

    /// <summary>The request a body asks for; SSML in its text translated to words and pauses, or refused naming the tag.</summary>
    private static PromptRequest ToRequest(RenderPromptBody body) => new()
    {
        Text = SpeechText.Prepare(body.Text ?? "", body.Language, body.Model),
        Voice = body.Voice,
        Style = body.Style,
        Language = body.Language,
        Model = body.Model,
        Temperature = body.Temperature,
        Speakers = [.. (body.Speakers ?? []).Select(s => new PromptSpeaker(s.Name ?? "", s.Voice ?? ""))],
        Master = body.Master ?? true,
    };

    private static Task<(RenderPromptBody? Body, IResult? Problem)> ReadBodyAsync(HttpContext context) =>
        ReadBodyAsync(context, ServerJsonContext.Default.RenderPromptBody);

    /// <summary>Reads a JSON body of at most <see cref="MaxBodyBytes"/>, or the problem (415, 413, 400 naming the member) to answer.</summary>
    internal static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        HttpRequest request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON required", detail: "Send the prompt as application/json."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"The body may be at most {MaxBodyBytes} bytes."));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            T? body = await JsonSerializer.DeserializeAsync(request.Body, type, context.RequestAborted).ConfigureAwait(false);
            return body is null
                ? (null, ApiProblems.BadRequest("Invalid JSON", "The body is JSON null; send an object."))
                : (body, null);
        }
        catch (JsonException exception)
        {
            return (null, ApiProblems.BadRequest("Invalid JSON", DescribeJsonError(exception)));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"The body may be at most {MaxBodyBytes} bytes."));
        }
    }

    /// <summary>
    /// What is wrong with the body, by JSON path and position: System.Text.Json's own messages name .NET types
    /// (<c>IvrVoice.Server.Api.RenderPromptBody</c>), which mean nothing to a caller and describe the implementation.
    /// </summary>
    internal static string DescribeJsonError(JsonException exception)
    {
        string where = $"at {exception.Path ?? "$"} (line {(exception.LineNumber ?? 0) + 1}, position {(exception.BytePositionInLine ?? 0) + 1})";
        string message = exception.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal) && message.IndexOf('\'') is int start and >= 0
            && message.IndexOf('\'', start + 1) is int end and > 0)
        {
            return $"Unknown member '{message[(start + 1)..end]}' {where}; the members are text, voice, style, language, model, temperature, speakers and master.";
        }

        return message.Contains("could not be converted", StringComparison.Ordinal)
            ? $"A value of the wrong type {where}: text, voice, style, language and model are strings, temperature a number, speakers an array of {{\"name\", \"voice\"}}, master true or false."
            : $"The body is not valid JSON {where}.";
    }

    /// <summary>Reads <c>X-Cache-Mode</c> or <c>?cache=</c>: read-write (default), read-only or bypass.</summary>
    internal static bool TryReadCacheMode(HttpRequest request, out CacheMode mode, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out IResult? problem)
    {
        string? text = request.Headers[CacheModeHeader].FirstOrDefault() ?? request.Query["cache"].FirstOrDefault();
        problem = null;
        mode = CacheMode.ReadWrite;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "read-write" or "readwrite":
                return true;
            case "read-only" or "readonly":
                mode = CacheMode.ReadOnly;
                return true;
            case "bypass":
                mode = CacheMode.Bypass;
                return true;
            default:
                problem = ApiProblems.BadRequest("Invalid cache mode", $"{CacheModeHeader} (or ?cache=) must be read-write, read-only or bypass.");
                return false;
        }
    }
}
