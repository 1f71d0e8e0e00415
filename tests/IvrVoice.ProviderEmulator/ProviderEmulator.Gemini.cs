using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    private static readonly HashSet<string> s_voices = new(StringComparer.Ordinal)
    {
        "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe", "Enceladus", "Iapetus",
        "Umbriel", "Algieba", "Despina", "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar",
        "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat",
    };

    private static readonly HashSet<string> s_geminiModels = new(StringComparer.Ordinal)
    {
        "gemini-3.1-flash-tts-preview", "gemini-3.8-flash-tts", "gemini-3.8-flash-lite-tts",
    };

    // POST /v1beta/models/{model}:generateContent, x-goog-api-key; answers JSON with base64 inline audio.
    private void MapGemini(WebApplication app) =>
        app.MapPost("/gemini/v1beta/models/{modelAction}", async (HttpContext context, string modelAction) =>
        {
            string body = await RecordAsync(context, "gemini", FaultPhase.Primary);
            if (!await AuthorizeAsync(context, "gemini"))
            {
                return;
            }

            EmulatorFault? fault = _state.Take("gemini", FaultPhase.Primary, servesAudio: true);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "gemini", fault))
            {
                return;
            }

            string[] parts = modelAction.Split(':');
            if (parts.Length != 2 || parts[1] is not ("generateContent" or "streamGenerateContent") || !s_geminiModels.Contains(parts[0]))
            {
                await WriteErrorAsync(context, "gemini", 404, $"models/{parts[0]} is not found for API version v1beta", null);
                return;
            }

            bool is38 = parts[0].StartsWith("gemini-3.8", StringComparison.Ordinal);
            if (Validate(ParseObject(body), is38) is { } problem)
            {
                await WriteErrorAsync(context, "gemini", 400, problem, null);
                return;
            }

            if (fault?.Kind == FaultKind.Oversize)
            {
                await WriteOversizeAsync(context);
                return;
            }

            if (parts[1] == "streamGenerateContent")
            {
                await StreamGeminiAsync(context, fault, parts[0], is38, body.Length);
                return;
            }

            JsonObject candidate;
            if (fault?.Kind == FaultKind.ContentBlocked)
            {
                await WriteJsonAsync(context, 200, new JsonObject { ["promptFeedback"] = new JsonObject { ["blockReason"] = "SAFETY" } });
                return;
            }
            else if (fault?.Kind == FaultKind.NoAudio)
            {
                // The field-reported failure: a 200 carrying text instead of audio, finishReason OTHER.
                candidate = new JsonObject
                {
                    ["content"] = new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(new JsonObject { ["text"] = "I can't do that." }) },
                    ["finishReason"] = "OTHER",
                };
            }
            else
            {
                (byte[] audio, string mime) = fault is null && is38 ? (Clip.Wav(), "audio/wav")
                    : fault is null ? (Clip.Pcm16(), "audio/L16;codec=pcm;rate=24000")
                    : AudioFor(fault, rawPcm: false);
                candidate = new JsonObject
                {
                    ["content"] = new JsonObject
                    {
                        ["role"] = "model",
                        ["parts"] = new JsonArray(new JsonObject
                        {
                            ["inlineData"] = new JsonObject { ["mimeType"] = mime, ["data"] = Convert.ToBase64String(audio) },
                        }),
                    },
                    ["finishReason"] = "STOP",
                };
            }

            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["candidates"] = new JsonArray(candidate),
                ["usageMetadata"] = new JsonObject
                {
                    ["promptTokenCount"] = Math.Max(1, body.Length / 16),
                    ["candidatesTokenCount"] = (int)(Clip.Duration.TotalSeconds * 25),
                },
                ["modelVersion"] = parts[0],
                ["responseId"] = "resp-" + Guid.NewGuid().ToString("N")[..12],
            });
        });

    private static string? Validate(JsonObject? request, bool is38)
    {
        if (request?["contents"]?[0]?["parts"]?[0]?["text"]?.GetValue<string>() is not { Length: > 0 })
        {
            return "* GenerateContentRequest.contents: contents is not specified";
        }

        JsonNode? generation = request["generationConfig"];
        if (generation?["responseModalities"]?[0]?.GetValue<string>() != "AUDIO")
        {
            return "This model only supports the AUDIO response modality";
        }

        if (is38 && generation["temperature"] is not null)
        {
            return "temperature is not supported for this model";
        }

        JsonNode? speech = generation["speechConfig"];
        if (speech?["multiSpeakerVoiceConfig"]?["speakerVoiceConfigs"] is JsonArray speakers)
        {
            if (speakers.Count != 2 || speech["voiceConfig"] is not null)
            {
                return "multiSpeakerVoiceConfig needs exactly 2 speakers and excludes voiceConfig";
            }

            foreach (JsonNode? speaker in speakers)
            {
                if (speaker?["voiceConfig"]?["prebuiltVoiceConfig"]?["voiceName"]?.GetValue<string>() is not { } name || !s_voices.Contains(name))
                {
                    return "Voice name is not supported";
                }
            }

            return null;
        }

        string? voice = speech?["voiceConfig"]?["prebuiltVoiceConfig"]?["voiceName"]?.GetValue<string>();
        return voice is null || s_voices.Contains(voice) ? null : $"Voice name {voice} is not supported";
    }
}
