using System.Globalization;
using IvrVoice.Library;
using IvrVoice.Library.Flows;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Streaming;
using IvrVoice.Telephony;
using IvrVoice.Telephony.TwiML;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Server.Voice;

internal sealed partial class CallFlowResponder
{
    /// <summary>
    /// The stream's <c>&lt;Connect action&gt;</c>: a digit that interrupted the stream answers the menu as its &lt;Gather&gt; would;
    /// a completed playout waits for input (the prompts were heard); a failed playout (a stall, a cut, no route) falls back to the
    /// menu answered the usual way, with &lt;Play&gt; and &lt;Say&gt;.
    /// </summary>
    public async Task<VoiceResponse> StreamedAsync(HttpContext context, string flowName, string menuId, TwilioVoiceRequest call)
    {
        if (!flows.Library.TryGetFlow(flowName, out CallFlow? flow))
        {
            return UnknownFlow(flowName, call);
        }

        CallState state = CallState.Read(context.Request.Query, flow);
        FlowMenu menu = flow.TryGetMenu(menuId, out FlowMenu? found) ? found : flow.EntryMenu;
        StreamOutcome? outcome = streaming.Outcomes.Take(call.CallSid);
        if (outcome?.Digit is { } digit)
        {
            Dictionary<string, StringValues> values = call.Parameters.ToDictionary(p => p.Key, p => new StringValues(p.Value), StringComparer.Ordinal);
            values["Digits"] = digit;
            return await GatherAsync(context, flowName, menu.Id, TwilioVoiceRequest.FromValues(values)).ConfigureAwait(false);
        }

        if (outcome is null || outcome.Failed)
        {
            Log.StreamFallback(logger, call.CallSid ?? "-", flow.Name, menu.Id);
            return await MenuAsync(context, call, flow, menu, state, [], allowStream: false).ConfigureAwait(false);
        }

        return await MenuAsync(context, call, flow, menu, state, [], allowStream: false, menuPromptsPlayed: true).ConfigureAwait(false);
    }

    /// <summary>A &lt;Connect&gt;&lt;Stream&gt; answer for the menu, or null when it should not (or cannot) stream.</summary>
    private async Task<VoiceResponse?> TryStreamAsync(HttpContext context, TwilioVoiceRequest call, CallFlow flow, FlowMenu menu, CallState state, IReadOnlyList<PromptReference> before)
    {
        // A stream hears one digit (barge-in), not speech or a multi-digit entry: those menus keep <Gather>. The library's
        // 'playback: stream' or 'play' overrides Streaming:Playback for its menu.
        bool forced = menu.Playback == MenuPlayback.Stream;
        if ((!streaming.Enabled && !forced) || menu.Playback == MenuPlayback.Play || menu.Input != MenuInput.Dtmf || menu.NumDigits > 1)
        {
            return null;
        }

        List<StreamItem> items = [];
        foreach (PromptReference reference in (IEnumerable<PromptReference>)[.. before, .. menu.Play])
        {
            LibraryPrompt prompt = flows.Library.GetPrompt(reference, state.Language);
            if (reference.Values is not { } sources)
            {
                items.Add(new StreamItem(flows.SpecFor(prompt), prompt.Text));
            }
            else if (PrepareAnnouncement(prompt, sources, context, call) is { } announcement)
            {
                items.Add(new StreamItem(announcement.Spec, announcement.Spoken));
            }
            else if (reference.Fallback is { } fallbackId)
            {
                LibraryPrompt fallback = flows.Library.GetPrompt(new PromptReference(fallbackId, reference.Language), state.Language);
                items.Add(new StreamItem(flows.SpecFor(fallback), fallback.Text));
            }
        }

        if (await streaming.TryPrepareAsync(items, call.CallSid, forced, context.RequestAborted).ConfigureAwait(false) is not { } parameters)
        {
            return null;
        }

        string action = urls.Absolute(context, StreamedPath(flow, menu, state) + CarriedQuery(flow, context.Request.Query));
        return new VoiceResponse().ConnectStream(streaming.StreamUrl(context), parameters, action, TwiMLMethod.Post);
    }

    internal static string StreamedPath(CallFlow flow, FlowMenu menu, CallState state) =>
        $"/twilio/voice/{Uri.EscapeDataString(flow.Name)}/streamed/{Uri.EscapeDataString(menu.Id)}"
        + $"?{LanguageParameter}={Uri.EscapeDataString(state.Language)}"
        + $"&{NoInputParameter}={state.NoInput.ToString(CultureInfo.InvariantCulture)}"
        + $"&{InvalidParameter}={state.Invalid.ToString(CultureInfo.InvariantCulture)}";

    private static partial class Log
    {
        [LoggerMessage(EventId = 5508, Level = LogLevel.Warning, Message = "Call {CallSid} in {Flow}/{Menu}: the stream did not finish; answering the menu with <Play> and <Say>")]
        public static partial void StreamFallback(ILogger logger, string callSid, string flow, string menu);
    }
}
