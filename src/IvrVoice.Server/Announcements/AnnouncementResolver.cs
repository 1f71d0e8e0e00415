using IvrVoice.Caching;
using IvrVoice.Library;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts.Ssml;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using IvrVoice.Server.Voice;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Announcements;

/// <summary>How an announcement is spoken, as the API reports it: <c>join</c>, <c>render</c> or <c>auto</c>.</summary>
internal static class AnnouncementStrategies
{
    public const string Join = "join";
    public const string Render = "render";
    public const string Auto = "auto";

    public static string Name(AnnouncementStrategy strategy) => strategy switch
    {
        AnnouncementStrategy.Join => Join,
        AnnouncementStrategy.Render => Render,
        _ => Auto,
    };
}

/// <summary>A template announcement's parts, as checked: the library prompt, its base spec, its values and the composed words.</summary>
internal sealed record PreparedTemplate(LibraryPrompt Prompt, PromptSpec BaseSpec, IReadOnlyDictionary<string, string> Values, DateOnly Today, AnnouncementStrategy Strategy);

/// <summary>An announcement checked and put into words, ready to resolve into audio.</summary>
/// <param name="Spec">The whole sentence's spec: what <c>render</c> renders (and <c>auto</c> later serves).</param>
/// <param name="Strategy">How it will be spoken: <c>join</c>, <c>render</c> or <c>auto</c>.</param>
/// <param name="Spoken">The exact words.</param>
/// <param name="Template">Null for free text.</param>
internal sealed record PreparedAnnouncement(Announcement Source, PromptSpec Spec, string Strategy, string Spoken, PreparedTemplate? Template = null)
{
    /// <summary>The key of the whole sentence's render.</summary>
    public PromptKey Key => PromptKeys.For(Spec);
}

/// <summary>Audio for an announcement and how it was made.</summary>
/// <param name="Outcome">What the caller hears: <c>joined</c>, <c>rendered</c> or <c>whole-from-cache</c>.</param>
internal sealed record ResolvedAnnouncement(CachedPrompt Prompt, string Strategy, string Spoken, string Outcome);

/// <summary>
/// The one path from an announcement (free text, or a library template with values) to audio, used by the API, the signed
/// URLs, <c>/twilio/announce</c>, the call flows and the audition page, so each entry point checks, words and speaks alike:
/// SSML translated or refused (never read aloud), values parsed and checked by the template's types, the template spoken by
/// its strategy through the announcement runtime.
/// </summary>
internal sealed class AnnouncementResolver(
    PromptRenderer renderer,
    AnnouncementRenderer announcements,
    CallFlows flows,
    IOptions<PromptOptions> promptOptions,
    TimeProvider time)
{
    private readonly string _defaultLanguage = PromptKeys.NormalizeLanguage(promptOptions.Value.DefaultLanguage) is { Length: > 0 } language ? language : "en-US";

    /// <summary>Checks the announcement and puts it into words, without rendering.</summary>
    /// <exception cref="PromptRequestException">Text that can never render (empty, too long, refused markup, unknown voice), an unknown template.</exception>
    /// <exception cref="TemplateValueException">A value is missing, unknown, malformed, out of range, or holds tags or control characters.</exception>
    public PreparedAnnouncement Prepare(Announcement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        if (announcement.IsTemplate)
        {
            return PrepareTemplate(announcement, strategy: null);
        }

        // SSML is translated to words and pauses here, or refused by name; never passed on to be read aloud.
        string text = SpeechText.Prepare(announcement.Text, announcement.Language ?? _defaultLanguage, announcement.Model);
        PromptSpec spec = renderer.CreateSpec(new PromptRequest
        {
            Text = text,
            Voice = announcement.Voice,
            Style = announcement.Style,
            Language = announcement.Language,
            Model = announcement.Model,
        });
        return new PreparedAnnouncement(announcement, spec, AnnouncementStrategies.Render, spec.Text);
    }

    /// <summary>A template with <paramref name="strategy"/> instead of the library's (the audition page plays join and render side by side).</summary>
    public PreparedAnnouncement PrepareTemplate(Announcement announcement, AnnouncementStrategy? strategy)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        string id = announcement.Prompt ?? throw new ArgumentException("Not a template announcement.", nameof(announcement));
        string language = PromptKeys.NormalizeLanguage(announcement.Language) is { Length: > 0 } l ? l : _defaultLanguage;
        if (!flows.Library.TryGetPrompt(language, id, out LibraryPrompt? prompt))
        {
            throw new PromptRequestException(flows.Library.Prompts.Any(p => p.Id == id)
                ? $"The library's prompt '{id}' is not written in {language} (it has {string.Join(", ", flows.Library.Prompts.Where(p => p.Id == id).Select(p => p.Language))})."
                : $"The library has no prompt '{id}'.");
        }

        return PrepareTemplate(prompt, announcement.Values ?? new Dictionary<string, string>(), strategy, announcement);
    }

    /// <summary>A library template prompt with values from a call or a request.</summary>
    public PreparedAnnouncement PrepareTemplate(LibraryPrompt prompt, IReadOnlyDictionary<string, string> values, AnnouncementStrategy? strategy = null, Announcement? source = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(values);
        if (prompt.Template is not { } template)
        {
            throw new PromptRequestException($"The library's prompt '{prompt.Id}' has no placeholders: play it as a prompt, not an announcement.");
        }

        DateOnly today = DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        ComposedAnnouncement composed = TemplateComposer.Compose(template, values, prompt.Language, today);
        PromptSpec baseSpec = flows.SpecFor(prompt);
        AnnouncementStrategy chosen = strategy ?? prompt.Strategy;
        // A free text value cannot be joined: such a sentence is always rendered whole.
        string reported = composed.RenderOnly ? AnnouncementStrategies.Render : AnnouncementStrategies.Name(chosen);
        return new PreparedAnnouncement(
            source ?? new Announcement("", Language: prompt.Language) { Prompt = prompt.Id, Values = values },
            TemplateAudioPlan.WholeRenderSpec(composed, baseSpec),
            reported,
            composed.Spoken,
            new PreparedTemplate(prompt, baseSpec, values, today, chosen));
    }

    /// <summary>A template announcement joined from cached pieces with no render, or null (free text, a render strategy, a piece missing).</summary>
    public async Task<CachedPrompt?> TryJoinCachedAsync(PreparedAnnouncement prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Template is not { } template)
        {
            return null;
        }

        AnnouncementResult? result = await announcements.TryJoinCachedAsync(new AnnouncementRequest
        {
            Template = template.Prompt.Template!,
            Values = template.Values,
            BaseSpec = template.BaseSpec,
            Strategy = template.Strategy,
            Today = template.Today,
            Urgency = RenderUrgency.InCall,
        }, cancellationToken).ConfigureAwait(false);
        return result?.Prompt;
    }

    /// <summary>
    /// The audio, from the cache or made now. A caller's token only ends its own wait; a render goes on for the next caller.
    /// </summary>
    /// <exception cref="PromptRenderException">Every route failed.</exception>
    public async Task<ResolvedAnnouncement> ResolveAsync(PreparedAnnouncement prepared, RenderUrgency urgency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Template is not { } template)
        {
            CachedPrompt prompt = await renderer.GetOrRenderAsync(prepared.Spec, urgency, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
            return new ResolvedAnnouncement(prompt, prepared.Strategy, prepared.Spoken, "rendered");
        }

        AnnouncementResult result = await announcements.SpeakAsync(new AnnouncementRequest
        {
            Template = template.Prompt.Template!,
            Values = template.Values,
            BaseSpec = template.BaseSpec,
            Strategy = template.Strategy,
            Today = template.Today,
            Urgency = urgency,
        }, cancellationToken).ConfigureAwait(false);
        string outcome = result.Outcome switch
        {
            AnnouncementOutcome.Joined => "joined",
            AnnouncementOutcome.WholeFromCache => "whole-from-cache",
            _ => "rendered",
        };
        return new ResolvedAnnouncement(result.Prompt, prepared.Strategy, result.Spoken, outcome);
    }
}
