namespace IvrVoice.Caching;

// Scan, verify and repair: the start-up index of what is on disk, the full SHA-256 check, and removal of damaged entries
// and of temporary files a crash left behind.
public sealed partial class DiskPromptStore
{
    /// <summary>
    /// Checks every entry's audio against its recorded SHA-256 and removes those that fail, and deletes temporary files
    /// left by a crash. The report also counts what the start-up scan repaired, the first time it is asked.
    /// </summary>
    public async Task<PromptStoreRepairReport> VerifyAndRepairAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        RepairFindings findings = Interlocked.Exchange(ref _unreportedStartupFindings, null) ?? new RepairFindings();
        findings.TempFilesDeleted += DeleteStaleTempFiles();
        int verified = 0;
        foreach (PromptKey key in _index.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SemaphoreSlim keyLock = LockFor(key);
            await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                byte[]? entry = await ReadFileOrNullAsync(EntryPath(key), cancellationToken).ConfigureAwait(false);
                if (entry is null)
                {
                    continue;
                }

                string? problem = DiskEntryFormat.Decode(entry, key, out _);
                if (problem is null)
                {
                    verified++;
                }
                else
                {
                    Log.CorruptEntryRemoved(_logger, key.Value, problem);
                    DeleteEntryLocked(key);
                    findings.CorruptEntries.Add(key);
                }
            }
            finally
            {
                keyLock.Release();
            }
        }

        if (findings.TempFilesDeleted > 0 || findings.CorruptEntries.Count > 0)
        {
            Log.Repaired(_logger, findings.CorruptEntries.Count, findings.TempFilesDeleted, _root);
        }

        return new PromptStoreRepairReport(verified, findings.TempFilesDeleted, findings.CorruptEntries);
    }

    private void ScanAndIndex()
    {
        Directory.CreateDirectory(_root);
        RepairFindings findings = new() { TempFilesDeleted = DeleteStaleTempFiles() };
        foreach (string folder in Directory.EnumerateDirectories(_root))
        {
            string folderName = System.IO.Path.GetFileName(folder);
            if (!IsFanOutFolderName(folderName))
            {
                continue;
            }

            foreach (string path in Directory.EnumerateFiles(folder, "*" + EntryExtension))
            {
                string fileName = System.IO.Path.GetFileName(path);
                if (!PromptKey.TryParse(fileName[..^EntryExtension.Length], out PromptKey key)
                    || !key.Value.StartsWith(folderName, StringComparison.Ordinal))
                {
                    continue;
                }

                IndexExistingEntry(key, path, findings);
            }
        }

        Volatile.Write(ref _unreportedStartupFindings, findings);
        if (findings.TempFilesDeleted > 0 || findings.CorruptEntries.Count > 0)
        {
            Log.Repaired(_logger, findings.CorruptEntries.Count, findings.TempFilesDeleted, _root);
        }
    }

    private void IndexExistingEntry(PromptKey key, string path, RepairFindings findings)
    {
        string? problem;
        bool pinned = false;
        long length = 0;
        DateTime lastWrite = default;
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            length = stream.Length;
            lastWrite = File.GetLastWriteTimeUtc(path);
            problem = ReadMetadata(stream, key, out PromptMetadata? metadata);
            pinned = metadata?.Pinned ?? false;
        }
        catch (FileNotFoundException)
        {
            return;
        }

        if (problem is not null)
        {
            Log.CorruptEntryRemoved(_logger, key.Value, problem);
            TryDeleteFile(path);
            findings.CorruptEntries.Add(key);
            return;
        }

        _index[key] = new IndexEntry(length, pinned, lastWrite.Ticks);
        Interlocked.Add(ref _storedBytes, length);
    }

    private int DeleteStaleTempFiles()
    {
        if (!Directory.Exists(_root))
        {
            return 0;
        }

        int deleted = 0;
        DateTime staleBefore = _timeProvider.GetUtcNow().UtcDateTime - StaleTempAge;
        foreach (string folder in Directory.EnumerateDirectories(_root))
        {
            if (!IsFanOutFolderName(System.IO.Path.GetFileName(folder)))
            {
                continue;
            }

            foreach (string path in Directory.EnumerateFiles(folder, "*" + TempExtension))
            {
                // This process's own temporary files ({key}.{tag}.{n}.tmp) are live writes; never pull one from under its writer.
                string[] nameParts = System.IO.Path.GetFileName(path).Split('.');
                bool ours = nameParts.Length == 4 && string.Equals(nameParts[1], _instanceTag, StringComparison.Ordinal);
                if (ours || File.GetLastWriteTimeUtc(path) > staleBefore)
                {
                    continue;
                }

                if (TryDeleteFile(path))
                {
                    deleted++;
                }
            }
        }

        return deleted;
    }

    private async Task RemoveIfStillCorruptAsync(PromptKey key, CancellationToken cancellationToken)
    {
        SemaphoreSlim keyLock = LockFor(key);
        await keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Read again under the lock: a writer may have replaced the entry since the failed read.
            byte[]? entry = await ReadFileOrNullAsync(EntryPath(key), cancellationToken).ConfigureAwait(false);
            string? problem = entry is null ? null : DiskEntryFormat.Decode(entry, key, out _);
            if (problem is not null)
            {
                Log.CorruptEntryRemoved(_logger, key.Value, problem);
                DeleteEntryLocked(key);
            }
        }
        finally
        {
            keyLock.Release();
        }
    }

    private static bool IsFanOutFolderName(string name) =>
        name.Length == 2 && name.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private sealed class RepairFindings
    {
        public int TempFilesDeleted { get; set; }

        public List<PromptKey> CorruptEntries { get; } = [];
    }
}

/// <summary>What <see cref="DiskPromptStore.VerifyAndRepairAsync"/> found and fixed.</summary>
/// <param name="EntriesVerified">Entries whose audio matched their recorded SHA-256.</param>
/// <param name="TempFilesDeleted">Temporary files left by interrupted writes, deleted.</param>
/// <param name="CorruptEntriesRemoved">Entries removed because they were damaged or their audio did not match.</param>
public sealed record PromptStoreRepairReport(int EntriesVerified, int TempFilesDeleted, IReadOnlyList<PromptKey> CorruptEntriesRemoved);
