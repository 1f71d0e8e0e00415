using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    /// <summary>The audio a route serves, bent by an audio fault when one strikes.</summary>
    private (byte[] Bytes, string ContentType) AudioFor(EmulatorFault? fault, bool rawPcm)
    {
        return fault?.Kind switch
        {
            FaultKind.NoAudio => (SpeechClip.Wav([]), "audio/wav"),
            FaultKind.TruncatedWav => (Clip.Wav()[..30], "audio/wav"),
            FaultKind.MalformedWav => (MalformedWav(), "audio/wav"),
            FaultKind.Mp3 => Compressed(ClipFormat.Mp3),
            FaultKind.MalformedMp3 => (FakeMp3(), "audio/mpeg"),
            FaultKind.Flac => Compressed(ClipFormat.Flac),
            FaultKind.OggOpus => Compressed(ClipFormat.OggOpus),
            FaultKind.Aac => Compressed(ClipFormat.Aac),
            FaultKind.Silence => (SpeechClip.Wav(new short[SpeechClip.SampleRate]), "audio/wav"),
            _ => rawPcm ? (Clip.Pcm16(), "audio/pcm;rate=24000;channels=1") : (Clip.Wav(), "audio/wav"),
        };
    }

    private (byte[] Bytes, string ContentType) Compressed(ClipFormat format) => (Clip.Encoded(format), SpeechClip.ContentType(format));

    private async Task WriteAudioAsync(HttpContext context, EmulatorFault? fault, bool rawPcm, ClipFormat? format = null)
    {
        if (fault?.Kind == FaultKind.Oversize)
        {
            await WriteOversizeAsync(context).ConfigureAwait(false);
            return;
        }

        (byte[] bytes, string contentType) = fault is null && format is { } asked ? Compressed(asked) : AudioFor(fault, rawPcm);
        await WriteBytesAsync(context, bytes, contentType).ConfigureAwait(false);
    }

    private async Task WriteOversizeAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "audio/wav";
        byte[] chunk = Clip.Wav();
        int sent = 0;
        while (sent < OversizeBytes && !context.RequestAborted.IsCancellationRequested)
        {
            int n = Math.Min(chunk.Length, OversizeBytes - sent);
            try
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;   // the client stopped reading at its limit, as it should
            }

            sent += n;
        }
    }

    private static byte[] MalformedWav()
    {
        byte[] wav = SpeechClip.Wav(new short[2400]);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), 0);    // zero channels
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), 0);    // zero sample rate
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), 0);    // zero block align
        return wav;
    }

    // An ID3v2 tag followed by MPEG-1 Layer III frame headers (128 kbit/s, 44.1 kHz): what an MP3 answer starts with.
    private static byte[] FakeMp3()
    {
        byte[] bytes = new byte[10 + (417 * 8)];
        "ID3"u8.CopyTo(bytes);
        bytes[3] = 4;
        for (int frame = 0; frame < 8; frame++)
        {
            int at = 10 + (frame * 417);
            bytes[at] = 0xFF;
            bytes[at + 1] = 0xFB;
            bytes[at + 2] = 0x90;
            bytes[at + 3] = 0x64;
        }

        return bytes;
    }

    /// <summary>An HTTP error in the route's own shape, with the wait hint the route uses.</summary>
    private async Task WriteErrorAsync(HttpContext context, string route, int status, string? message, TimeSpan? retryAfter)
    {
        string text = message ?? DefaultMessage(status);
        if (retryAfter is { } wait && route != "gemini")
        {
            if (route == "segmind")
            {
                // Segmind names the moment the window resets instead of a Retry-After.
                context.Response.Headers["x-rate-limit-reset-at-utc"] = Clock.GetUtcNow().Add(wait).ToString("O", CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers.RetryAfter = Math.Max(0, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }
        }

        JsonNode body = route switch
        {
            "gemini" => GoogleError(status, text, retryAfter),
            "aigateway" => new JsonObject { ["error"] = new JsonObject { ["type"] = AiGatewayType(status), ["message"] = text } },
            "openrouter" => new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = text } },
            "vtrix" => new JsonObject { ["code"] = status, ["message"] = text },
            "pixazo" => new JsonObject { ["error"] = PixazoTitle(status), ["message"] = text },
            _ => new JsonObject { ["error"] = text },
        };
        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private static JsonObject GoogleError(int status, string message, TimeSpan? retryAfter)
    {
        JsonArray details = [];
        if (retryAfter is { } wait)
        {
            details.Add((JsonNode)new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.RetryInfo",
                ["retryDelay"] = $"{wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s",
            });
        }

        string code = status switch
        {
            400 => "INVALID_ARGUMENT",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            429 => "RESOURCE_EXHAUSTED",
            503 => "UNAVAILABLE",
            504 => "DEADLINE_EXCEEDED",
            _ => "INTERNAL",
        };
        return new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = code, ["details"] = details } };
    }

    private static string AiGatewayType(int status) => status switch
    {
        401 => "authentication_error",
        402 => "insufficient_credits",
        404 => "not_found",
        429 => "rate_limit_error",
        503 => "service_unavailable",
        _ => "server_error",
    };

    private static string PixazoTitle(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Insufficient Balance",
        403 => "Forbidden",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    };

    private static string DefaultMessage(int status) => status switch
    {
        400 => "Invalid request",
        401 => "Invalid or missing API key",
        402 => "Insufficient balance. Required: $0.04",
        403 => "Forbidden",
        404 => "Not found",
        406 => "Insufficient credits to process request",
        410 => "This model has been retired",
        422 => "Request failed",
        429 => "Rate limit exceeded",
        503 => "Upstream saturated",
        _ => "Upstream provider failed",
    };

    /// <summary>Checks the route's own auth header. A wrong key is echoed back in the error, as some providers do.</summary>
    private async Task<bool> AuthorizeAsync(HttpContext context, string route)
    {
        IHeaderDictionary headers = context.Request.Headers;
        string expected = ApiKey(route);
        string? presented = route switch
        {
            "gemini" => headers["x-goog-api-key"].FirstOrDefault() ?? context.Request.Query["key"].FirstOrDefault(),
            "pixazo" => headers["Ocp-Apim-Subscription-Key"].FirstOrDefault(),
            "segmind" => headers["x-api-key"].FirstOrDefault(),
            _ => headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : null,
        };
        if (presented == expected)
        {
            return true;
        }

        string message = route == "segmind" && headers.Authorization.Count > 0 && presented is null
            ? "Use the x-api-key header; Authorization: Bearer is not accepted"
            : $"Invalid API key provided: {presented ?? "(none)"}";
        await WriteErrorAsync(context, route, route == "gemini" ? 403 : 401, message, null).ConfigureAwait(false);
        return false;
    }

    /// <summary>Answers a status fault; returns true when it did (the request is then done).</summary>
    private async Task<bool> TryStatusFaultAsync(HttpContext context, string route, EmulatorFault? fault)
    {
        if (fault?.Kind != FaultKind.Status)
        {
            return false;
        }

        await WriteErrorAsync(context, route, fault.Status, fault.Message, fault.RetryAfter).ConfigureAwait(false);
        return true;
    }
}
