using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Ssml;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Streaming;
using IvrVoice.Telephony;
using IvrVoice.Telephony.TwiML;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Voice;

internal static partial class VoiceEndpoints
{
    public static IServiceCollection AddCallFlows(this IServiceCollection services)
    {
        services.AddOptions<FlowOptions>().BindConfiguration(FlowOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FlowOptions>, FlowOptionsValidator>();
        services.AddTwilioRequestValidation();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<CallFlows>();
        services.AddSingleton<InCallPrompts>();
        services.AddSingleton<CallFlowResponder>();
        services.AddMediaStreams();
        services.AddHostedService<CallFlowsStartup>();
        return services;
    }

    /// <summary>
    /// The Twilio webhooks, all requiring a valid <c>X-Twilio-Signature</c> and never rate limited:
    /// <c>/twilio/voice/{flow}</c> (a new call), <c>/twilio/voice/{flow}/menu/{menu}</c> (a menu from its start),
    /// <c>/twilio/voice/{flow}/gather/{menu}</c> (a menu's answer) and <c>/twilio/announce</c> (dynamic text). Each answers
    /// 200 with TwiML, whatever happens.
    /// </summary>
    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder endpoints)
    {
        string[] methods = [HttpMethods.Post, HttpMethods.Get];
        ILogger logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(VoiceEndpoints).FullName!);
        RouteGroupBuilder twilio = endpoints.MapGroup("/twilio").RequireTwilioSignature();
        twilio.MapMethods("/voice/{flow}", methods, (string flow, TwilioVoiceRequest call, HttpContext context, CallFlowResponder responder) =>
            AnswerAsync(context, responder, logger, "enter", () => responder.EnterAsync(context, flow, call)));
        twilio.MapMethods("/voice/{flow}/menu/{menu}", methods, (string flow, string menu, TwilioVoiceRequest call, HttpContext context, CallFlowResponder responder) =>
            AnswerAsync(context, responder, logger, "menu", () => responder.EnterMenuAsync(context, flow, menu, call)));
        twilio.MapMethods("/voice/{flow}/gather/{menu}", methods, (string flow, string menu, TwilioVoiceRequest call, HttpContext context, CallFlowResponder responder) =>
            AnswerAsync(context, responder, logger, "gather", () => responder.GatherAsync(context, flow, menu, call)));
        twilio.MapMethods("/voice/{flow}/streamed/{menu}", methods, (string flow, string menu, TwilioVoiceRequest call, HttpContext context, CallFlowResponder responder) =>
            AnswerAsync(context, responder, logger, "streamed", () => responder.StreamedAsync(context, flow, menu, call)));
        twilio.MapMethods("/voice/{flow}/announced/{menu}", methods, (string flow, string menu, TwilioVoiceRequest call, HttpContext context, CallFlowResponder responder) =>
            AnswerAsync(context, responder, logger, "announced", () => responder.AnnouncedAsync(context, flow, menu, call)));
        twilio.MapMethods("/announce", methods, (HttpContext context, TwilioVoiceRequest call, CallFlowResponder responder) =>
            AnswerAsync(context, responder, logger, "announce", () => AnnounceAsync(context, call, logger)));
        twilio.MapMethods(SignedAnnouncePath, methods, (HttpContext context, TwilioVoiceRequest call, CallFlowResponder responder) =>
            AnswerAsync(context, responder, logger, "announce", () => AnnounceSignedAsync(context, call, logger)));
        return endpoints;
    }

    /// <summary>Twilio reads any HTTP error as "an application error has occurred" and may drop the call: answer with TwiML always.</summary>
    private static async Task<IResult> AnswerAsync(HttpContext context, CallFlowResponder responder, ILogger logger, string step, Func<Task<VoiceResponse>> answer)
    {
        // The flow's span: which step, and whether the caller got the flow or the apology. The flow and menu names are in
        // the request span's route template; the call's values (number, digits, speech) are never tagged.
        using System.Diagnostics.Activity? activity = IvrVoice.Server.Telemetry.ServerTelemetry.Source.StartActivity("call.flow");
        activity?.SetTag("ivrvoice.flow.step", step);
        try
        {
            IResult result = (await answer().ConfigureAwait(false)).ToResult();
            activity?.SetTag("ivrvoice.flow.outcome", "answered");
            return result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            activity?.SetTag("ivrvoice.flow.outcome", "apology");
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            Log.WebhookFailed(logger, exception, RequestLoggingMiddleware.SafePath(context.Request));
            return responder.Apology().ToResult();
        }
    }

    /// <summary>
    /// <c>/twilio/announce?text=…&amp;voice=…&amp;style=…&amp;language=…&amp;model=…&amp;playback=…&amp;next=…</c>: speaks text written by
    /// the TwiML author in a Gemini voice, then redirects to <c>next</c> (or ends the call). The audio is played from
    /// <c>/prompts/{key}.wav</c>, the immutable URL Twilio's caching proxies keep: the same text gets the same URL on every call.
    /// <c>playback=stream</c> (or <c>Streaming:Playback</c> for text not cached) plays it over a Media Stream instead, whose
    /// action comes back here to go on to <c>next</c>.
    /// </summary>
    private static async Task<VoiceResponse> AnnounceAsync(HttpContext context, TwilioVoiceRequest call, ILogger logger)
    {
        IServiceProvider services = context.RequestServices;
        AnnouncementResolver resolver = services.GetRequiredService<AnnouncementResolver>();
        int maxTextLength = services.GetRequiredService<PromptRenderer>().MaxTextLength;
        InCallPrompts prompts = services.GetRequiredService<InCallPrompts>();
        PublicUrls urls = services.GetRequiredService<PublicUrls>();
        SayVoiceFamily sayVoices = services.GetRequiredService<IOptions<ServiceOptions>>().Value.SayVoiceFamily;

        IQueryCollection query = context.Request.Query;
        Announcement announcement = new(query["text"].FirstOrDefault() ?? "", query["voice"].FirstOrDefault(), query["style"].FirstOrDefault(),
            query["language"].FirstOrDefault(), query["model"].FirstOrDefault());
        VoiceResponse response = new();
        try
        {
            PreparedAnnouncement prepared = resolver.Prepare(announcement);
            PromptSpec spec = prepared.Spec;
            switch (await StreamAnnouncementAsync(context, call, prepared, logger).ConfigureAwait(false))
            {
                case { Response: { } streamed }:
                    return streamed;
                case { Played: true }:
                    return AppendNext(context, response, urls, logger);
            }

            PromptKey?[] ready = await prompts.ResolveAsync([spec], context.RequestAborted).ConfigureAwait(false);
            if (ready[0] is { } key)
            {
                response.Play(urls.PromptAudio(context, key));
            }
            else
            {
                response.SayFallback(prepared.Spoken, spec.Voice, spec.Language, family: sayVoices);
            }
        }
        catch (PromptRequestException exception)
        {
            // The TwiML author's mistake: say so in the log, and still speak whatever words there are (markup left out, never read out).
            Log.BadAnnouncement(logger, exception.Message);
            string words = SpeechText.LooksLikeSsml(announcement.Text)
                ? PromptKeys.NormalizeText(MarkupTag().Replace(announcement.Text, " "))
                : announcement.Text;

            // The fallback obeys the prompt rules too: no 5,000-character <Say>, no control characters.
            if (PromptText.Problem(SayFallback.StripAudioTags(words), maxTextLength) is null)
            {
                response.SayFallback(words, announcement.Voice, announcement.Language, family: sayVoices);
            }
        }

        return AppendNext(context, response, urls, logger);
    }

    /// <summary>Ends the answer with a redirect to the query's <c>next</c> (a path on this service or an http(s) URL), if any.</summary>
    private static VoiceResponse AppendNext(HttpContext context, VoiceResponse response, PublicUrls urls, ILogger logger)
    {
        string? next = context.Request.Query["next"].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(next))
        {
            if (IsNextTarget(next))
            {
                response.Redirect(next.StartsWith('/') ? urls.Absolute(context, next) : next, TwiMLMethod.Post);
            }
            else
            {
                Log.BadNext(logger);
            }
        }

        return response;
    }

    [System.Text.RegularExpressions.GeneratedRegex("<[^<>]*>")]
    private static partial System.Text.RegularExpressions.Regex MarkupTag();

    private static partial class Log
    {
        [LoggerMessage(EventId = 5600, Level = LogLevel.Error, Message = "Webhook {Path} failed; answered with an apology")]
        public static partial void WebhookFailed(ILogger logger, Exception exception, string path);

        [LoggerMessage(EventId = 5601, Level = LogLevel.Warning, Message = "/twilio/announce was given a prompt that cannot render: {Reason}")]
        public static partial void BadAnnouncement(ILogger logger, string reason);

        [LoggerMessage(EventId = 5602, Level = LogLevel.Warning, Message = "/twilio/announce was given a 'next' that is neither a path nor an http(s) URL; ignored")]
        public static partial void BadNext(ILogger logger);
    }
}
