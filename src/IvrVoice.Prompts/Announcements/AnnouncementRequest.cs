using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;

namespace IvrVoice.Prompts.Announcements;

/// <summary>A template to speak with its values, in the voice, language, model and mastering of <see cref="BaseSpec"/>.</summary>
public sealed record AnnouncementRequest
{
    public required PromptTemplate Template { get; init; }

    /// <summary>The values by placeholder name (matched exactly), as text: "2026-12-03", "15:05", "12.50".</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }

    /// <summary>Voice, language (required: it picks the words), model, style and mastering; its text is ignored.</summary>
    public required PromptSpec BaseSpec { get; init; }

    public AnnouncementStrategy Strategy { get; init; } = AnnouncementStrategy.Auto;

    /// <summary>The caller's local date (whether a date's year and weekday are said); the <see cref="TimeProvider"/>'s local date when null.</summary>
    public DateOnly? Today { get; init; }

    /// <summary>The deadline a whole render in the call gets.</summary>
    public RenderUrgency Urgency { get; init; } = RenderUrgency.InCall;
}
