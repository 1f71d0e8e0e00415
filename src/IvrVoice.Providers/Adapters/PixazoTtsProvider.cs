using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IvrVoice.Providers.Configuration;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// Pixazo: submit (HTTP 202 with a <c>polling_url</c>), poll QUEUED → PROCESSING → COMPLETED | FAILED | ERROR, then
/// download <c>output.media_url[0]</c>. With <c>WebhookUrl</c> set, Pixazo also calls back; the status is still
/// confirmed by polling, because the callback carries no signature to trust.
/// </summary>
internal sealed class PixazoTtsProvider(HttpRouteServices services, ITtsJobJournal journal)
    : AsyncTtsProvider(RouteNames.Pixazo, services, journal)
{
    protected override void Authenticate(HttpRequestMessage message) => message.Headers.Add("Ocp-Apim-Subscription-Key", Options.ApiKey);

    protected override async Task<(TtsJob? Job, TtsFailure? Failure)> SubmitAsync(
        TtsRequest request, string modelId, string key, CancellationToken cancellationToken)
    {
        JsonObject body = new() { ["text"] = request.Text, ["voice"] = request.Voice };
        if (!string.IsNullOrWhiteSpace(request.Style))
        {
            body["prompt"] = StyleText.Compose(request.Style, "").TrimEnd(' ', ':');
        }

        if (!string.IsNullOrWhiteSpace(request.Language))
        {
            body["language_code"] = request.Language.Trim();
        }

        string model = Uri.EscapeDataString(modelId);
        (HttpReply? reply, TtsFailure? failure) = await SendCheckedAsync(
            HttpMethod.Post, Endpoint($"/{model}/v1/{model}/generate"), body, AddHeaders, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, failure);
        }

        using JsonDocument? json = reply!.TryJson();
        string? id = json is null ? null : GetString(json.RootElement, "request_id");
        return id is null
            ? (null, Fail(TtsFailureKind.TransientUpstream, "the request was not queued: the answer has no request_id"))
            : (NewJob(key, id, GetString(json!.RootElement, "polling_url")), null);
    }

    protected override async Task<AsyncJobResult> CompleteAsync(TtsJob job, TtsRequest request, long started, bool waitFirst, CancellationToken cancellationToken)
    {
        Uri statusUri = StatusUri(job);
        PollStep<AsyncJobResult> step = await PollAsync(ct => PollOnceAsync(statusUri, request, started, job, ct), waitFirst, cancellationToken)
            .ConfigureAwait(false);
        // PollStep<T>.Result of a struct T is never null, so the failure decides: a failed poll carries no result.
        return step.Failure is { } failure ? AsyncJobResult.Alive(failure) : step.Result!;
    }

    // The key goes with every poll, so the polling_url is followed only when it points at the configured gateway.
    private Uri StatusUri(TtsJob job)
    {
        Uri fallback = Endpoint($"/v2/requests/status/{Uri.EscapeDataString(job.RemoteId)}");
        return Uri.TryCreate(job.PollUrl, UriKind.Absolute, out Uri? polling)
            && Uri.Compare(polling, fallback, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? polling
            : fallback;
    }

    private async Task<PollStep<AsyncJobResult>> PollOnceAsync(Uri statusUri, TtsRequest request, long started, TtsJob job, CancellationToken cancellationToken)
    {
        (JsonDocument? status, PollStep<AsyncJobResult> early) = await GetStatusAsync(statusUri, job, cancellationToken).ConfigureAwait(false);
        using JsonDocument? json = status;
        if (json is null)
        {
            return early;
        }

        JsonElement root = json.RootElement;
        string? error = GetString(root, "error");
        switch (GetString(root, "status")?.ToUpperInvariant())
        {
            case "COMPLETED":
                return PollStep<AsyncJobResult>.Done(await FetchAsync(root, request, started, job, cancellationToken).ConfigureAwait(false));
            case "FAILED":
                return PollStep<AsyncJobResult>.Done(AsyncJobResult.Ended(JobFailed(error, TtsFailureKind.InvalidRequest)));
            case "ERROR":
                // A system error on Pixazo's side, not charged: worth another submission.
                return PollStep<AsyncJobResult>.Done(AsyncJobResult.Ended(Fail(TtsFailureKind.TransientUpstream, $"Pixazo system error: {error ?? "no details"}")));
            default:
                return PollStep<AsyncJobResult>.Pending;
        }
    }

    private async Task<AsyncJobResult> FetchAsync(JsonElement status, TtsRequest request, long started, TtsJob job, CancellationToken cancellationToken)
    {
        string? url = null;
        if (status.TryGetProperty("output", out JsonElement output) && output.ValueKind == JsonValueKind.Object
            && output.TryGetProperty("media_url", out JsonElement media) && media.ValueKind == JsonValueKind.Array && media.GetArrayLength() > 0)
        {
            url = media[0].GetString();
        }

        if (url is null)
        {
            return AsyncJobResult.Ended(Fail(TtsFailureKind.TransientUpstream, "the request completed without a media URL"));
        }

        (HttpReply? audio, TtsFailure? failure) = await DownloadAsync(url, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return AsyncJobResult.Alive(failure);
        }

        TtsOutcome outcome = Audio(audio!.Body, audio.ContentType, null, request, started, job.RemoteId, null, null, null);
        return outcome.Succeeded ? AsyncJobResult.Ended(outcome) : AsyncJobResult.Alive(outcome);
    }

    private void AddHeaders(HttpRequestMessage message)
    {
        message.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        if (!string.IsNullOrWhiteSpace(Options.WebhookUrl))
        {
            message.Headers.TryAddWithoutValidation("X-Webhook-URL", Options.WebhookUrl);
        }
    }
}
