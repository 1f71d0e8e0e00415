using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IvrVoice.Providers.Journal;

/// <summary>
/// One small JSON file per accepted job, so a library build that is interrupted and started again polls the jobs it
/// already paid for. Files are written to a temporary name and renamed, so a crash never leaves half a record.
/// </summary>
internal sealed class FileTtsJobJournal : ITtsJobJournal
{
    private readonly string _folder;

    public FileTtsJobJournal(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _folder = Path.GetFullPath(folder);
    }

    public async Task<TtsJob?> FindAsync(string route, string idempotencyKey, CancellationToken cancellationToken)
    {
        string path = PathOf(route, idempotencyKey);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using FileStream stream = File.OpenRead(path);
            TtsJob? job = await JsonSerializer.DeserializeAsync(stream, JournalJsonContext.Default.TtsJob, cancellationToken).ConfigureAwait(false);
            // The file name is a hash; check the record really is this job.
            return job is not null && job.Route == route && job.IdempotencyKey == idempotencyKey ? job : null;
        }
        catch (JsonException)
        {
            return null;   // an unreadable record is no record: the job is submitted again rather than lost
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public async Task RecordAsync(TtsJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        Directory.CreateDirectory(_folder);
        string path = PathOf(job.Route, job.IdempotencyKey);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await using (FileStream stream = new(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, job, JournalJsonContext.Default.TtsJob, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public Task RemoveAsync(string route, string idempotencyKey, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(route, idempotencyKey));
        return Task.CompletedTask;
    }

    private string PathOf(string route, string idempotencyKey)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{route.Length}:{route}|{idempotencyKey}"));
        return Path.Combine(_folder, $"{route}-{Convert.ToHexStringLower(hash.AsSpan(0, 16))}.json");
    }
}
