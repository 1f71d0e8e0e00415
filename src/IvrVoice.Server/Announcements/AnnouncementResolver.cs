using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;

namespace IvrVoice.Server.Announcements;

/// <summary>How an announcement is spoken: <c>join</c>, <c>render</c> or <c>auto</c> (join now, the whole sentence rendered for the next caller).</summary>
internal static class AnnouncementStrategies
{
    public const string Join = "join";
    public const string Render = "render";
    public const string Auto = "auto";
}

/// <summary>An announcement checked and put into words, ready to resolve into audio.</summary>
/// <param name="Spec">The whole sentence's spec: what <c>render</c> renders (and <c>auto</c> later serves).</param>
/// <param name="Strategy">How it will be spoken.</param>
/// <param name="Spoken">The exact words.</param>
internal sealed record PreparedAnnouncement(Announcement Source, PromptSpec Spec, string Strategy, string Spoken)
{
    /// <summary>The key of the whole sentence's render.</summary>
    public PromptKey Key => PromptKeys.For(Spec);
}

/// <summary>Audio for an announcement and how it was made.</summary>
internal sealed record ResolvedAnnouncement(CachedPrompt Prompt, string Strategy, string Spoken);

/// <summary>
/// The one path from an announcement (free text or a library template with values) to audio, used by the API, the signed
/// URLs, <c>/twilio/announce</c>, the call flows and the audition page, so each entry point checks, words and speaks alike.
/// </summary>
internal sealed partial class AnnouncementResolver(PromptRenderer renderer)
{
    /// <summary>Checks the announcement and puts it into words, without rendering.</summary>
    /// <exception cref="PromptRequestException">Text that can never render (empty, too long, refused markup, unknown voice).</exception>
    public PreparedAnnouncement Prepare(Announcement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        PromptSpec spec = renderer.CreateSpec(new PromptRequest
        {
            Text = announcement.Text,
            Voice = announcement.Voice,
            Style = announcement.Style,
            Language = announcement.Language,
            Model = announcement.Model,
        });
        return new PreparedAnnouncement(announcement, spec, AnnouncementStrategies.Render, spec.Text);
    }

    /// <summary>
    /// The audio, from the cache or made now. A caller's token only ends its own wait; a render goes on for the next caller.
    /// </summary>
    /// <exception cref="PromptRenderException">Every route failed.</exception>
    public async Task<ResolvedAnnouncement> ResolveAsync(PreparedAnnouncement prepared, RenderUrgency urgency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        CachedPrompt prompt = await renderer.GetOrRenderAsync(prepared.Spec, urgency, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
        return new ResolvedAnnouncement(prompt, prepared.Strategy, prepared.Spoken);
    }
}
