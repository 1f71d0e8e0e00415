using System.Globalization;
using System.Text;
using IvrVoice.Caching;
using IvrVoice.Providers;
using IvrVoice.Library;
using IvrVoice.Library.Flows;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Streaming;
using IvrVoice.Telephony;
using IvrVoice.Telephony.TwiML;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Voice;

/// <summary>
/// Turns a call's position in a flow into TwiML. A menu plays its prompts inside a &lt;Gather&gt; whose action URL carries the
/// call's state (language, no-input and invalid counts; Twilio signs it, so callers cannot alter it); the action endpoint
/// matches the answer and takes the choice's step, or replays the menu, or gives up as the menu says.
/// </summary>
internal sealed partial class CallFlowResponder(
    CallFlows flows,
    InCallPrompts prompts,
    AnnouncementResolver announcements,
    PublicUrls urls,
    IOptions<ServiceOptions> options,
    StreamingAnswers streaming,
    ILogger<CallFlowResponder> logger)
{
    internal const string LanguageParameter = "lang";
    internal const string NoInputParameter = "noinput";
    internal const string InvalidParameter = "invalid";
    internal const string StepParameter = "step";

    /// <summary>Spoken when a flow does not exist or something failed: short, then the call ends.</summary>
    internal const string ApologyText = "We're sorry, this line cannot take your call right now. Please call again later. Goodbye.";

    private readonly SayVoiceFamily _sayVoices = options.Value.SayVoiceFamily;

    /// <summary>A new call: the flow's entry menu in its first language.</summary>
    public async Task<VoiceResponse> EnterAsync(HttpContext context, string flowName, TwilioVoiceRequest call)
    {
        if (!flows.Library.TryGetFlow(flowName, out CallFlow? flow))
        {
            return UnknownFlow(flowName, call);
        }

        RequestCallNote.Set(context, call.CallSid, "entered flow " + flow.Name);
        return await MenuAsync(context, call, flow, flow.EntryMenu, new CallState(flow.EntryLanguage, 0, 0), []).ConfigureAwait(false);
    }

    /// <summary>A menu played from the start (the target of a redirect, or a call that lost its place).</summary>
    public async Task<VoiceResponse> EnterMenuAsync(HttpContext context, string flowName, string menuId, TwilioVoiceRequest call)
    {
        if (!flows.Library.TryGetFlow(flowName, out CallFlow? flow))
        {
            return UnknownFlow(flowName, call);
        }

        CallState state = CallState.Read(context.Request.Query, flow);
        FlowMenu menu = flow.TryGetMenu(menuId, out FlowMenu? found) ? found : flow.EntryMenu;
        return await MenuAsync(context, call, flow, menu, state with { NoInput = 0, Invalid = 0 }, []).ConfigureAwait(false);
    }

    /// <summary>The answer to a menu's &lt;Gather&gt;: a choice, an invalid answer, or silence.</summary>
    public async Task<VoiceResponse> GatherAsync(HttpContext context, string flowName, string menuId, TwilioVoiceRequest call)
    {
        if (!flows.Library.TryGetFlow(flowName, out CallFlow? flow))
        {
            return UnknownFlow(flowName, call);
        }

        CallState state = CallState.Read(context.Request.Query, flow);
        if (!flow.TryGetMenu(menuId, out FlowMenu? menu))
        {
            // The library changed under a call in progress: start the flow over rather than drop the caller.
            Log.UnknownMenu(logger, call.CallSid ?? "-", flow.Name);
            return await MenuAsync(context, call, flow, flow.EntryMenu, state with { NoInput = 0, Invalid = 0 }, []).ConfigureAwait(false);
        }

        bool silent = string.IsNullOrWhiteSpace(call.Digits) && string.IsNullOrWhiteSpace(call.SpeechResult);
        if (silent)
        {
            RequestCallNote.Set(context, call.CallSid, string.Create(CultureInfo.InvariantCulture, $"in {flow.Name}/{menu.Id}: no input (time {state.NoInput + 1})"));
            return state.NoInput < menu.NoInput.Retries
                ? await MenuAsync(context, call, flow, menu, state with { NoInput = state.NoInput + 1 }, menu.NoInput.Play).ConfigureAwait(false)
                : await ActAsync(context, call, flow, menu, state, menu.NoInput.Then).ConfigureAwait(false);
        }

        MenuChoice? choice = menu.Match(call.Digits, call.SpeechResult, state.Language);
        if (choice is null)
        {
            RequestCallNote.Set(context, call.CallSid, string.Create(CultureInfo.InvariantCulture, $"in {flow.Name}/{menu.Id}: answer matched no choice (time {state.Invalid + 1})"));
            return state.Invalid < menu.Invalid.Retries
                ? await MenuAsync(context, call, flow, menu, state with { Invalid = state.Invalid + 1 }, menu.Invalid.Play).ConfigureAwait(false)
                : await ActAsync(context, call, flow, menu, state, menu.Invalid.Then).ConfigureAwait(false);
        }

        RequestCallNote.Set(context, call.CallSid, $"in {flow.Name}/{menu.Id} chose {choice.Digits ?? "(speech)"}: {choice.Action.GetType().Name}");
        return await ActAsync(context, call, flow, menu, state, choice.Action).ConfigureAwait(false);
    }

    /// <summary>The answer when nothing else can be given: a short apology, then hang up. Never an HTTP error, which Twilio would read out as an application error.</summary>
    public VoiceResponse Apology() =>
        new VoiceResponse().SayFallback(ApologyText, null, "en-US", family: _sayVoices).Hangup();

    private VoiceResponse UnknownFlow(string flowName, TwilioVoiceRequest call)
    {
        Log.UnknownFlow(logger, call.CallSid ?? "-", LibraryRules.IsValidId(flowName) ? flowName : "(not a valid flow name)");
        return Apology();
    }

    /// <summary>
    /// Takes a step: its announcement first (streamed alone when the step or the service says so, then the stream's action
    /// comes back here with <paramref name="announced"/>), then the menu, the dial, the redirect or the hang-up.
    /// </summary>
    private async Task<VoiceResponse> ActAsync(
        HttpContext context, TwilioVoiceRequest call, CallFlow flow, FlowMenu menu, CallState state, FlowAction action, bool announced = false, bool allowStream = true)
    {
        IReadOnlyList<PromptReference> announce = announced ? [] : action.Announce;
        if (allowStream && announce.Count > 0 && await TryStreamAnnouncementAsync(context, call, flow, menu, state, action).ConfigureAwait(false) is { } streamed)
        {
            return streamed;
        }

        switch (action)
        {
            case GoToMenuAction goTo:
                FlowMenu target = flow.TryGetMenu(goTo.MenuId, out FlowMenu? next) ? next : flow.EntryMenu;
                CallState moved = new(goTo.Language is { } language && flow.Languages.Contains(language) ? language : state.Language, 0, 0);
                // The announcement plays in the language the call continues in.
                return await MenuAsync(context, call, flow, target, moved, announce, allowStream).ConfigureAwait(false);
            case ReturnToMenuAction:
                return await MenuAsync(context, call, flow, menu, state, announce, allowStream).ConfigureAwait(false);
        }

        VoiceResponse response = new();
        AppendPrompts(context, await ResolveAsync(announce, state.Language, context, call).ConfigureAwait(false), response.Play, response.SayFallback);
        return action switch
        {
            RedirectAction redirect => response.Redirect(ResolveRedirect(context, redirect.Url), TwiMLMethod.Post),
            DialAction dial => response.Dial(dial.Number),
            HangUpAction => response.Hangup(),
            _ => response.Hangup(),
        };
    }

    private async Task<VoiceResponse> MenuAsync(
        HttpContext context, TwilioVoiceRequest call, CallFlow flow, FlowMenu menu, CallState state, IReadOnlyList<PromptReference> before,
        bool allowStream = true, bool menuPromptsPlayed = false)
    {
        if (allowStream && !menuPromptsPlayed && await TryStreamAsync(context, call, flow, menu, state, before).ConfigureAwait(false) is { } streamed)
        {
            return streamed;
        }

        // One wait for everything the answer plays: the prompts before the menu and the menu's own (unless a stream played them).
        IReadOnlyList<PromptReference> menuPrompts = menuPromptsPlayed ? [] : menu.Play;
        IReadOnlyList<ReadyPrompt> ready = await ResolveAsync([.. before, .. menuPrompts], state.Language, context, call).ConfigureAwait(false);
        VoiceResponse response = new();
        AppendPrompts(context, ready.Take(before.Count), response.Play, response.SayFallback);

        string action = urls.Absolute(context, GatherPath(flow, menu, state) + CarriedQuery(flow, context.Request.Query));
        bool speech = (menu.Input & MenuInput.Speech) != 0;
        GatherOptions gather = new()
        {
            Action = action,
            Method = TwiMLMethod.Post,
            Input = (menu.Input & MenuInput.Dtmf) != 0 && speech ? GatherInput.Dtmf | GatherInput.Speech
                : speech ? GatherInput.Speech
                : GatherInput.Dtmf,
            NumDigits = menu.NumDigits > 0 ? menu.NumDigits : null,
            Timeout = menu.TimeoutSeconds,
            // '#' would end the input instead of being read as a choice.
            FinishOnKey = FinishOnKey(menu),
            // Twilio calls the action on silence too, so no-input is handled in one place.
            ActionOnEmptyResult = true,
            Language = speech ? state.Language : null,
            Hints = speech && menu.SpeechHints(state.Language) is { Count: > 0 } hints ? string.Join(", ", hints) : null,
            SpeechTimeout = speech ? "auto" : null,
        };
        response.Gather(gather, nested => AppendPrompts(context, ready.Skip(before.Count), nested.Play, nested.SayFallback));
        // Reached only if Twilio ever skips the action: the same URL, as silence.
        return response.Redirect(action, TwiMLMethod.Post);
    }

    internal static string GatherPath(CallFlow flow, FlowMenu menu, CallState state) =>
        $"/twilio/voice/{Uri.EscapeDataString(flow.Name)}/gather/{Uri.EscapeDataString(menu.Id)}"
        + $"?{LanguageParameter}={Uri.EscapeDataString(state.Language)}"
        + $"&{NoInputParameter}={state.NoInput.ToString(CultureInfo.InvariantCulture)}"
        + $"&{InvalidParameter}={state.Invalid.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The query parameters the flow's templates take values from (<c>query:&lt;name&gt;</c>), as this request has them, added
    /// to every action URL so a later menu still finds them. Twilio signs those URLs: a caller cannot change them.
    /// </summary>
    internal string CarriedQuery(CallFlow flow, IQueryCollection query)
    {
        StringBuilder carried = new();
        foreach (string name in flows.QueryValueNames(flow))
        {
            if (name is not (LanguageParameter or NoInputParameter or InvalidParameter) && query[name].FirstOrDefault() is { } value)
            {
                carried.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return carried.ToString();
    }

    private async Task<IReadOnlyList<ReadyPrompt>> ResolveAsync(IReadOnlyList<PromptReference> references, string callLanguage, HttpContext context, TwilioVoiceRequest call)
    {
        List<InCallPrompts.InCallPrompt> work = [];
        List<ReadyPrompt> ready = [];
        foreach (PromptReference reference in references)
        {
            LibraryPrompt prompt = flows.Library.GetPrompt(reference, callLanguage);
            if (reference.Values is not { } sources)
            {
                work.Add(prompts.For(flows.SpecFor(prompt)));
                ready.Add(new ReadyPrompt(null, prompt.Text, prompt.Voice, prompt.Language));
                continue;
            }

            PreparedAnnouncement? announcement = PrepareAnnouncement(prompt, sources, context, call);
            if (announcement is not null)
            {
                work.Add(new InCallPrompts.InCallPrompt(announcement.Key, async wait =>
                    (await announcements.ResolveAsync(announcement, RenderUrgency.InCall, wait).ConfigureAwait(false)).Prompt));
                // Should the audio not be ready in time, <Say> speaks the same words.
                ready.Add(new ReadyPrompt(null, announcement.Spoken, prompt.Voice, prompt.Language));
            }
            else if (reference.Fallback is { } fallbackId)
            {
                LibraryPrompt fallback = flows.Library.GetPrompt(new PromptReference(fallbackId, reference.Language), callLanguage);
                work.Add(prompts.For(flows.SpecFor(fallback)));
                ready.Add(new ReadyPrompt(null, fallback.Text, fallback.Voice, fallback.Language));
            }
        }

        PromptKey?[] keys = await prompts.ResolveAsync(work, context.RequestAborted).ConfigureAwait(false);
        return [.. ready.Select((prompt, i) => prompt with { Key = keys[i] })];
    }

    /// <summary>
    /// A template with its values from the call (<c>From</c>, <c>Digits</c>, <c>SpeechResult</c>) and the webhook URL's query;
    /// null when a value is missing or cannot be spoken, so the step plays its fallback prompt instead (or goes on without it).
    /// </summary>
    private PreparedAnnouncement? PrepareAnnouncement(LibraryPrompt prompt, IReadOnlyDictionary<string, CallValueSource> sources, HttpContext context, TwilioVoiceRequest call)
    {
        Dictionary<string, string> values = new(StringComparer.Ordinal);
        foreach ((string name, CallValueSource source) in sources)
        {
            string? value = source.Resolve(
                parameter => call.Parameters.TryGetValue(parameter, out string? given) ? given : null,
                parameter => context.Request.Query[parameter].FirstOrDefault());
            if (!string.IsNullOrEmpty(value))
            {
                values[name] = value;
            }
        }

        try
        {
            return announcements.PrepareTemplate(prompt, values);
        }
        catch (TemplateValueException exception)
        {
            // The value's name and the reason, never the value: it may be a caller's number or a date of birth.
            Log.BadValue(logger, call.CallSid ?? "-", prompt.Id, exception.ValueName, exception.Reason);
        }
        catch (PromptRequestException exception)
        {
            Log.Unspeakable(logger, call.CallSid ?? "-", prompt.Id, exception.Message);
        }

        return null;
    }

    /// <summary>
    /// Adds each prompt where the answer plays it (the response itself, or the prompts nested in a gather): &lt;Play&gt; of its
    /// audio, or &lt;Say&gt; of its text when it has none.
    /// </summary>
    private void AppendPrompts<T>(
        HttpContext context, IEnumerable<ReadyPrompt> ready,
        Func<string?, int?, string?, T> play, Func<string, string?, string?, int?, SayVoiceFamily, T> say)
    {
        foreach (ReadyPrompt prompt in ready)
        {
            if (prompt.Key is { } key)
            {
                play(urls.PromptAudio(context, key), null, null);
            }
            else if (HasSpeakableText(prompt.Text))
            {
                say(prompt.Text, prompt.Voice, prompt.Language, null, _sayVoices);
            }
        }
    }

    /// <summary>A prompt made only of audio tags has nothing for &lt;Say&gt; to speak; it is left out rather than fail the answer.</summary>
    private static bool HasSpeakableText(string text) => SayFallback.StripAudioTags(text).Length > 0;

    private string ResolveRedirect(HttpContext context, string url) =>
        url.StartsWith('/') ? urls.Absolute(context, url) : url;

    /// <summary>A prompt of the answer: the key of its audio, or null when &lt;Say&gt; speaks the text instead.</summary>
    private sealed record ReadyPrompt(PromptKey? Key, string Text, string Voice, string Language);

    private static partial class Log
    {
        [LoggerMessage(EventId = 5504, Level = LogLevel.Warning, Message = "Call {CallSid} asked for flow {Flow}, which the library does not have; answering with an apology")]
        public static partial void UnknownFlow(ILogger logger, string callSid, string flow);

        [LoggerMessage(EventId = 5506, Level = LogLevel.Warning, Message = "Call {CallSid}: value {ValueName} of template {PromptId} cannot be spoken ({Reason}); playing the fallback")]
        public static partial void BadValue(ILogger logger, string callSid, string promptId, string valueName, string reason);

        [LoggerMessage(EventId = 5507, Level = LogLevel.Warning, Message = "Call {CallSid}: template {PromptId} cannot be spoken ({Reason}); playing the fallback")]
        public static partial void Unspeakable(ILogger logger, string callSid, string promptId, string reason);

        [LoggerMessage(EventId = 5505, Level = LogLevel.Warning, Message = "Call {CallSid} answered a menu that flow {Flow} no longer has; restarting the flow")]
        public static partial void UnknownMenu(ILogger logger, string callSid, string flow);
    }
}

/// <summary>Where a call is in a flow, carried in the Gather action URL.</summary>
internal sealed record CallState(string Language, int NoInput, int Invalid)
{
    /// <summary>Reads the state from the query; anything missing or out of range falls back to the flow's start values.</summary>
    public static CallState Read(IQueryCollection query, CallFlow flow)
    {
        string? language = query[CallFlowResponder.LanguageParameter].FirstOrDefault();
        return new CallState(
            language is not null && flow.Languages.Contains(language, StringComparer.Ordinal) ? language : flow.EntryLanguage,
            Count(query[CallFlowResponder.NoInputParameter].FirstOrDefault()),
            Count(query[CallFlowResponder.InvalidParameter].FirstOrDefault()));
    }

    private static int Count(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? Math.Clamp(value, 0, MenuRetry.MaxRetries) : 0;
}
