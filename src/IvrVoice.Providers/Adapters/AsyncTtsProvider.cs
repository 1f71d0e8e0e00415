using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// Submit-then-poll routes. An accepted job is written to <see cref="ITtsJobJournal"/> before the first poll, so a retry,
/// a failover back, or a resumed build polls it instead of paying for it again.
/// </summary>
internal abstract partial class AsyncTtsProvider(string name, HttpRouteServices services, ITtsJobJournal journal)
    : HttpTtsProvider(name, services)
{
    protected override async Task<TtsOutcome> SynthesizeCoreAsync(TtsRequest request, string modelId, long started, CancellationToken cancellationToken)
    {
        string key = request.IdempotencyKey ?? "call-" + Guid.NewGuid().ToString("N");
        TtsJob? job = await journal.FindAsync(Name, key, cancellationToken).ConfigureAwait(false);
        bool resumed = job is not null;
        for (int submissions = 0; ; submissions++)
        {
            if (job is null)
            {
                (TtsJob? accepted, TtsFailure? failure) = await SubmitAsync(request, modelId, key, cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    return failure;
                }

                job = accepted!;
                // CancellationToken.None: once the route accepted (and will charge for) the job, the record must be written.
                await journal.RecordAsync(job, CancellationToken.None).ConfigureAwait(false);
                Log.Submitted(Logger, Name, key, job.RemoteId);
            }
            else
            {
                Log.Resuming(Logger, Name, key, job.RemoteId);
            }

            AsyncJobResult result = await CompleteAsync(job, request, started, waitFirst: !resumed, cancellationToken).ConfigureAwait(false);
            if (result.JobEnded)
            {
                await journal.RemoveAsync(Name, key, CancellationToken.None).ConfigureAwait(false);
            }

            // Only a job the route has forgotten (results expire) is submitted again, and only once.
            if (result.JobUnknown && resumed && submissions == 0)
            {
                Log.Expired(Logger, Name, key, job.RemoteId);
                job = null;
                resumed = false;
                continue;
            }

            return result.Outcome;
        }
    }

    /// <summary>Submits the job. Returns the accepted job, or a failure (nothing was accepted).</summary>
    protected abstract Task<(TtsJob? Job, TtsFailure? Failure)> SubmitAsync(TtsRequest request, string modelId, string key, CancellationToken cancellationToken);

    /// <summary>Polls the job to its end and fetches its audio.</summary>
    protected abstract Task<AsyncJobResult> CompleteAsync(TtsJob job, TtsRequest request, long started, bool waitFirst, CancellationToken cancellationToken);

    /// <summary>
    /// GETs a job's status: its JSON (the caller disposes it), or, without JSON, the poll step that answers for it: a
    /// hiccup for network trouble, transient HTTP errors and a body that is not JSON; the end for an unknown job or a
    /// permanent HTTP error.
    /// </summary>
    protected async Task<(JsonDocument? Status, PollStep<AsyncJobResult> Step)> GetStatusAsync(Uri statusUri, TtsJob job, CancellationToken cancellationToken)
    {
        (HttpReply? reply, TtsFailure? failure) = await SendAsync(HttpMethod.Get, statusUri, null, null, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, PollStep<AsyncJobResult>.Hiccup(failure));
        }

        if (reply!.Status == HttpStatusCode.NotFound)
        {
            return (null, PollStep<AsyncJobResult>.Done(AsyncJobResult.Unknown(Fail(TtsFailureKind.TransientUpstream, $"job {job.RemoteId} is unknown"))));
        }

        if (!reply.IsSuccess)
        {
            TtsFailure classified = Classify(reply);
            return (null, classified.IsTransient
                ? PollStep<AsyncJobResult>.Hiccup(classified)
                : PollStep<AsyncJobResult>.Done(AsyncJobResult.Alive(classified)));
        }

        JsonDocument? json = reply.TryJson();
        return json is null
            ? (null, PollStep<AsyncJobResult>.Hiccup(Fail(TtsFailureKind.TransientUpstream, "the job status is not JSON")))
            : (json, PollStep<AsyncJobResult>.Pending);
    }

    protected TtsJob NewJob(string key, string remoteId, string? pollUrl) => new(Name, key, remoteId, pollUrl, TimeProvider.GetUtcNow());

    /// <summary>A failed job's message says whether the content was refused or something else went wrong.</summary>
    protected TtsFailure JobFailed(string? message, TtsFailureKind otherwise)
    {
        string text = string.IsNullOrWhiteSpace(message) ? "no details" : message.ReplaceLineEndings(" ");
        return Fail(BlockWords().IsMatch(text) ? TtsFailureKind.ContentBlocked : otherwise, $"the job failed: {text}");
    }

    [GeneratedRegex(@"\b(safety|blocked|block|moderat\w*|RAI|responsible ai|policy|prohibited|unsafe)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    protected static partial Regex BlockWords();

    private static partial class Log
    {
        [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "TTS route {Provider}: job {RemoteId} accepted for {PromptKey}")]
        public static partial void Submitted(ILogger logger, string provider, string promptKey, string remoteId);

        [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "TTS route {Provider}: resuming job {RemoteId} for {PromptKey} instead of submitting again")]
        public static partial void Resuming(ILogger logger, string provider, string promptKey, string remoteId);

        [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "TTS route {Provider}: job {RemoteId} for {PromptKey} is no longer known; submitting again")]
        public static partial void Expired(ILogger logger, string provider, string promptKey, string remoteId);
    }
}
