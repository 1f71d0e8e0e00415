namespace IvrVoice.Caching;

// Atomic file I/O: an entry is written to a temporary file, flushed to disk and renamed over the old one; reads tolerate an
// entry that disappears under them.
public sealed partial class DiskPromptStore
{
    private async Task WriteAtomicallyAsync(PromptKey key, byte[] entry, CancellationToken cancellationToken)
    {
        string finalPath = EntryPath(key);
        string folder = System.IO.Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(folder);
        string tempPath = System.IO.Path.Combine(folder, $"{key.Value}.{_instanceTag}.{Interlocked.Increment(ref _tempCounter)}{TempExtension}");
        try
        {
            FileStreamOptions options = new()
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = entry.Length,
            };
            FileStream stream = new(tempPath, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(entry, cancellationToken).ConfigureAwait(false);

                // fsync before the rename: the name never points at data that is not on disk yet.
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, finalPath, overwrite: true);
        }
        catch
        {
            TryDeleteFile(tempPath);
            throw;
        }
    }

    private static async Task<byte[]?> ReadFileOrNullAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task<(PromptMetadata? Metadata, string? Problem)> ReadMetadataAsync(string path, PromptKey key, CancellationToken cancellationToken)
    {
        try
        {
            FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                byte[] header = new byte[DiskEntryFormat.HeaderLength];
                int read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                string? problem = DiskEntryFormat.ReadHeader(header.AsSpan(0, read), stream.Length, out int metadataLength, out long audioLength);
                if (problem is not null)
                {
                    return (null, problem);
                }

                byte[] json = new byte[metadataLength];
                await stream.ReadExactlyAsync(json, cancellationToken).ConfigureAwait(false);
                problem = DiskEntryFormat.DecodeMetadata(json, key, audioLength, out PromptMetadata? metadata);
                return (metadata, problem);
            }
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, null);
        }
    }

    private static string? ReadMetadata(FileStream stream, PromptKey key, out PromptMetadata? metadata)
    {
        metadata = null;
        Span<byte> header = stackalloc byte[DiskEntryFormat.HeaderLength];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        string? problem = DiskEntryFormat.ReadHeader(header[..read], stream.Length, out int metadataLength, out long audioLength);
        if (problem is not null)
        {
            return problem;
        }

        byte[] json = new byte[metadataLength];
        stream.ReadExactly(json);
        return DiskEntryFormat.DecodeMetadata(json, key, audioLength, out metadata);
    }

    private static bool TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
