using System.Text.Json.Serialization;

namespace IvrVoice.Caching;

/// <summary>What the cache records about a rendered prompt besides its audio.</summary>
public sealed record PromptMetadata
{
    /// <summary>The format of every prompt this service renders: a WAV holding 8 kHz mono G.711 μ-law.</summary>
    public const string MuLawWavFormat = "mulaw-wav";

    public required PromptKey Key { get; init; }

    /// <summary>The prompt text as rendered. Never logged: log <see cref="Key"/> instead.</summary>
    public required string Text { get; init; }

    public required string Voice { get; init; }

    public required string Model { get; init; }

    public string? Language { get; init; }

    public string? Style { get; init; }

    /// <summary>The provider route that served the audio (e.g. "gemini", "openrouter", "espeak").</summary>
    public required string Provider { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>Length of the audio (the whole WAV file) in bytes.</summary>
    public long ByteLength { get; init; }

    /// <summary>SHA-256 of the audio bytes as 64 lowercase hex characters; checked when a stored entry is read or verified.</summary>
    public required string Sha256 { get; init; }

    public DateTimeOffset RenderedAt { get; init; }

    /// <summary>Library prompts are pinned: eviction never removes them.</summary>
    public bool Pinned { get; init; }

    public string Format { get; init; } = MuLawWavFormat;
}

/// <summary>A prompt's metadata and its final audio (the 8 kHz μ-law WAV file).</summary>
public sealed record CachedPrompt(PromptMetadata Metadata, ReadOnlyMemory<byte> Audio)
{
    /// <summary>
    /// Builds a prompt whose <see cref="PromptMetadata.ByteLength"/> and <see cref="PromptMetadata.Sha256"/> are computed
    /// from <paramref name="audio"/>, so they cannot disagree with it.
    /// </summary>
    public static CachedPrompt Create(PromptMetadata metadata, ReadOnlyMemory<byte> audio)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new CachedPrompt(
            metadata with { ByteLength = audio.Length, Sha256 = AudioHash.Compute(audio.Span) },
            audio);
    }
}

/// <summary>How one request uses the cache.</summary>
public enum CacheMode
{
    /// <summary>Read every tier; on a miss render once and store the result.</summary>
    ReadWrite,

    /// <summary>Read every tier; on a miss render but write nothing to any tier.</summary>
    ReadOnly,

    /// <summary>Neither read nor write: always render, store nothing.</summary>
    Bypass,
}

/// <summary>Serialisation of the caching types with System.Text.Json source generation.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PromptMetadata))]
public sealed partial class CachingJsonContext : JsonSerializerContext;

internal static class AudioHash
{
    public static string Compute(ReadOnlySpan<byte> audio) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(audio));
}
