using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    private const string SegmindCost = "0.0013";

    // v1: POST /v1/{model} answers the audio. v2: POST /v2/{model} queues; GET /v2/requests/{id}/status; GET /v2/requests/{id}.
    private void MapSegmind(WebApplication app)
    {
        app.MapPost("/segmind/v1/{model}", async (HttpContext context, string model) =>
        {
            string body = await RecordAsync(context, "segmind", FaultPhase.Primary);
            if (!await AuthorizeAsync(context, "segmind"))
            {
                return;
            }

            EmulatorFault? fault = _state.Take("segmind", FaultPhase.Primary, servesAudio: true);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "segmind", fault))
            {
                return;
            }

            if (await RejectSegmindAsync(context, model, body))
            {
                return;
            }

            if (fault?.Kind == FaultKind.ContentBlocked)
            {
                await WriteErrorAsync(context, "segmind", 422, "Request blocked by the RAI safety filter", null);
                return;
            }

            context.Response.Headers["x-cost"] = SegmindCost;
            context.Response.Headers["x-remaining-credits"] = "41.37";
            context.Response.Headers["x-request-id"] = Guid.NewGuid().ToString("D");
            context.Response.Headers["x-generation-time"] = "1.42";
            await WriteAudioAsync(context, fault, rawPcm: false);
        });

        app.MapPost("/segmind/v2/{model}", async (HttpContext context, string model) =>
        {
            string body = await RecordAsync(context, "segmind", FaultPhase.Primary);
            if (!await AuthorizeAsync(context, "segmind"))
            {
                return;
            }

            EmulatorFault? fault = _state.Take("segmind", FaultPhase.Primary, servesAudio: false);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "segmind", fault))
            {
                return;
            }

            if (await RejectSegmindAsync(context, model, body))
            {
                return;
            }

            EmulatedJob job = NewJob("segmind", Guid.NewGuid().ToString("D"), fault, ParseObject(body)?["text"]?.GetValue<string>() ?? "");
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["request_id"] = job.Id,
                ["status"] = "QUEUED",
                ["status_url"] = $"/v2/requests/{job.Id}/status",
                ["response_url"] = $"/v2/requests/{job.Id}",
            });
        });

        app.MapGet("/segmind/v2/requests/{id}/status", (HttpContext context, string id) => SegmindRequestAsync(context, id, FaultPhase.Poll));
        app.MapGet("/segmind/v2/requests/{id}", (HttpContext context, string id) => SegmindRequestAsync(context, id, FaultPhase.Result));
        MapFiles(app, "segmind");
    }

    private async Task SegmindRequestAsync(HttpContext context, string id, FaultPhase phase)
    {
        await RecordAsync(context, "segmind", phase);
        if (!await AuthorizeAsync(context, "segmind"))
        {
            return;
        }

        // A fault at Result strikes the audio download, not this JSON read.
        EmulatorFault? fault = phase == FaultPhase.Poll ? _state.Take("segmind", FaultPhase.Poll, servesAudio: false) : null;
        if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, "segmind", fault))
        {
            return;
        }

        if (!_state.Jobs.TryGetValue(id, out EmulatedJob? job) || job.Route != "segmind")
        {
            await WriteErrorAsync(context, "segmind", 404, "Request not found or expired", null);
            return;
        }

        Interlocked.Increment(ref job.Polls);
        JobState state = StateOf(job);
        if (state is JobState.Failed or JobState.Error)
        {
            // FAILED is served as HTTP 422, the body still carrying the detail.
            await WriteJsonAsync(context, 422, new JsonObject { ["request_id"] = id, ["status"] = "FAILED", ["error"] = FailureText(job) });
            return;
        }

        JsonObject answer = new()
        {
            ["request_id"] = id,
            ["status"] = state switch { JobState.Queued => "QUEUED", JobState.Processing => "PROCESSING", _ => "COMPLETED" },
        };
        if (phase == FaultPhase.Result && state == JobState.Completed)
        {
            answer["output"] = FileUrl(job);
            answer["metrics"] = new JsonObject
            {
                ["cost"] = decimal.Parse(SegmindCost, System.Globalization.CultureInfo.InvariantCulture),
                ["remaining_credits"] = 41.37,
                ["inference_time"] = 1.2,
                ["queue_time"] = 0.1,
                ["total_time"] = 1.3,
            };
        }

        await WriteJsonAsync(context, 200, answer);
    }

    private async Task<bool> RejectSegmindAsync(HttpContext context, string model, string body)
    {
        if (model != "gemini-3.1-flash-tts")
        {
            await WriteErrorAsync(context, "segmind", 404, $"Model {model} not found", null);
            return true;
        }

        JsonObject? request = ParseObject(body);
        string? text = request?["text"]?.GetValue<string>();
        string voice = request?["voice_1"]?.GetValue<string>() ?? "Kore";
        double temperature = request?["temperature"]?.GetValue<double>() ?? 0.4;
        string? second = request?["voice_2"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text) || !s_voices.Contains(voice) || (second is { Length: > 0 } && !s_voices.Contains(second))
            || temperature is < 0 or > 2)
        {
            await WriteErrorAsync(context, "segmind", 400, "Invalid parameters: text, voice_1, voice_2, temperature (0-2)", null);
            return true;
        }

        return false;
    }
}
