using System.Text.Json.Serialization;

namespace IvrVoice.Server.Api;

/// <summary>The body of <c>POST /api/prompts</c>. Unknown members are refused, so a misspelt setting is an error, not a default.</summary>
internal sealed record RenderPromptBody
{
    public string? Text { get; init; }

    public string? Voice { get; init; }

    public string? Style { get; init; }

    public string? Language { get; init; }

    public string? Model { get; init; }

    public double? Temperature { get; init; }

    public IReadOnlyList<SpeakerBody>? Speakers { get; init; }

    /// <summary>Telephony mastering; on unless false.</summary>
    public bool? Master { get; init; }
}

internal sealed record SpeakerBody(string? Name, string? Voice);

/// <summary>The answer of <c>POST /api/prompts</c>.</summary>
/// <param name="Url">The prompt's permanent audio URL; null when the prompt is not stored (it would not be served after a restart or on another node).</param>
/// <param name="Stored">Whether the durable store holds the prompt now (false after a bypass or read-only render, or while the store fails).</param>
internal sealed record RenderedPromptResponse(string Key, string? Url, double DurationSeconds, string Provider, bool Stored);

/// <summary>
/// The body of <c>POST /api/announcements</c>: free <c>text</c> (with voice, style, language, model), or a template
/// <c>prompt</c> of the library with its <c>language</c> and <c>values</c> (strings or numbers by placeholder name); and
/// optionally <c>playback</c> and <c>next</c>.
/// </summary>
internal sealed record AnnouncementBody
{
    public string? Text { get; init; }

    public string? Voice { get; init; }

    public string? Style { get; init; }

    public string? Language { get; init; }

    public string? Model { get; init; }

    public string? Prompt { get; init; }

    public Dictionary<string, System.Text.Json.JsonElement>? Values { get; init; }

    /// <summary><c>"stream"</c>: the TwiML streams the announcement over a Media Stream (then <see cref="Next"/>); <c>"play"</c> or absent: &lt;Play&gt;.</summary>
    public string? Playback { get; init; }

    /// <summary>Where the call goes after a streamed announcement: a path on this service or an http(s) URL; absent ends the call.</summary>
    public string? Next { get; init; }
}

/// <summary>
/// The answer of <c>POST /api/announcements</c>: a signed URL that speaks the announcement when fetched, TwiML that plays it,
/// how it is spoken (<c>join</c>, <c>render</c> or <c>auto</c>) and the exact words. <paramref name="Key"/> is the key of the
/// whole sentence's render (for a template spoken by joining, the render <c>auto</c> serves once it is made).
/// </summary>
internal sealed record AnnouncementResponse(string Key, string Url, string Twiml, DateTimeOffset ExpiresAt, string Strategy, string Spoken);

/// <summary>The answer of <c>GET /api/prompts/{key}</c>.</summary>
internal sealed record PromptMetadataResponse(
    string Key,
    string Url,
    string Text,
    string Voice,
    string Model,
    string? Language,
    string? Style,
    string Provider,
    double DurationSeconds,
    long ByteLength,
    string Sha256,
    DateTimeOffset RenderedAt,
    bool Pinned,
    string Format);

/// <summary>The answer of <c>/readyz</c>.</summary>
internal sealed record ReadinessResponse(string Status, StoreReadiness Store, IReadOnlyList<RouteReadiness> Routes, int Flows);

internal sealed record StoreReadiness(string Name, bool Healthy, string Description, long? Entries, long? StoredBytes, int PendingWrites);

internal sealed record RouteReadiness(string Name, string Breaker);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RenderPromptBody))]
[JsonSerializable(typeof(RenderedPromptResponse))]
[JsonSerializable(typeof(AnnouncementBody))]
[JsonSerializable(typeof(AnnouncementResponse))]
[JsonSerializable(typeof(PromptMetadataResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
