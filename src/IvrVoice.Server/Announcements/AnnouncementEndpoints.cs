using System.Text.Json;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using IvrVoice.Server.Api;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Media;
using IvrVoice.Telephony.TwiML;

namespace IvrVoice.Server.Announcements;

internal static partial class AnnouncementEndpoints
{
    public static IServiceCollection AddAnnouncements(this IServiceCollection services)
    {
        services.AddSingleton<AnnouncementUrls>();
        services.AddSingleton<AnnouncementResolver>();
        services.AddSingleton<AnnouncementTickets>();
        return services;
    }

    /// <summary>
    /// <c>GET|HEAD /announce.wav?…&amp;sig=…</c>: resolves (once, then from the cache) the announcement a signed URL carries and
    /// serves the WAV. Unsigned, tampered and expired URLs get 403, so the service is no free text-to-speech proxy.
    /// </summary>
    public static IEndpointRouteBuilder MapAnnouncements(this IEndpointRouteBuilder endpoints)
    {
        // Not rate limited: Twilio fetches these for a caller, and a 429 is silence on the call. Only URLs this service
        // signed can render, and signing them (POST /api/announcements) is the rate-limited step.
        // One logger for the endpoint, made here rather than on every fetch.
        ILogger logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AnnouncementEndpoints).FullName!);
        endpoints.MapMethods(AnnouncementUrls.Path, [HttpMethods.Get, HttpMethods.Head],
            (HttpContext context, AnnouncementUrls urls, AnnouncementResolver resolver, AnnouncementTickets tickets, PromptCache cache, CancellationToken cancellationToken) =>
                GetAnnouncementAsync(context, urls, resolver, tickets, cache, logger, cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> GetAnnouncementAsync(
        HttpContext context,
        AnnouncementUrls urls,
        AnnouncementResolver resolver,
        AnnouncementTickets tickets,
        PromptCache cache,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        AnnouncementUrlCheck check = urls.Verify(context.Request.Query, out SignedAnnouncement? signed);
        if (check != AnnouncementUrlCheck.Valid || signed is null)
        {
            Log.Refused(logger, check);
            return Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Invalid announcement URL",
                detail: check == AnnouncementUrlCheck.Expired
                    ? "This announcement URL has expired."
                    : "This announcement URL is not signed by this service.");
        }

        int maxAge = urls.SecondsUntilExpiry(context.Request.Query);
        if (signed.Reference is { } reference)
        {
            // Resolved when the URL was signed (its announcement was too long to carry); served while the cache keeps it.
            CachedPrompt? stored = await cache.TryGetAsync(reference, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
            return stored is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Announcement no longer cached",
                    detail: "The audio this URL names has left the cache; ask POST /api/announcements for a new URL.")
                : AudioResults.Wav(context, stored, maxAge, immutable: false);
        }

        Announcement? announcement = signed.Payload;
        if (signed.Ticket is { } ticket)
        {
            try
            {
                announcement = await tickets.LoadAsync(ticket, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (AnnouncementTickets.IsStoreFailure(exception))
            {
                Log.TicketUnavailable(logger, exception);
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Announcement store unavailable",
                    detail: "The store holding this announcement did not answer; try again.");
            }

            if (announcement is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Announcement no longer held",
                    detail: "The announcement this URL names is no longer held; ask POST /api/announcements for a new URL.");
            }
        }

        PreparedAnnouncement prepared;
        try
        {
            prepared = resolver.Prepare(announcement!);
        }
        catch (PromptRequestException exception)
        {
            return ApiProblems.InvalidPrompt(exception);
        }
        catch (TemplateValueException exception)
        {
            // Signed with values that spoke then but not now (the library changed, or a date's "today" moved on).
            return ValueProblem(exception);
        }

        try
        {
            ResolvedAnnouncement resolved = await resolver.ResolveAsync(prepared, RenderUrgency.InCall, cancellationToken).ConfigureAwait(false);
            return AudioResults.Wav(context, resolved.Prompt, maxAge, immutable: false);
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

    /// <summary>
    /// <c>POST /api/announcements</c>: checks the announcement (free text, or a template with its values), puts it into words and
    /// signs a URL for it. Answers the audio URL, TwiML that plays it, the strategy and the exact words spoken.
    /// </summary>
    internal static async Task<IResult> SignAsync(HttpContext context, AnnouncementResolver resolver, AnnouncementUrls urls, PublicUrls publicUrls)
    {
        AnnouncementTickets tickets = context.RequestServices.GetRequiredService<AnnouncementTickets>();
        (AnnouncementBody? body, IResult? bodyProblem) = await PromptApiEndpoints.ReadBodyAsync(context, ServerJsonContext.Default.AnnouncementBody).ConfigureAwait(false);
        if (body is null)
        {
            return bodyProblem!;
        }

        if (ToAnnouncement(body, out Announcement? announcement) is { } invalid)
        {
            return invalid;
        }

        if (body.Playback is not (null or "stream" or "play"))
        {
            return ApiProblems.BadRequest("Invalid announcement", "\"playback\" must be \"stream\" or \"play\".");
        }

        if (body.Next is { } next && (body.Playback != "stream" || !Voice.VoiceEndpoints.IsNextTarget(next)))
        {
            return ApiProblems.BadRequest("Invalid announcement", body.Playback != "stream"
                ? "\"next\" goes with \"playback\": \"stream\" (with <Play>, the TwiML that follows it is yours)."
                : "\"next\" must be a path starting with '/' or an absolute http(s) URL.");
        }

        PreparedAnnouncement prepared;
        try
        {
            // Checked now, so a URL that could never speak is refused here rather than when Twilio fetches it.
            prepared = resolver.Prepare(announcement!);
        }
        catch (PromptRequestException exception)
        {
            return ApiProblems.InvalidPrompt(exception);
        }
        catch (TemplateValueException exception)
        {
            return ValueProblem(exception);
        }

        DateTimeOffset expires = urls.DefaultExpiry();
        string pathAndQuery = urls.CreatePathAndQuery(prepared.Source, expires);
        PromptKey key = prepared.Key;
        if (pathAndQuery.Length > AnnouncementUrls.MaxInlineLength && body.Playback == "stream")
        {
            // Too long to carry, and to stream: kept server-side under a signed ticket; the call streams it as it renders.
            try
            {
                pathAndQuery = urls.CreateTicketPathAndQuery(await tickets.CreateAsync(prepared.Source, expires, context.RequestAborted).ConfigureAwait(false), expires);
            }
            catch (Exception exception) when (AnnouncementTickets.IsStoreFailure(exception))
            {
                ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AnnouncementEndpoints).FullName!);
                Log.TicketUnavailable(logger, exception);
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Announcement store unavailable",
                    detail: "The store that keeps long announcements for streaming did not answer; try again, or ask without \"playback\": \"stream\".");
            }
        }
        else if (pathAndQuery.Length > AnnouncementUrls.MaxInlineLength)
        {
            // Too long to carry: resolve it now and hand out a short reference to the cached audio.
            try
            {
                ResolvedAnnouncement resolved = await resolver.ResolveAsync(prepared, RenderUrgency.Batch, context.RequestAborted).ConfigureAwait(false);
                key = resolved.Prompt.Metadata.Key;
                pathAndQuery = urls.CreateReferencePathAndQuery(key, expires);
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

        string url = publicUrls.Absolute(context, pathAndQuery);
        string twiml = new VoiceResponse().Play(url).ToXml();
        if (body.Playback == "stream")
        {
            // Streamed from the call: Twilio's request there carries the CallSid its stream is signed for. An announcement too
            // long to carry travels as its ticket. Either way it then goes to next.
            string query = pathAndQuery[AnnouncementUrls.Path.Length..]
                + $"&{Voice.VoiceEndpoints.PlaybackParameter}=stream"
                + (body.Next is { } then ? $"&{Voice.VoiceEndpoints.NextParameter}={Uri.EscapeDataString(then)}" : "");
            twiml = new VoiceResponse().Redirect(publicUrls.Absolute(context, "/twilio" + Voice.VoiceEndpoints.SignedAnnouncePath + query), TwiMLMethod.Post).ToXml();
        }

        return Results.Ok(new AnnouncementResponse(key.ToString(), url, twiml, expires, prepared.Strategy, prepared.Spoken));
    }

    /// <summary>The announcement a body asks for, or a 400 naming what is wrong.</summary>
    private static IResult? ToAnnouncement(AnnouncementBody body, out Announcement? announcement)
    {
        announcement = null;
        if (body.Prompt is null)
        {
            if (body.Values is not null)
            {
                return ApiProblems.BadRequest("Invalid announcement", "\"values\" belong to a template: name it in \"prompt\".");
            }

            announcement = new Announcement(body.Text ?? "", body.Voice, body.Style, body.Language, body.Model);
            return null;
        }

        if (body.Text is not null || body.Voice is not null || body.Style is not null || body.Model is not null)
        {
            return ApiProblems.BadRequest("Invalid announcement",
                "A template announcement takes \"prompt\", \"language\" and \"values\"; its text, voice, style and model come from the library.");
        }

        Dictionary<string, string> values = new(StringComparer.Ordinal);
        foreach ((string name, JsonElement value) in body.Values ?? [])
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    values[name] = value.GetString()!;
                    break;
                case JsonValueKind.Number:
                    // The number as written: 12.50 stays 12.50 (a currency amount's cents are the caller's to give).
                    values[name] = value.GetRawText();
                    break;
                default:
                    return ValueProblem(name, $"must be a string or a number, not {value.ValueKind.ToString().ToLowerInvariant()}");
            }
        }

        announcement = new Announcement("", Language: body.Language) { Prompt = body.Prompt, Values = values };
        return null;
    }

    /// <summary>400 naming the value and why (never repeating it: values can be personal data).</summary>
    internal static IResult ValueProblem(TemplateValueException exception) => ValueProblem(exception.ValueName, exception.Reason);

    /// <summary>400 naming the value, with the name also as a member so a program can point at the field.</summary>
    internal static IResult ValueProblem(string name, string reason) =>
        Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid value",
            detail: $"Value '{name}' {reason.TrimEnd('.')}.",
            extensions: new Dictionary<string, object?> { ["value"] = name });

    private static partial class Log
    {
        // The query holds the text and the signature: only the reason is logged.
        [LoggerMessage(EventId = 5200, Level = LogLevel.Warning, Message = "Refused announcement URL: {Reason}")]
        public static partial void Refused(ILogger logger, AnnouncementUrlCheck reason);

        [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "The store keeping long announcements did not answer")]
        public static partial void TicketUnavailable(ILogger logger, Exception exception);
    }
}
