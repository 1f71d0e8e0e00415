using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    // Task API: POST /model/v1/generation, then GET /model/v1/generation/task/{id} until completed; audio is a WAV URL.
    private void MapVtrix(WebApplication app)
    {
        app.MapPost("/vtrix/model/v1/generation", async (HttpContext context) =>
        {
            string body = await RecordAsync(context, "vtrix", FaultPhase.Primary);
            if (!await AuthorizeAsync(context, "vtrix"))
            {
                return;
            }

            EmulatorFault? fault = _state.Take("vtrix", FaultPhase.Primary, servesAudio: false);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "vtrix", fault))
            {
                return;
            }

            JsonObject? request = ParseObject(body);
            if (request?["model"]?.GetValue<string>() != "gemini_3_1_flash_tts_preview")
            {
                await WriteErrorAsync(context, "vtrix", 400, $"model '{request?["model"]}' is not available", null);
                return;
            }

            JsonNode? parameters = request["input"]?[0]?["params"];
            string? text = parameters?["text"]?.GetValue<string>() ?? parameters?["prompt"]?.GetValue<string>();
            string voice = parameters?["voice_name"]?.GetValue<string>() ?? "Kore";
            if (string.IsNullOrWhiteSpace(text) || !s_voices.Contains(voice))
            {
                await WriteErrorAsync(context, "vtrix", 400, "input[0].params.text and a valid voice_name are required", null);
                return;
            }

            EmulatedJob job = NewJob("vtrix", "task_" + Guid.NewGuid().ToString("N"), fault, text);
            await WriteJsonAsync(context, 200, new JsonObject { ["id"] = job.Id, ["status"] = "pending", ["model"] = "gemini_3_1_flash_tts_preview" });
        });

        app.MapGet("/vtrix/model/v1/generation/task/{id}", async (HttpContext context, string id) =>
        {
            await RecordAsync(context, "vtrix", FaultPhase.Poll);
            if (!await AuthorizeAsync(context, "vtrix"))
            {
                return;
            }

            EmulatorFault? fault = _state.Take("vtrix", FaultPhase.Poll, servesAudio: false);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "vtrix", fault))
            {
                return;
            }

            if (!_state.Jobs.TryGetValue(id, out EmulatedJob? job) || job.Route != "vtrix")
            {
                await WriteErrorAsync(context, "vtrix", 404, "task not found", null);
                return;
            }

            Interlocked.Increment(ref job.Polls);
            await WriteJsonAsync(context, 200, VtrixTask(job));
        });

        MapFiles(app, "vtrix");
    }

    private JsonObject VtrixTask(EmulatedJob job)
    {
        JobState state = StateOf(job);
        JsonObject task = new()
        {
            ["id"] = job.Id,
            ["status"] = state switch
            {
                JobState.Queued => "pending",
                JobState.Processing => "processing",
                JobState.Completed => "completed",
                _ => "failed",
            },
        };
        if (state == JobState.Completed)
        {
            int outputTokens = (int)(Clip.Duration.TotalSeconds * 25);
            int inputTokens = Math.Max(1, job.Text.Length / 4);
            task["output"] = new JsonArray(new JsonObject
            {
                ["content"] = new JsonArray(new JsonObject { ["type"] = "audio", ["mime_type"] = "audio/wav", ["url"] = FileUrl(job) }),
            });
            task["usage"] = new JsonObject
            {
                ["extra_info"] = new JsonObject
                {
                    ["input_text_tokens"] = inputTokens,
                    ["output_audio_tokens"] = outputTokens,
                    ["total_tokens"] = inputTokens + outputTokens,
                },
            };
            task["metadata"] = new JsonObject();
        }
        else if (state is JobState.Failed or JobState.Error)
        {
            task["error"] = new JsonObject { ["code"] = 500, ["error_message"] = FailureText(job) };
        }

        return task;
    }
}
