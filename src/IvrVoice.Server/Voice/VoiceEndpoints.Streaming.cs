using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Streaming;
using IvrVoice.Telephony;
using IvrVoice.Telephony.TwiML;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Server.Voice;

internal static partial class VoiceEndpoints
{
    /// <summary>
    /// Under <c>/twilio</c>: a signed announcement (the query of an <c>/announce.wav</c> URL from <c>POST /api/announcements</c>)
    /// played over a Media Stream, then <c>next</c>. The API's <c>playback: "stream"</c> answers with a &lt;Redirect&gt; here.
    /// </summary>
    internal const string SignedAnnouncePath = "/announce/signed";

    internal const string PlaybackParameter = "playback";
    internal const string NextParameter = "next";
    private const string StreamedParameter = "streamed";

    /// <summary>What an announcement's stream decided: the &lt;Connect&gt; answer, or (the stream's action) whether it played.</summary>
    private readonly record struct AnnouncementStream(VoiceResponse? Response, bool Played);

    /// <summary>
    /// Streams an announcement when the query says <c>playback=stream</c>, or <c>Streaming:Playback</c> decides so (Auto: not
    /// cached and a streaming route serves it); a join of cached pieces is sent at once. The &lt;Connect action&gt; is this
    /// request's URL with <c>streamed=1</c>: there the announcement counts as played, unless the stream failed and it plays now.
    /// </summary>
    private static async Task<AnnouncementStream> StreamAnnouncementAsync(HttpContext context, TwilioVoiceRequest call, PreparedAnnouncement prepared, ILogger logger)
    {
        IServiceProvider services = context.RequestServices;
        StreamingAnswers streaming = services.GetRequiredService<StreamingAnswers>();
        IQueryCollection query = context.Request.Query;
        if (query[StreamedParameter] == "1")
        {
            if (await streaming.Outcomes.TakeAsync(call.CallSid, context.RequestAborted).ConfigureAwait(false) is { Failed: false })
            {
                return new AnnouncementStream(null, true);
            }

            Log.AnnouncementStreamFailed(logger);
            return default;
        }

        string? playback = query[PlaybackParameter].FirstOrDefault();
        if (playback is not (null or "stream" or "play"))
        {
            Log.BadPlayback(logger);
            playback = null;
        }

        bool forced = playback == "stream";
        if (playback == "play" || (!forced && !streaming.Enabled))
        {
            return default;
        }

        CachedPrompt? joined = await services.GetRequiredService<AnnouncementResolver>().TryJoinCachedAsync(prepared, context.RequestAborted).ConfigureAwait(false);
        StreamItem item = new(prepared.Spec, prepared.Spoken, joined?.Metadata.Key.ToString());
        if (await streaming.TryPrepareAsync([item], call.CallSid, forced, StreamInput.None, context.RequestAborted).ConfigureAwait(false) is not { } parameters)
        {
            return default;
        }

        string action = services.GetRequiredService<PublicUrls>().Absolute(context, context.Request.Path.ToUriComponent() + context.Request.QueryString.Add(StreamedParameter, "1"));
        return new AnnouncementStream(new VoiceResponse().ConnectStream(streaming.StreamUrl(context), parameters, action, TwiMLMethod.Post), false);
    }

    /// <summary>
    /// <c>/twilio/announce/signed?a=…&amp;exp=…&amp;sig=…&amp;playback=stream&amp;next=…</c>: the announcement a signed URL carries,
    /// streamed (or played from its <c>/announce.wav</c> URL when it cannot stream), then <c>next</c>. A URL this service did not
    /// sign, or one that expired, plays nothing and goes on to <c>next</c>.
    /// </summary>
    private static async Task<VoiceResponse> AnnounceSignedAsync(HttpContext context, TwilioVoiceRequest call, ILogger logger)
    {
        IServiceProvider services = context.RequestServices;
        PublicUrls urls = services.GetRequiredService<PublicUrls>();
        Dictionary<string, StringValues> signedPart = context.Request.Query
            .Where(p => p.Key is AnnouncementUrls.PayloadParameter or AnnouncementUrls.ReferenceParameter or AnnouncementUrls.TicketParameter
                or AnnouncementUrls.ExpiryParameter or AnnouncementUrls.SignatureParameter)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        VoiceResponse response = new();
        AnnouncementUrlCheck check = services.GetRequiredService<AnnouncementUrls>().Verify(new QueryCollection(signedPart), out SignedAnnouncement? signed);
        if (check != AnnouncementUrlCheck.Valid || signed is null)
        {
            Log.RefusedSignedAnnouncement(logger, check);
            return AppendNext(context, response, urls, logger);
        }

        Announcement? payload = signed.Payload;
        if (signed.Ticket is { } ticket)
        {
            // Too long for a URL: kept server-side (in the shared store when nodes share one, so any node can answer).
            try
            {
                payload = await services.GetRequiredService<AnnouncementTickets>().LoadAsync(ticket, context.RequestAborted).ConfigureAwait(false);
                if (payload is null)
                {
                    Log.TicketGone(logger);
                    return AppendNext(context, response, urls, logger);
                }
            }
            catch (Exception exception) when (AnnouncementTickets.IsStoreFailure(exception))
            {
                // Not streamed; the audio URL below asks the store again, with its own errors.
                Log.TicketUnavailable(logger, exception);
            }
        }

        if (payload is not null)
        {
            try
            {
                PreparedAnnouncement prepared = services.GetRequiredService<AnnouncementResolver>().Prepare(payload);
                switch (await StreamAnnouncementAsync(context, call, prepared, logger).ConfigureAwait(false))
                {
                    case { Response: { } streamed }:
                        return streamed;
                    case { Played: true }:
                        return AppendNext(context, response, urls, logger);
                }
            }
            catch (Exception exception) when (exception is PromptRequestException or TemplateValueException)
            {
                // Signed when it could speak; the library or the date changed since. The audio URL answers the same way.
                Log.BadAnnouncement(logger, exception.Message);
            }
        }

        // The announcement's own audio URL: joined, rendered or cached there, with the wait and errors it always has.
        string wav = urls.Absolute(context, AnnouncementUrls.Path + QueryString.Create(signedPart.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString()))));
        response.Play(wav);
        return AppendNext(context, response, urls, logger);
    }

    /// <summary>True when <paramref name="next"/> is a path on this service or an absolute http(s) URL, as <c>next</c> must be.</summary>
    internal static bool IsNextTarget(string next) =>
        (next.StartsWith('/') && !next.StartsWith("//", StringComparison.Ordinal))
        || (Uri.TryCreate(next, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp));

    private static partial class Log
    {
        [LoggerMessage(EventId = 5603, Level = LogLevel.Warning, Message = "An announcement's stream did not finish; playing it with <Play> or <Say>")]
        public static partial void AnnouncementStreamFailed(ILogger logger);

        [LoggerMessage(EventId = 5604, Level = LogLevel.Warning, Message = "An announcement was given a 'playback' other than stream or play; ignored")]
        public static partial void BadPlayback(ILogger logger);

        [LoggerMessage(EventId = 5605, Level = LogLevel.Warning, Message = "Refused a signed announcement to stream: {Reason}")]
        public static partial void RefusedSignedAnnouncement(ILogger logger, AnnouncementUrlCheck reason);

        [LoggerMessage(EventId = 5606, Level = LogLevel.Warning, Message = "A signed announcement to stream is no longer held (expired, or kept on another node without a shared store); going on to next")]
        public static partial void TicketGone(ILogger logger);

        [LoggerMessage(EventId = 5607, Level = LogLevel.Warning, Message = "The store keeping a long announcement did not answer; playing it from its audio URL")]
        public static partial void TicketUnavailable(ILogger logger, Exception exception);
    }
}
