using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IvrVoice.Providers.Configuration;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// Vtrix's task API: <c>POST /model/v1/generation</c>, then <c>GET /model/v1/generation/task/{id}</c> until the task
/// completes with a WAV URL and token usage.
/// </summary>
internal sealed class VtrixTtsProvider(HttpRouteServices services, ITtsJobJournal journal)
    : AsyncTtsProvider(RouteNames.Vtrix, services, journal)
{
    protected override async Task<(TtsJob? Job, TtsFailure? Failure)> SubmitAsync(
        TtsRequest request, string modelId, string key, CancellationToken cancellationToken)
    {
        JsonObject body = new()
        {
            ["model"] = modelId,
            ["input"] = new JsonArray(new JsonObject
            {
                ["params"] = new JsonObject { ["text"] = WithStylePreamble(request), ["voice_name"] = request.Voice },
            }),
        };
        (HttpReply? reply, TtsFailure? failure) = await SendCheckedAsync(HttpMethod.Post, Endpoint("/model/v1/generation"), body, null, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, failure);
        }

        using JsonDocument? json = reply!.TryJson();
        string? id = json is null ? null : GetString(Task(json.RootElement), "id");
        return id is null
            ? (null, Fail(TtsFailureKind.TransientUpstream, "the task was not accepted: the answer has no task id"))
            : (NewJob(key, id, null), null);
    }

    protected override async Task<AsyncJobResult> CompleteAsync(TtsJob job, TtsRequest request, long started, bool waitFirst, CancellationToken cancellationToken)
    {
        Uri statusUri = Endpoint($"/model/v1/generation/task/{Uri.EscapeDataString(job.RemoteId)}");
        PollStep<AsyncJobResult> step = await PollAsync(ct => PollOnceAsync(statusUri, request, started, job, ct), waitFirst, cancellationToken)
            .ConfigureAwait(false);
        // PollStep<T>.Result of a struct T is never null, so the failure decides: a failed poll carries no result.
        return step.Failure is { } failure ? AsyncJobResult.Alive(failure) : step.Result!;
    }

    private async Task<PollStep<AsyncJobResult>> PollOnceAsync(Uri statusUri, TtsRequest request, long started, TtsJob job, CancellationToken cancellationToken)
    {
        (JsonDocument? status, PollStep<AsyncJobResult> early) = await GetStatusAsync(statusUri, job, cancellationToken).ConfigureAwait(false);
        using JsonDocument? json = status;
        if (json is null)
        {
            return early;
        }

        JsonElement task = Task(json.RootElement);
        switch (GetString(task, "status")?.ToLowerInvariant())
        {
            case "completed" or "succeeded" or "success":
                return PollStep<AsyncJobResult>.Done(await FetchAsync(task, request, started, job, cancellationToken).ConfigureAwait(false));
            case "failed" or "error" or "cancelled" or "canceled":
                return PollStep<AsyncJobResult>.Done(AsyncJobResult.Ended(JobFailed(ErrorMessage(task), TtsFailureKind.TransientUpstream)));
            default:
                // pending, processing, in_progress, in_queue, or a state added later: still running until the deadline.
                return PollStep<AsyncJobResult>.Pending;
        }
    }

    private async Task<AsyncJobResult> FetchAsync(JsonElement task, TtsRequest request, long started, TtsJob job, CancellationToken cancellationToken)
    {
        string? url = null;
        if (task.TryGetProperty("output", out JsonElement output) && output.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in output.EnumerateArray())
            {
                if (item.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.Array)
                {
                    url ??= content.EnumerateArray().Select(c => GetString(c, "url")).FirstOrDefault(u => u is not null);
                }
            }
        }

        if (url is null)
        {
            return AsyncJobResult.Ended(Fail(TtsFailureKind.TransientUpstream, "the task completed without an audio URL"));
        }

        int? inputTokens = null;
        int? outputTokens = null;
        if (task.TryGetProperty("usage", out JsonElement usage) && usage.TryGetProperty("extra_info", out JsonElement extra))
        {
            inputTokens = GetInt(extra, "input_text_tokens");
            outputTokens = GetInt(extra, "output_audio_tokens");
        }

        (HttpReply? audio, TtsFailure? failure) = await DownloadAsync(url, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return AsyncJobResult.Alive(failure);
        }

        TtsOutcome outcome = Audio(audio!.Body, audio.ContentType, null, request, started, job.RemoteId, inputTokens, outputTokens, null);
        return outcome.Succeeded ? AsyncJobResult.Ended(outcome) : AsyncJobResult.Alive(outcome);
    }

    protected override TtsFailure Classify(HttpReply reply)
    {
        // Vtrix answers 403 both for "no permission" and for "insufficient balance".
        string detail = ErrorDetail(reply);
        if ((int)reply.Status == 403 && (detail.Contains("balance", StringComparison.OrdinalIgnoreCase) || detail.Contains("credit", StringComparison.OrdinalIgnoreCase)))
        {
            return Fail(TtsFailureKind.InsufficientCredit, $"HTTP 403: {detail}");
        }

        return base.Classify(reply);
    }

    // Some answers wrap the task in "data".
    private static JsonElement Task(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Object ? data : root;

    private static string? ErrorMessage(JsonElement task)
    {
        if (!task.TryGetProperty("error", out JsonElement error))
        {
            return null;
        }

        return error.ValueKind == JsonValueKind.String ? error.GetString() : GetString(error, "error_message") ?? GetString(error, "message");
    }
}
