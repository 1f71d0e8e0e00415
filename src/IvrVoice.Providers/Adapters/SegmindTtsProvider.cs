using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IvrVoice.Providers.Configuration;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// Segmind: v1 answers with the audio (<c>Mode=Sync</c>, the default); v2 queues a job, polled at
/// <c>/v2/requests/{id}/status</c> and read at <c>/v2/requests/{id}</c> (<c>Mode=Async</c>). v2 submissions are not
/// idempotent and are charged, so an accepted job is never submitted again while Segmind still knows it.
/// </summary>
internal sealed class SegmindTtsProvider(HttpRouteServices services, ITtsJobJournal journal)
    : AsyncTtsProvider(RouteNames.Segmind, services, journal)
{
    // Segmind's own default (0.4) is where Gemini TTS is reported to return no audio; send Google's default instead.
    private const double DefaultTemperature = 1.0;

    public override bool SupportsTwoSpeakers => true;

    protected override void Authenticate(HttpRequestMessage message) => message.Headers.Add("x-api-key", Options.ApiKey);

    protected override async Task<TtsOutcome> SynthesizeCoreAsync(TtsRequest request, string modelId, long started, CancellationToken cancellationToken)
    {
        if (Options.Mode == SegmindMode.Async)
        {
            return await base.SynthesizeCoreAsync(request, modelId, started, cancellationToken).ConfigureAwait(false);
        }

        return await PostForAudioAsync(
            Endpoint($"/v1/{Uri.EscapeDataString(modelId)}"), BuildBody(request), null, request, started, "x-request-id", null,
            reply => ParseCost(reply.Header("x-cost")), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<(TtsJob? Job, TtsFailure? Failure)> SubmitAsync(
        TtsRequest request, string modelId, string key, CancellationToken cancellationToken)
    {
        (HttpReply? reply, TtsFailure? failure) = await SendCheckedAsync(
            HttpMethod.Post, Endpoint($"/v2/{Uri.EscapeDataString(modelId)}"), BuildBody(request), null, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, failure);
        }

        using JsonDocument? json = reply!.TryJson();
        string? id = json is null ? null : GetString(json.RootElement, "request_id");
        return id is null
            ? (null, Fail(TtsFailureKind.TransientUpstream, "the request was not queued: the answer has no request_id"))
            : (NewJob(key, id, null), null);
    }

    protected override async Task<AsyncJobResult> CompleteAsync(TtsJob job, TtsRequest request, long started, bool waitFirst, CancellationToken cancellationToken)
    {
        string id = Uri.EscapeDataString(job.RemoteId);
        PollStep<AsyncJobResult> step = await PollAsync(
            ct => PollOnceAsync(Endpoint($"/v2/requests/{id}/status"), Endpoint($"/v2/requests/{id}"), request, started, job, ct),
            waitFirst,
            cancellationToken).ConfigureAwait(false);
        // PollStep<T>.Result of a struct T is never null, so the failure decides: a failed poll carries no result.
        return step.Failure is { } failure ? AsyncJobResult.Alive(failure) : step.Result!;
    }

    private async Task<PollStep<AsyncJobResult>> PollOnceAsync(
        Uri statusUri, Uri resultUri, TtsRequest request, long started, TtsJob job, CancellationToken cancellationToken)
    {
        (HttpReply? reply, TtsFailure? failure) = await SendAsync(HttpMethod.Get, statusUri, null, null, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return PollStep<AsyncJobResult>.Hiccup(failure);
        }

        if (reply!.Status == HttpStatusCode.NotFound)
        {
            // Results are kept one hour; after that the id is unknown.
            return PollStep<AsyncJobResult>.Done(AsyncJobResult.Unknown(Fail(TtsFailureKind.TransientUpstream, $"request {job.RemoteId} is unknown or expired")));
        }

        if ((int)reply.Status == 422)
        {
            return PollStep<AsyncJobResult>.Done(AsyncJobResult.Ended(JobFailed(ErrorDetail(reply), TtsFailureKind.InvalidRequest)));
        }

        if (!reply.IsSuccess)
        {
            TtsFailure classified = Classify(reply);
            return classified.IsTransient
                ? PollStep<AsyncJobResult>.Hiccup(classified)
                : PollStep<AsyncJobResult>.Done(AsyncJobResult.Alive(classified));
        }

        string? status;
        using (JsonDocument? json = reply.TryJson())
        {
            status = json is null ? null : GetString(json.RootElement, "status");
        }

        switch (status?.ToUpperInvariant())
        {
            case "COMPLETED":
                return PollStep<AsyncJobResult>.Done(await FetchAsync(resultUri, request, started, job, cancellationToken).ConfigureAwait(false));
            case "FAILED":
                return PollStep<AsyncJobResult>.Done(AsyncJobResult.Ended(JobFailed(ErrorDetail(reply), TtsFailureKind.InvalidRequest)));
            default:
                return PollStep<AsyncJobResult>.Pending;
        }
    }

    private async Task<AsyncJobResult> FetchAsync(Uri resultUri, TtsRequest request, long started, TtsJob job, CancellationToken cancellationToken)
    {
        (HttpReply? reply, TtsFailure? failure) = await SendAsync(HttpMethod.Get, resultUri, null, null, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return AsyncJobResult.Alive(failure);
        }

        if ((int)reply!.Status == 422)
        {
            return AsyncJobResult.Ended(JobFailed(ErrorDetail(reply), TtsFailureKind.InvalidRequest));
        }

        if (!reply.IsSuccess)
        {
            return AsyncJobResult.Alive(Classify(reply));
        }

        string? url;
        decimal? cost = null;
        using (JsonDocument? json = reply.TryJson())
        {
            if (json is null)
            {
                return AsyncJobResult.Alive(Fail(TtsFailureKind.TransientUpstream, "the result is not JSON"));
            }

            JsonElement root = json.RootElement;
            url = root.TryGetProperty("output", out JsonElement output) ? FirstUrl(output) : null;
            if (root.TryGetProperty("metrics", out JsonElement metrics) && metrics.TryGetProperty("cost", out JsonElement costValue)
                && costValue.ValueKind == JsonValueKind.Number)
            {
                cost = costValue.GetDecimal();
            }
        }

        if (url is null)
        {
            return AsyncJobResult.Ended(Fail(TtsFailureKind.TransientUpstream, "the request completed without an output URL"));
        }

        (HttpReply? audio, TtsFailure? downloadFailure) = await DownloadAsync(url, cancellationToken).ConfigureAwait(false);
        if (downloadFailure is not null)
        {
            return AsyncJobResult.Alive(downloadFailure);
        }

        TtsOutcome outcome = Audio(audio!.Body, audio.ContentType, null, request, started, job.RemoteId, null, null, cost);
        return outcome.Succeeded ? AsyncJobResult.Ended(outcome) : AsyncJobResult.Alive(outcome);
    }

    protected override TtsFailure Classify(HttpReply reply)
    {
        string detail = ErrorDetail(reply);
        return (int)reply.Status switch
        {
            // 406 means a wrong content type, or no credits / spend limit reached: the message tells which.
            406 when detail.Contains("credit", StringComparison.OrdinalIgnoreCase) || detail.Contains("balance", StringComparison.OrdinalIgnoreCase)
                || detail.Contains("spend", StringComparison.OrdinalIgnoreCase) || detail.Contains("limit", StringComparison.OrdinalIgnoreCase)
                => Fail(TtsFailureKind.InsufficientCredit, $"HTTP 406: {detail}"),
            422 => JobFailed(detail, TtsFailureKind.InvalidRequest),
            _ => base.Classify(reply),
        };
    }

    // Per-request prices are only known when Segmind reports them (x-cost, metrics.cost).
    protected override decimal? EstimateCost(TtsRequest request, TtsUsage usage, TimeSpan duration) =>
        Options.PricePerRequestUsd;

    private static JsonObject BuildBody(TtsRequest request)
    {
        JsonObject body = new()
        {
            ["text"] = WithStylePreamble(request),
            ["voice_1"] = request.Speakers.Count == 2 ? request.Speakers[0].Voice : request.Voice,
            ["temperature"] = request.Temperature is { } t && ModelCatalog.AcceptsTemperature(request.Model) ? t : DefaultTemperature,
        };
        if (request.Speakers.Count == 2)
        {
            body["voice_2"] = request.Speakers[1].Voice;
        }

        return body;
    }

    private static string? FirstUrl(JsonElement output) => output.ValueKind switch
    {
        JsonValueKind.String => output.GetString() is { } text && text.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? text : null,
        JsonValueKind.Array => output.EnumerateArray().Select(FirstUrl).FirstOrDefault(u => u is not null),
        JsonValueKind.Object => output.EnumerateObject().Select(p => FirstUrl(p.Value)).FirstOrDefault(u => u is not null),
        _ => null,
    };

    private static decimal? ParseCost(string? header) =>
        decimal.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal cost) ? cost : null;
}
