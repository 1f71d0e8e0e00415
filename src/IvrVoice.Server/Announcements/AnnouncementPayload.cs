using System.Text.Json.Serialization;

namespace IvrVoice.Server.Announcements;

/// <summary>The JSON inside an announcement URL's <c>a</c> parameter: one-letter names, absent members left out.</summary>
internal sealed record AnnouncementPayload
{
    [JsonPropertyName("t")]
    public string? Text { get; init; }

    [JsonPropertyName("v")]
    public string? Voice { get; init; }

    [JsonPropertyName("s")]
    public string? Style { get; init; }

    [JsonPropertyName("l")]
    public string? Language { get; init; }

    [JsonPropertyName("m")]
    public string? Model { get; init; }

    /// <summary>A template prompt's id.</summary>
    [JsonPropertyName("p")]
    public string? Prompt { get; init; }

    /// <summary>The template's values, sorted by name so one value set always makes one URL.</summary>
    [JsonPropertyName("x")]
    public SortedDictionary<string, string>? Values { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnnouncementPayload))]
internal sealed partial class AnnouncementJsonContext : JsonSerializerContext;
