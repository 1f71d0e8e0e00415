using System.Text.Json;
using System.Text.Json.Nodes;
using IvrVoice.Audio;
using IvrVoice.Providers.Configuration;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// Google's Gemini API: <c>POST /v1beta/models/{model}:generateContent</c> with the AUDIO modality; the audio comes back as
/// base64 inline data (raw 24 kHz PCM for 3.1, WAV for 3.8). A 200 without audio is a retryable failure.
/// </summary>
internal sealed partial class GeminiTtsProvider(HttpRouteServices services)
    : HttpTtsProvider(RouteNames.Gemini, services)
{
    // What Google documents for 3.1 when the mimeType is missing: s16le mono 24 kHz.
    private static readonly RawPcmFormat s_geminiPcm = new(24_000);

    public override bool SupportsTwoSpeakers => true;

    protected override void Authenticate(HttpRequestMessage message) => message.Headers.Add("x-goog-api-key", Options.ApiKey);

    protected override async Task<TtsOutcome> SynthesizeCoreAsync(TtsRequest request, string modelId, long started, CancellationToken cancellationToken)
    {
        Uri uri = Endpoint($"/v1beta/models/{Uri.EscapeDataString(modelId)}:generateContent");
        (HttpReply? reply, TtsFailure? failure) = await SendCheckedAsync(HttpMethod.Post, uri, BuildBody(request), null, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        using JsonDocument? json = reply!.TryJson();
        if (json is null)
        {
            return Fail(TtsFailureKind.TransientUpstream, "the answer is not JSON");
        }

        return Read(json.RootElement, request, started);
    }

    private TtsOutcome Read(JsonElement root, TtsRequest request, long started)
    {
        if (root.TryGetProperty("promptFeedback", out JsonElement feedback) && GetString(feedback, "blockReason") is { } blockReason)
        {
            return Fail(TtsFailureKind.ContentBlocked, $"the prompt was blocked ({blockReason})");
        }

        string? finishReason = null;
        string? mimeType = null;
        string? data = null;
        if (root.TryGetProperty("candidates", out JsonElement candidates) && candidates.ValueKind == JsonValueKind.Array
            && candidates.GetArrayLength() > 0)
        {
            JsonElement candidate = candidates[0];
            finishReason = GetString(candidate, "finishReason") ?? GetString(candidate, "finish_reason");
            if (candidate.TryGetProperty("content", out JsonElement content) && content.TryGetProperty("parts", out JsonElement parts)
                && parts.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement part in parts.EnumerateArray())
                {
                    // REST answers in camelCase; snake_case appears in some SDK paths. Accept both.
                    if (part.TryGetProperty("inlineData", out JsonElement inline) || part.TryGetProperty("inline_data", out inline))
                    {
                        mimeType = GetString(inline, "mimeType") ?? GetString(inline, "mime_type");
                        data = GetString(inline, "data");
                        break;
                    }
                }
            }
        }

        if (finishReason is "SAFETY" or "PROHIBITED_CONTENT" or "BLOCKLIST" or "SPII")
        {
            return Fail(TtsFailureKind.ContentBlocked, $"generation stopped: {finishReason}");
        }

        if (string.IsNullOrEmpty(data))
        {
            // Field reports: 200 with a text part or nothing, finishReason OTHER. Usually passes on a retry.
            return Fail(TtsFailureKind.TransientUpstream, $"the answer has no audio (finishReason {finishReason ?? "missing"})");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            return Fail(TtsFailureKind.MalformedAudio, "the inline audio is not valid base64");
        }

        int? inputTokens = null;
        int? outputTokens = null;
        if (root.TryGetProperty("usageMetadata", out JsonElement usage))
        {
            inputTokens = GetInt(usage, "promptTokenCount");
            outputTokens = GetInt(usage, "candidatesTokenCount");
        }

        return Audio(bytes, mimeType, s_geminiPcm, request, started, GetString(root, "responseId"), inputTokens, outputTokens, null);
    }

    private static JsonObject BuildBody(TtsRequest request)
    {
        bool isGemini38 = ModelCatalog.GetTagDialect(request.Model) == TagDialect.AngleBrackets;
        string text = request.Text;
        JsonObject part = [];
        if (isGemini38 && !string.IsNullOrWhiteSpace(request.Style))
        {
            // 3.8 takes style as per-part speech metadata instead of words in the text.
            part["speechMetadata"] = new JsonObject { ["style"] = request.Style.Trim() };
        }
        else if (!string.IsNullOrWhiteSpace(request.Style))
        {
            text = StyleText.Compose(request.Style, text);
        }
        else if (request.Speakers.Count == 2)
        {
            text = $"TTS the following conversation between {request.Speakers[0].Name} and {request.Speakers[1].Name}:\n{text}";
        }

        part["text"] = text;

        JsonObject speech = [];
        if (!string.IsNullOrWhiteSpace(request.Language))
        {
            speech["languageCode"] = request.Language.Trim();
        }

        if (request.Speakers.Count == 2)
        {
            JsonArray speakers = [];
            foreach (TtsSpeaker speaker in request.Speakers)
            {
                speakers.Add((JsonNode)new JsonObject
                {
                    ["speaker"] = speaker.Name,
                    ["voiceConfig"] = new JsonObject { ["prebuiltVoiceConfig"] = new JsonObject { ["voiceName"] = speaker.Voice } },
                });
            }

            speech["multiSpeakerVoiceConfig"] = new JsonObject { ["speakerVoiceConfigs"] = speakers };
        }
        else
        {
            speech["voiceConfig"] = new JsonObject { ["prebuiltVoiceConfig"] = new JsonObject { ["voiceName"] = request.Voice } };
        }

        JsonObject generation = new() { ["responseModalities"] = new JsonArray("AUDIO") };
        if (request.Temperature is { } temperature && ModelCatalog.AcceptsTemperature(request.Model))
        {
            generation["temperature"] = temperature;
        }

        generation["speechConfig"] = speech;
        return new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["parts"] = new JsonArray(part) }),
            ["generationConfig"] = generation,
        };
    }
}
