using IvrVoice.Caching;

namespace IvrVoice.Prompts.Announcements;

/// <summary>A spoken announcement: a cached prompt (8 kHz μ-law WAV, content-addressed, immutable), its words and how it was made.</summary>
public sealed record AnnouncementResult
{
    /// <summary>The audio, cached under <see cref="PromptMetadata.Key"/>: serve it like any prompt.</summary>
    public required CachedPrompt Prompt { get; init; }

    /// <summary>The exact words spoken. Personal data: never log it.</summary>
    public required string Spoken { get; init; }

    /// <summary>The language whose words were used (e.g. es-US for es-MX).</summary>
    public required string Language { get; init; }

    /// <summary>The strategy asked for.</summary>
    public required AnnouncementStrategy Strategy { get; init; }

    /// <summary>What the caller hears.</summary>
    public required AnnouncementOutcome Outcome { get; init; }

    /// <summary>Why a join or auto request was rendered instead (a free text value, pieces not built); null otherwise.</summary>
    public string? FallbackReason { get; init; }

    /// <summary>How many distinct planned pieces were not in the cache (0 when the sentence was joined or never planned).</summary>
    public int MissingPieces { get; init; }

    /// <summary>
    /// Strategy auto after a join: the background render of the whole sentence (it completes once that render is stored
    /// or has failed; it never throws). Null when none was queued (already cached, or too many running).
    /// </summary>
    public Task? WholeRender { get; init; }
}
