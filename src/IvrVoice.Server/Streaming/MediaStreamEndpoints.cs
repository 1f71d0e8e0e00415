using System.Net.WebSockets;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Hosting;
using IvrVoice.Telephony;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Streaming;

internal static class MediaStreamEndpoints
{
    public static IServiceCollection AddMediaStreams(this IServiceCollection services)
    {
        services.AddOptions<StreamingOptions>().BindConfiguration(StreamingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StreamingOptions>, StreamingOptionsValidator>();
        services.TryAddSingleton(_ => new StreamingClock(TimeProvider.System));
        services.AddSingleton<StreamTickets>();
        services.AddSingleton<StreamOutcomes>();
        services.AddSingleton<StreamingMetrics>();
        services.AddSingleton<StreamFlights>();
        services.AddSingleton<StreamPlayout>();
        services.AddSingleton<StreamingAnswers>();
        return services;
    }

    /// <summary>
    /// <c>/twilio/stream</c>: the WebSocket Twilio opens for <c>&lt;Connect&gt;&lt;Stream&gt;</c>. The upgrade request must carry a
    /// valid <c>X-Twilio-Signature</c> over the <c>wss://</c> URL (403 otherwise, before any upgrade); a plain request gets 400.
    /// </summary>
    public static IEndpointRouteBuilder MapMediaStreams(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/twilio").RequireTwilioSignature().MapGet("/stream", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("A WebSocket upgrade is expected.", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            IServiceProvider services = context.RequestServices;
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            MediaStreamSession session = new(
                socket,
                services.GetRequiredService<IOptions<StreamingOptions>>().Value,
                services.GetRequiredService<StreamTickets>(),
                services.GetRequiredService<StreamPlayout>(),
                services.GetRequiredService<StreamOutcomes>(),
                services.GetRequiredService<StreamingMetrics>(),
                services.GetRequiredService<StreamingClock>().Time,
                services.GetRequiredService<ILoggerFactory>().CreateLogger<MediaStreamSession>());
            await session.RunAsync(context.RequestAborted).ConfigureAwait(false);
        });
        return endpoints;
    }
}

/// <summary>Decides whether a menu or an announcement streams, and makes its signed parameters and WebSocket address.</summary>
internal sealed class StreamingAnswers(
    IOptions<StreamingOptions> options,
    StreamTickets tickets,
    StreamOutcomes outcomes,
    ITtsStreamRouter router,
    PromptRenderer renderer,
    PublicUrls urls)
{
    public bool Enabled => options.Value.Playback != StreamPlayback.Off;

    public StreamOutcomes Outcomes => outcomes;

    /// <summary>
    /// The signed parameters when these prompts should stream for this call: always (<see cref="StreamPlayback.Always"/>), or
    /// when one is not cached and the route that would serve it streams (<see cref="StreamPlayback.Auto"/>); null to answer with &lt;Play&gt;/&lt;Say&gt;.
    /// <paramref name="always"/> (the menu's <c>playback: stream</c>) streams whatever the setting says.
    /// </summary>
    /// <paramref name="input"/> says which key presses the stream listens for (none for an announcement a caller cannot skip).
    public async Task<List<KeyValuePair<string, string>>?> TryPrepareAsync(
        IReadOnlyList<StreamItem> items, string? callSid, bool always, StreamInput input, CancellationToken cancellationToken)
    {
        StreamPlayback mode = always ? StreamPlayback.Always : options.Value.Playback;
        if (mode == StreamPlayback.Off || string.IsNullOrEmpty(callSid) || items.Count == 0 || items.Any(i => i.Spec.OutputFormat != "mulaw-wav"))
        {
            return null;
        }

        if (mode == StreamPlayback.Auto)
        {
            bool worth = false;
            foreach (StreamItem item in items)
            {
                if (item.CachedKey is null && await renderer.TryGetAsync(item.Spec, Caching.CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false) is null)
                {
                    worth = router.CanStream(PromptRenderer.CreateTtsRequest(item.Spec));
                    if (!worth)
                    {
                        return null;   // a miss no streaming route serves: the usual wait and <Say> fallback
                    }
                }
            }

            if (!worth)
            {
                return null;   // everything is cached: <Play> is cheaper than a socket
            }
        }

        return await tickets.CreateAsync(items, callSid, input, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>wss://</c> address of the stream endpoint, from the same public base as every other URL handed to Twilio.</summary>
    public string StreamUrl(HttpContext context) => TwilioUrls.WebSocketOrigin(urls.Absolute(context, "/twilio/stream"));
}
