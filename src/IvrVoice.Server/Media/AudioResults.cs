using System.Runtime.CompilerServices;
using IvrVoice.Caching;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace IvrVoice.Server.Media;

internal static class AudioResults
{
    public const string WavContentType = "audio/wav";

    /// <summary>A year, the longest lifetime HTTP caches are expected to honour.</summary>
    public const int ImmutableMaxAgeSeconds = 31_536_000;

    private static readonly StringValues ImmutableCacheControl = $"public, max-age={ImmutableMaxAgeSeconds}, immutable";

    // One prepared answer per cached prompt instance: it lives as long as the memory tier (or a caller) holds the prompt.
    private static readonly ConditionalWeakTable<CachedPrompt, PreparedWav> Prepared = new();

    /// <summary>
    /// The prompt's WAV with a strong ETag (the SHA-256 of the bytes) and Last-Modified (when it was rendered). A plain GET or
    /// HEAD is answered from headers formatted once per prompt and the bytes written once into the response; a conditional
    /// or Range request goes to ASP.NET's file result, which answers If-None-Match/If-Modified-Since with 304, Range with 206
    /// (and 416 when unsatisfiable), and HEAD with the headers alone.
    /// </summary>
    public static IResult Wav(HttpContext context, CachedPrompt prompt, int maxAgeSeconds, bool immutable)
    {
        PreparedWav wav = Prepared.GetValue(prompt, static p => new PreparedWav(p));
        if (immutable && maxAgeSeconds == ImmutableMaxAgeSeconds)
        {
            return wav.Immutable;
        }

        StringValues cacheControl = immutable ? $"public, max-age={maxAgeSeconds}, immutable" : $"public, max-age={maxAgeSeconds}";
        return new WavResult(wav, cacheControl);
    }

    /// <summary>What every answer for one prompt shares, formatted once.</summary>
    internal sealed class PreparedWav
    {
        public PreparedWav(CachedPrompt prompt)
        {
            Prompt = prompt;
            EntityTag = new EntityTagHeaderValue($"\"{prompt.Metadata.Sha256}\"");
            ETag = EntityTag.ToString();
            LastModified = HeaderUtilities.FormatDate(prompt.Metadata.RenderedAt);
            Immutable = new WavResult(this, ImmutableCacheControl);
        }

        public CachedPrompt Prompt { get; }

        public EntityTagHeaderValue EntityTag { get; }

        public StringValues ETag { get; }

        public StringValues LastModified { get; }

        /// <summary>The answer with the immutable year-long Cache-Control of <c>/prompts/{key}.wav</c>, made once.</summary>
        public WavResult Immutable { get; }
    }

    internal sealed class WavResult(PreparedWav wav, StringValues cacheControl) : IResult
    {
        private static readonly StringValues ContentType = WavContentType;
        private static readonly StringValues Bytes = "bytes";

        public Task ExecuteAsync(HttpContext context)
        {
            HttpResponse response = context.Response;
            response.Headers.CacheControl = cacheControl;
            if (NeedsPreconditionsOrRange(context.Request.Headers))
            {
                return Results.Bytes(
                    wav.Prompt.Audio,
                    WavContentType,
                    enableRangeProcessing: true,
                    lastModified: wav.Prompt.Metadata.RenderedAt,
                    entityTag: wav.EntityTag).ExecuteAsync(context);
            }

            // The headers ASP.NET's file result writes for a plain 200, already formatted.
            ReadOnlyMemory<byte> audio = wav.Prompt.Audio;
            response.StatusCode = StatusCodes.Status200OK;
            IHeaderDictionary headers = response.Headers;
            headers.ContentType = ContentType;
            headers.AcceptRanges = Bytes;
            headers.LastModified = wav.LastModified;
            headers.ETag = wav.ETag;
            response.ContentLength = audio.Length;
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return Task.CompletedTask;
            }

            // One copy, into the connection's output pipe, with the headers in the same write.
            ValueTask<System.IO.Pipelines.FlushResult> write = response.BodyWriter.WriteAsync(audio, context.RequestAborted);
            return write.IsCompletedSuccessfully ? Task.CompletedTask : AwaitWriteAsync(write, context);
        }

        private static bool NeedsPreconditionsOrRange(IHeaderDictionary request) =>
            request.IfNoneMatch.Count != 0 || request.IfModifiedSince.Count != 0 || request.IfMatch.Count != 0
            || request.IfUnmodifiedSince.Count != 0 || request.Range.Count != 0;

        private static async Task AwaitWriteAsync(ValueTask<System.IO.Pipelines.FlushResult> write, HttpContext context)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The caller went away, as ASP.NET's file result treats it: end the connection, report nothing.
                context.Abort();
            }
        }
    }
}
