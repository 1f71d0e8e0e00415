using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    // The two OpenAI-shaped speech endpoints: POST /v1/audio/speech answering raw audio bytes.
    private void MapSpeechGateways(WebApplication app)
    {
        app.MapPost("/aigateway/v1/audio/speech", (HttpContext context) => SpeechAsync(context, "aigateway", "google/gemini-3.1-flash-tts"));
        app.MapPost("/openrouter/api/v1/audio/speech", (HttpContext context) =>
            SpeechAsync(context, "openrouter", "google/gemini-3.1-flash-tts-preview", "google/gemini-3.8-flash-tts"));
    }

    private async Task SpeechAsync(HttpContext context, string route, params string[] models)
    {
        string body = await RecordAsync(context, route, FaultPhase.Primary);
        if (!await AuthorizeAsync(context, route))
        {
            return;
        }

        EmulatorFault? fault = _state.Take(route, FaultPhase.Primary, servesAudio: true);
        if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, route, fault))
        {
            return;
        }

        JsonObject? request = ParseObject(body);
        string? model = request?["model"]?.GetValue<string>();
        string? input = request?["input"]?.GetValue<string>();
        if (model is null || !models.Contains(model))
        {
            await WriteErrorAsync(context, route, 404, $"Unknown model '{model}'", null);
            return;
        }

        if (string.IsNullOrWhiteSpace(input) || request?["voice"]?.GetValue<string>() is not { } voice || !s_voices.Contains(voice))
        {
            await WriteErrorAsync(context, route, 400, "input and a Gemini voice are required", null);
            return;
        }

        if (fault?.Kind == FaultKind.ContentBlocked)
        {
            await WriteErrorAsync(context, route, route == "openrouter" ? 403 : 400, "Input flagged by moderation", null);
            return;
        }

        // AIgateway reads "format" (its schema) or "response_format" (OpenAI's): mp3 (the default), wav, flac or opus.
        // OpenRouter reads "response_format": mp3 (the default in its examples) or pcm. Anything else is a 400.
        string format = request?["response_format"]?.GetValue<string>() ?? (route == "aigateway" ? request?["format"]?.GetValue<string>() : null) ?? "mp3";
        ClipFormat? compressed = format switch
        {
            "mp3" => ClipFormat.Mp3,
            "flac" when route == "aigateway" => ClipFormat.Flac,
            "opus" when route == "aigateway" => ClipFormat.OggOpus,
            _ => null,
        };
        bool pcm = route == "openrouter" && format == "pcm";
        bool wav = route == "aigateway" && format == "wav";
        if (compressed is null && !pcm && !wav)
        {
            await WriteErrorAsync(context, route, 400, $"Unsupported format '{format}'", null);
            return;
        }

        if (route == "openrouter")
        {
            context.Response.Headers["X-Generation-Id"] = $"gen-tts-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}-{Guid.NewGuid().ToString("N")[..8]}";
        }
        else
        {
            context.Response.Headers["x-request-id"] = "req_" + Guid.NewGuid().ToString("N")[..12];
        }

        if (pcm && fault is null && compressed is null && (StreamPace > 0 || StreamFirstChunkDelay > TimeSpan.Zero))
        {
            await WritePacedPcmAsync(context);
            return;
        }

        await WriteAudioAsync(context, fault, rawPcm: pcm, compressed);
    }
}
