using System.Text;
using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    /// <summary>Audio per streamed event (Gemini: <c>streamGenerateContent?alt=sse</c>; OpenRouter: body write) when streaming.</summary>
    public TimeSpan StreamChunk { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Seconds spent producing each second of streamed audio: 0 sends every event at once, 0.5 twice as fast as real time,
    /// 1 in real time. Applies to Gemini's stream and OpenRouter's PCM body.
    /// </summary>
    public double StreamPace { get; set; }

    /// <summary>Wait before a stream's first event, on top of the pace (the provider's own time to first audio).</summary>
    public TimeSpan StreamFirstChunkDelay { get; set; }

    // Google's documented SSE form: each event is "data: <GenerateContentResponse JSON>" and a blank line; the audio of a
    // 3.1 model arrives as base64 L16 pieces; the last event carries finishReason and usageMetadata.
    private async Task StreamGeminiAsync(HttpContext context, EmulatorFault? fault, string model, bool is38, int bodyLength)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        CancellationToken aborted = context.RequestAborted;
        string responseId = "resp-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await Task.Delay(StreamFirstChunkDelay + (fault?.Kind == FaultKind.SlowFirstChunk ? fault.Delay : TimeSpan.Zero), aborted);
            if (fault?.Kind == FaultKind.NoAudio)
            {
                await WriteEventAsync(context, Event(responseId, model, null, "OTHER", text: "I can't do that."));
                return;
            }

            byte[] pcm = is38 ? Clip.Wav() : Clip.Pcm16();
            string mime = is38 ? "audio/wav" : "audio/L16;codec=pcm;rate=24000";
            int chunkBytes = Math.Max(2, (int)(SpeechClip.SampleRate * StreamChunk.TotalSeconds) * 2);
            double pace = fault?.Kind == FaultKind.SlowChunks ? fault.Pace : StreamPace;
            int sent = 0;
            for (int at = 0; at < pcm.Length; at += chunkBytes)
            {
                if (fault is { Kind: FaultKind.StallMidStream or FaultKind.CutMidStream or FaultKind.TruncatedStream } && sent == fault.AfterChunks)
                {
                    if (fault.Kind == FaultKind.CutMidStream)
                    {
                        // A reset discards what the client has not read yet; give the events sent a moment to be read first.
                        await Task.Delay(TimeSpan.FromMilliseconds(200), aborted);
                        context.Abort();
                        return;
                    }

                    if (fault.Kind == FaultKind.TruncatedStream)
                    {
                        await WriteEventAsync(context, Event(responseId, model, null, "OTHER"));
                        return;
                    }

                    await Task.Delay(fault.Delay, aborted);
                }

                int length = Math.Min(chunkBytes, pcm.Length - at);
                if (pace > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(pace * length / 2.0 / SpeechClip.SampleRate), aborted);
                }

                bool last = at + length >= pcm.Length;
                JsonObject data = new() { ["mimeType"] = mime, ["data"] = Convert.ToBase64String(pcm, at, length) };
                JsonObject chunk = Event(responseId, model, data, last ? "STOP" : null);
                if (last)
                {
                    chunk["usageMetadata"] = new JsonObject
                    {
                        ["promptTokenCount"] = Math.Max(1, bodyLength / 16),
                        ["candidatesTokenCount"] = (int)(Clip.Duration.TotalSeconds * 25),
                    };
                }

                await WriteEventAsync(context, chunk);
                sent++;
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away
        }
    }

    private static JsonObject Event(string responseId, string model, JsonObject? inlineData, string? finishReason, string? text = null)
    {
        JsonObject candidate = new();
        if (inlineData is not null || text is not null)
        {
            JsonObject part = inlineData is not null ? new JsonObject { ["inlineData"] = inlineData } : new JsonObject { ["text"] = text };
            candidate["content"] = new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(part) };
        }

        if (finishReason is not null)
        {
            candidate["finishReason"] = finishReason;
        }

        return new JsonObject { ["candidates"] = new JsonArray(candidate), ["modelVersion"] = model, ["responseId"] = responseId };
    }

    private static async Task WriteEventAsync(HttpContext context, JsonObject body)
    {
        await context.Response.WriteAsync("data: " + body.ToJsonString() + "\r\n\r\n", Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>OpenRouter's raw PCM body written in <see cref="StreamChunk"/> pieces at <see cref="StreamPace"/>.</summary>
    private async Task WritePacedPcmAsync(HttpContext context)
    {
        byte[] pcm = Clip.Pcm16();
        context.Response.StatusCode = 200;
        context.Response.ContentType = "audio/pcm;rate=24000;channels=1";
        int chunkBytes = Math.Max(2, (int)(SpeechClip.SampleRate * StreamChunk.TotalSeconds) * 2);
        try
        {
            await Task.Delay(StreamFirstChunkDelay, context.RequestAborted);
            for (int at = 0; at < pcm.Length; at += chunkBytes)
            {
                int length = Math.Min(chunkBytes, pcm.Length - at);
                await Task.Delay(TimeSpan.FromSeconds(StreamPace * length / 2.0 / SpeechClip.SampleRate), context.RequestAborted);
                await context.Response.Body.WriteAsync(pcm.AsMemory(at, length), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
