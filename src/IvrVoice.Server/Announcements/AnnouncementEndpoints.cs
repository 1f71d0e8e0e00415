using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Api;
using IvrVoice.Server.Media;

namespace IvrVoice.Server.Announcements;

internal static partial class AnnouncementEndpoints
{
    public static IServiceCollection AddAnnouncements(this IServiceCollection services)
    {
        services.AddSingleton<AnnouncementUrls>();
        return services;
    }

    /// <summary>
    /// <c>GET|HEAD /announce.wav?…&amp;sig=…</c>: renders (once, then from the cache) the text a signed URL carries and serves the
    /// WAV. Unsigned, tampered and expired URLs get 403, so the service is no free text-to-speech proxy.
    /// </summary>
    public static IEndpointRouteBuilder MapAnnouncements(this IEndpointRouteBuilder endpoints)
    {
        // Not rate limited: Twilio fetches these for a caller, and a 429 is silence on the call. Only URLs this service
        // signed can render, and signing them (POST /api/announcements) is the rate-limited step.
        // One logger for the endpoint, made here rather than on every fetch.
        ILogger logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AnnouncementEndpoints).FullName!);
        endpoints.MapMethods(AnnouncementUrls.Path, [HttpMethods.Get, HttpMethods.Head],
            (HttpContext context, AnnouncementUrls urls, PromptRenderer renderer, CancellationToken cancellationToken) =>
                GetAnnouncementAsync(context, urls, renderer, logger, cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> GetAnnouncementAsync(
        HttpContext context,
        AnnouncementUrls urls,
        PromptRenderer renderer,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        AnnouncementUrlCheck check = urls.Verify(context.Request.Query, out Announcement? announcement);
        if (check != AnnouncementUrlCheck.Valid || announcement is null)
        {
            Log.Refused(logger, check);
            return Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Invalid announcement URL",
                detail: check == AnnouncementUrlCheck.Expired
                    ? "This announcement URL has expired."
                    : "This announcement URL is not signed by this service.");
        }

        PromptSpec spec;
        try
        {
            spec = renderer.CreateSpec(new PromptRequest
            {
                Text = announcement.Text,
                Voice = announcement.Voice,
                Style = announcement.Style,
                Language = announcement.Language,
                Model = announcement.Model,
            });
        }
        catch (PromptRequestException exception)
        {
            return ApiProblems.InvalidPrompt(exception);
        }

        try
        {
            CachedPrompt prompt = await renderer.GetOrRenderAsync(spec, RenderUrgency.InCall, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
            return AudioResults.Wav(context, prompt, urls.SecondsUntilExpiry(context.Request.Query), immutable: false);
        }
        catch (PromptRenderException exception)
        {
            return ApiProblems.RenderFailed(exception);
        }
        catch (TimeoutException)
        {
            return ApiProblems.RenderTimedOut();
        }
    }

    private static partial class Log
    {
        // The query holds the text and the signature: only the reason is logged.
        [LoggerMessage(EventId = 5200, Level = LogLevel.Warning, Message = "Refused announcement URL: {Reason}")]
        public static partial void Refused(ILogger logger, AnnouncementUrlCheck reason);
    }
}
