namespace IvrVoice.Providers;

/// <summary>An accepted asynchronous job: which route, for which prompt, and the id the route gave it.</summary>
public sealed record TtsJob(string Route, string IdempotencyKey, string RemoteId, string? PollUrl, DateTimeOffset SubmittedAt);

/// <summary>
/// Remembers accepted asynchronous jobs so a retry or a resumed build polls the job already paid for instead of
/// submitting it again. The default is in memory; <c>Providers:Journal:Folder</c> selects a file-backed journal.
/// </summary>
public interface ITtsJobJournal
{
    Task<TtsJob?> FindAsync(string route, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Records a job. Called after the route accepted it and before the first poll.</summary>
    Task RecordAsync(TtsJob job, CancellationToken cancellationToken);

    /// <summary>Forgets a job once its audio was fetched or it ended for good.</summary>
    Task RemoveAsync(string route, string idempotencyKey, CancellationToken cancellationToken);
}
