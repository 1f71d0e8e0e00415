using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    // POST /{model}/v1/{model}/generate answers 202 with a polling_url; GET /v2/requests/status/{id}; optional X-Webhook-URL callback.
    private void MapPixazo(WebApplication app)
    {
        app.MapPost("/pixazo/{model}/v1/{model2}/generate", async (HttpContext context, string model, string model2) =>
        {
            string body = await RecordAsync(context, "pixazo", FaultPhase.Primary);
            if (!await AuthorizeAsync(context, "pixazo"))
            {
                return;
            }

            EmulatorFault? fault = _state.Take("pixazo", FaultPhase.Primary, servesAudio: false);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "pixazo", fault))
            {
                return;
            }

            if (model != "gemini-flash-tts" || model2 != model)
            {
                await WriteJsonAsync(context, 400, new JsonObject
                {
                    ["error"] = "Model not found",
                    ["message"] = $"Model '{model}' not found or is disabled",
                });
                return;
            }

            JsonObject? request = ParseObject(body);
            string? text = request?["text"]?.GetValue<string>();
            string voice = request?["voice"]?.GetValue<string>() ?? "Kore";
            if (string.IsNullOrWhiteSpace(text) || !s_voices.Contains(voice))
            {
                await WriteErrorAsync(context, "pixazo", 400, "text and a valid voice are required", null);
                return;
            }

            EmulatedJob job = NewJob("pixazo", "gemini-flash-tts_" + Guid.NewGuid().ToString("D"), fault, text);
            if (context.Request.Headers["X-Webhook-URL"].FirstOrDefault() is { Length: > 0 } webhook)
            {
                ScheduleWebhook(job, webhook, PixazoStatus);
            }

            await WriteJsonAsync(context, 202, new JsonObject
            {
                ["request_id"] = job.Id,
                ["status"] = "QUEUED",
                ["polling_url"] = $"{Root}/pixazo/v2/requests/status/{job.Id}",
            });
        });

        app.MapGet("/pixazo/v2/requests/status/{id}", async (HttpContext context, string id) =>
        {
            await RecordAsync(context, "pixazo", FaultPhase.Poll);
            if (!await AuthorizeAsync(context, "pixazo"))
            {
                return;
            }

            EmulatorFault? fault = _state.Take("pixazo", FaultPhase.Poll, servesAudio: false);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "pixazo", fault))
            {
                return;
            }

            if (!_state.Jobs.TryGetValue(id, out EmulatedJob? job) || job.Route != "pixazo")
            {
                await WriteErrorAsync(context, "pixazo", 404, "Request not found", null);
                return;
            }

            Interlocked.Increment(ref job.Polls);
            await WriteJsonAsync(context, 200, PixazoStatus(job));
        });

        MapFiles(app, "pixazo");
    }

    private JsonNode PixazoStatus(EmulatedJob job)
    {
        JobState state = StateOf(job);
        return new JsonObject
        {
            ["request_id"] = job.Id,
            ["status"] = state switch
            {
                JobState.Queued => "QUEUED",
                JobState.Processing => "PROCESSING",
                JobState.Completed => "COMPLETED",
                JobState.Failed => "FAILED",
                _ => "ERROR",
            },
            ["model_id"] = "gemini-flash-tts",
            ["error"] = state is JobState.Failed or JobState.Error ? FailureText(job) : null,
            ["output"] = state == JobState.Completed
                ? new JsonObject { ["media_url"] = new JsonArray(FileUrl(job)), ["media_type"] = "audio/wav" }
                : null,
            ["created_at"] = job.Created.ToString("O"),
        };
    }
}
