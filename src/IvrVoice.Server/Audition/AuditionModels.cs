using System.Text.Json.Serialization;

namespace IvrVoice.Server.Audition;

/// <summary>The answer of <c>GET /audition/api/prompts</c>.</summary>
internal sealed record AuditionLibrary(string? Name, string Access, IReadOnlyList<string> Voices, IReadOnlyList<AuditionPrompt> Prompts);

/// <summary>A library prompt as the service renders it, and its audio when the cache holds it.</summary>
/// <param name="Peaks">The waveform: the loudest sample of each of <see cref="AuditionAudio.PeakCount"/> equal slices, 0 to 100 % of full scale.</param>
internal sealed record AuditionPrompt(
    string Id,
    string Language,
    string Text,
    string Voice,
    IReadOnlyList<AuditionSpeaker> Speakers,
    string Model,
    string Key,
    bool Rendered,
    string? Provider,
    double? DurationSeconds,
    string? PreviewUrl,
    IReadOnlyList<int>? Peaks,
    IReadOnlyList<AuditionPlaceholder>? Placeholders = null,
    string? Strategy = null);

/// <summary>A template's placeholder, for the page's form: its name, type (number, date, …) and options as written.</summary>
internal sealed record AuditionPlaceholder(string Name, string Type, IReadOnlyDictionary<string, string> Options);

/// <summary>The body of <c>POST /audition/api/announce</c>: a template of the library with values to speak.</summary>
internal sealed record AuditionAnnounceRequest(string? Language, string? Id, Dictionary<string, string>? Values);

/// <summary>A template spoken both ways: joined from its pieces and rendered whole, to hear side by side.</summary>
internal sealed record AuditionAnnouncement(string Id, string Language, string Spoken, string Strategy, AuditionVersion Join, AuditionVersion Render);

/// <summary>One way of speaking it. <paramref name="Outcome"/>: joined, rendered (pieces not built, or a free text value) or whole-from-cache.</summary>
internal sealed record AuditionVersion(string Outcome, string Key, string Provider, double DurationSeconds, string PreviewUrl, IReadOnlyList<int> Peaks);

internal sealed record AuditionSpeaker(string Name, string Voice);

/// <summary>The body of <c>POST /audition/api/render</c>: one prompt of the library, rendered with another voice.</summary>
internal sealed record AuditionTakeRequest(string? Language, string? Id, string? Voice);

/// <summary>A take: the prompt rendered with the asked voice, cached under its own key.</summary>
internal sealed record AuditionTake(string Id, string Language, string Voice, string Key, string Provider, double DurationSeconds, string PreviewUrl, IReadOnlyList<int> Peaks);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AuditionLibrary))]
[JsonSerializable(typeof(AuditionTakeRequest))]
[JsonSerializable(typeof(AuditionTake))]
[JsonSerializable(typeof(AuditionAnnounceRequest))]
[JsonSerializable(typeof(AuditionAnnouncement))]
internal sealed partial class AuditionJsonContext : JsonSerializerContext;
