using System.Globalization;
using IvrVoice.Caching;
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
        StreamOutcome? outcome = await streaming.Outcomes.TakeAsync(call.CallSid, context.RequestAborted).ConfigureAwait(false);
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

    /// <summary>
    /// The action of a stream that played a step's announcement: the step goes on (dial, redirect, hang-up, the next menu); if
    /// the stream failed (a stall, a cut, no route), the announcement is played first the usual way, with &lt;Play&gt; and &lt;Say&gt;.
    /// </summary>
    public async Task<VoiceResponse> AnnouncedAsync(HttpContext context, string flowName, string menuId, TwilioVoiceRequest call)
    {
        if (!flows.Library.TryGetFlow(flowName, out CallFlow? flow))
        {
            return UnknownFlow(flowName, call);
        }

        CallState state = CallState.Read(context.Request.Query, flow);
        StreamOutcome? outcome = await streaming.Outcomes.TakeAsync(call.CallSid, context.RequestAborted).ConfigureAwait(false);
        if (!flow.TryGetMenu(menuId, out FlowMenu? menu) || StepOf(menu, context.Request.Query[StepParameter].FirstOrDefault()) is not { } action)
        {
            // The library changed under a call in progress: start the flow over rather than drop the caller.
            Log.UnknownMenu(logger, call.CallSid ?? "-", flow.Name);
            return await MenuAsync(context, call, flow, flow.EntryMenu, state with { NoInput = 0, Invalid = 0 }, []).ConfigureAwait(false);
        }

        bool played = outcome is { Failed: false };
        if (!played)
        {
            Log.AnnouncementFallback(logger, call.CallSid ?? "-", flow.Name, menu.Id);
        }

        return await ActAsync(context, call, flow, menu, state, action, announced: played, allowStream: played).ConfigureAwait(false);
    }

    /// <summary>A &lt;Connect&gt;&lt;Stream&gt; answer for the menu, or null when it should not (or cannot) stream.</summary>
    private async Task<VoiceResponse?> TryStreamAsync(HttpContext context, TwilioVoiceRequest call, CallFlow flow, FlowMenu menu, CallState state, IReadOnlyList<PromptReference> before)
    {
        // A stream hears key presses (the first clears the audio; more are collected as the menu's <Gather> would), not
        // speech: those menus keep <Gather>. The library's 'playback: stream' or 'play' overrides Streaming:Playback for its menu.
        bool forced = menu.Playback == MenuPlayback.Stream;
        if ((!streaming.Enabled && !forced) || menu.Playback == MenuPlayback.Play || menu.Input != MenuInput.Dtmf)
        {
            return null;
        }

        List<StreamItem> items = await StreamItemsAsync(context, call, [.. before, .. menu.Play], state.Language).ConfigureAwait(false);
        StreamInput input = new(menu.NumDigits, FinishOnKey(menu) ?? "#", menu.TimeoutSeconds);
        if (await streaming.TryPrepareAsync(items, call.CallSid, forced, input, context.RequestAborted).ConfigureAwait(false) is not { } parameters)
        {
            return null;
        }

        string action = urls.Absolute(context, StreamedPath(flow, menu, state) + CarriedQuery(flow, context.Request.Query));
        return new VoiceResponse().ConnectStream(streaming.StreamUrl(context), parameters, action, TwiMLMethod.Post);
    }

    /// <summary>
    /// A &lt;Connect&gt;&lt;Stream&gt; answer playing a step's announcement (digits do not interrupt it), whose action takes the step;
    /// null when it should not stream. A goto's or return's announcement streams alone only when the step says
    /// <c>playback: stream</c>; otherwise it goes with the menu's answer (and its stream, when the menu streams).
    /// </summary>
    private async Task<VoiceResponse?> TryStreamAnnouncementAsync(HttpContext context, TwilioVoiceRequest call, CallFlow flow, FlowMenu menu, CallState state, FlowAction action)
    {
        bool forced = action.Playback == MenuPlayback.Stream;
        bool toMenu = action is GoToMenuAction or ReturnToMenuAction;
        if (action.Playback == MenuPlayback.Play || (!forced && (toMenu || !streaming.Enabled)) || StepId(menu, action) is not { } step)
        {
            return null;
        }

        string language = action is GoToMenuAction { Language: { } switched } && flow.Languages.Contains(switched) ? switched : state.Language;
        List<StreamItem> items = await StreamItemsAsync(context, call, action.Announce, language).ConfigureAwait(false);
        if (await streaming.TryPrepareAsync(items, call.CallSid, forced, StreamInput.None, context.RequestAborted).ConfigureAwait(false) is not { } parameters)
        {
            return null;
        }

        string path = AnnouncedPath(flow, menu, state) + $"&{StepParameter}={step}";
        string next = urls.Absolute(context, path + CarriedQuery(flow, context.Request.Query));
        return new VoiceResponse().ConnectStream(streaming.StreamUrl(context), parameters, next, TwiMLMethod.Post);
    }

    /// <summary>
    /// What a stream plays for these prompts: each library prompt's spec; a template with the call's values as its whole
    /// sentence, or, when its pieces are all cached, the join (sent at once); its fallback prompt when the values cannot be spoken.
    /// </summary>
    private async Task<List<StreamItem>> StreamItemsAsync(HttpContext context, TwilioVoiceRequest call, IEnumerable<PromptReference> references, string language)
    {
        List<StreamItem> items = [];
        foreach (PromptReference reference in references)
        {
            LibraryPrompt prompt = flows.Library.GetPrompt(reference, language);
            if (reference.Values is not { } sources)
            {
                items.Add(new StreamItem(flows.SpecFor(prompt), prompt.Text));
            }
            else if (PrepareAnnouncement(prompt, sources, context, call) is { } announcement)
            {
                CachedPrompt? joined = await announcements.TryJoinCachedAsync(announcement, context.RequestAborted).ConfigureAwait(false);
                items.Add(new StreamItem(announcement.Spec, announcement.Spoken, joined?.Metadata.Key.ToString()));
            }
            else if (reference.Fallback is { } fallbackId)
            {
                LibraryPrompt fallback = flows.Library.GetPrompt(new PromptReference(fallbackId, reference.Language), language);
                items.Add(new StreamItem(flows.SpecFor(fallback), fallback.Text));
            }
        }

        return items;
    }

    /// <summary>The name of a menu's step in the announced action's query: <c>c{index}</c> for a choice, <c>noinput</c> or <c>invalid</c>.</summary>
    internal static string? StepId(FlowMenu menu, FlowAction action)
    {
        for (int i = 0; i < menu.Choices.Count; i++)
        {
            if (ReferenceEquals(menu.Choices[i].Action, action))
            {
                return "c" + i.ToString(CultureInfo.InvariantCulture);
            }
        }

        return ReferenceEquals(menu.NoInput.Then, action) ? "noinput" : ReferenceEquals(menu.Invalid.Then, action) ? "invalid" : null;
    }

    private static FlowAction? StepOf(FlowMenu menu, string? step) => step switch
    {
        "noinput" => menu.NoInput.Then,
        "invalid" => menu.Invalid.Then,
        ['c', .. string index] when int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < menu.Choices.Count => menu.Choices[i].Action,
        _ => null,
    };

    /// <summary>The menu's finishOnKey as its &lt;Gather&gt; has it: "" when a choice uses '#', else Twilio's default (null, '#').</summary>
    private static string? FinishOnKey(FlowMenu menu) =>
        menu.Choices.Any(c => c.Digits?.Contains('#', StringComparison.Ordinal) == true) ? "" : null;

    internal static string AnnouncedPath(CallFlow flow, FlowMenu menu, CallState state) =>
        $"/twilio/voice/{Uri.EscapeDataString(flow.Name)}/announced/{Uri.EscapeDataString(menu.Id)}"
        + $"?{LanguageParameter}={Uri.EscapeDataString(state.Language)}"
        + $"&{NoInputParameter}={state.NoInput.ToString(CultureInfo.InvariantCulture)}"
        + $"&{InvalidParameter}={state.Invalid.ToString(CultureInfo.InvariantCulture)}";

    internal static string StreamedPath(CallFlow flow, FlowMenu menu, CallState state) =>
        $"/twilio/voice/{Uri.EscapeDataString(flow.Name)}/streamed/{Uri.EscapeDataString(menu.Id)}"
        + $"?{LanguageParameter}={Uri.EscapeDataString(state.Language)}"
        + $"&{NoInputParameter}={state.NoInput.ToString(CultureInfo.InvariantCulture)}"
        + $"&{InvalidParameter}={state.Invalid.ToString(CultureInfo.InvariantCulture)}";

    private static partial class Log
    {
        [LoggerMessage(EventId = 5508, Level = LogLevel.Warning, Message = "Call {CallSid} in {Flow}/{Menu}: the stream did not finish; answering the menu with <Play> and <Say>")]
        public static partial void StreamFallback(ILogger logger, string callSid, string flow, string menu);

        [LoggerMessage(EventId = 5509, Level = LogLevel.Warning, Message = "Call {CallSid} in {Flow}/{Menu}: the announcement's stream did not finish; playing it with <Play> and <Say> before the step")]
        public static partial void AnnouncementFallback(ILogger logger, string callSid, string flow, string menu);
    }
}
