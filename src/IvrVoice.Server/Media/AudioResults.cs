using IvrVoice.Caching;
using Microsoft.Net.Http.Headers;

namespace IvrVoice.Server.Media;

internal static class AudioResults
{
    public const string WavContentType = "audio/wav";

    /// <summary>A year, the longest lifetime HTTP caches are expected to honour.</summary>
    public const int ImmutableMaxAgeSeconds = 31_536_000;

    /// <summary>
    /// The prompt's WAV with a strong ETag (the SHA-256 of the bytes) and Last-Modified (when it was rendered). ASP.NET's file
    /// result answers If-None-Match/If-Modified-Since with 304, Range with 206 (and 416 when unsatisfiable), and HEAD with the
    /// headers alone.
    /// </summary>
    public static IResult Wav(HttpContext context, CachedPrompt prompt, int maxAgeSeconds, bool immutable)
    {
        context.Response.Headers.CacheControl = immutable
            ? $"public, max-age={maxAgeSeconds}, immutable"
            : $"public, max-age={maxAgeSeconds}";
        return Results.Bytes(
            prompt.Audio,
            WavContentType,
            enableRangeProcessing: true,
            lastModified: prompt.Metadata.RenderedAt,
            entityTag: new EntityTagHeaderValue($"\"{prompt.Metadata.Sha256}\""));
    }
}
