using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace IvrVoice.Production.Tests.Support;

/// <summary>What a disk cache folder holds, judged file by file from the documented entry format alone.</summary>
internal sealed record DiskCacheReport(IReadOnlyDictionary<string, string> Intact, IReadOnlyList<string> Corrupt, IReadOnlyList<string> TempFiles)
{
    public override string ToString() => $"{Intact.Count} intact, {Corrupt.Count} corrupt ({string.Join("; ", Corrupt.Take(5))}), {TempFiles.Count} temporary";
}

/// <summary>
/// Reads a disk prompt cache without the product's code, from the format in docs/caching.md: each entry is
/// <c>{key[..2]}/{key}.prompt</c> holding "IVRPRM01", int32 LE metadata length, int64 LE audio length, the metadata as
/// JSON (its key, byteLength and sha256), then the audio; writes in progress are <c>*.tmp</c> files beside them. An entry is
/// intact only when every one of those facts agrees and the audio's SHA-256 is the one recorded.
/// </summary>
internal static class DiskCacheInspector
{
    public static DiskCacheReport Inspect(string folder)
    {
        Dictionary<string, string> intact = new(StringComparer.Ordinal);
        List<string> corrupt = [];
        List<string> temp = [];
        if (!Directory.Exists(folder))
        {
            return new DiskCacheReport(intact, corrupt, temp);
        }

        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                temp.Add(path);
                continue;
            }

            if (!name.EndsWith(".prompt", StringComparison.Ordinal))
            {
                continue;   // e.g. the store's own bookkeeping
            }

            string key = name[..^".prompt".Length];
            string? problem = Check(File.ReadAllBytes(path), key, Path.GetFileName(Path.GetDirectoryName(path)!), out string? sha256);
            if (problem is null)
            {
                intact[key] = sha256!;
            }
            else
            {
                corrupt.Add($"{key[..Math.Min(12, key.Length)]}: {problem}");
            }
        }

        return new DiskCacheReport(intact, corrupt, temp);
    }

    private static string? Check(byte[] entry, string key, string folderName, out string? sha256)
    {
        sha256 = null;
        if (key.Length != 64 || !key.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f') || folderName != key[..2])
        {
            return "misnamed or misplaced";
        }

        if (entry.Length < 20 || !entry.AsSpan(0, 8).SequenceEqual("IVRPRM01"u8))
        {
            return "no header";
        }

        int metadataLength = BinaryPrimitives.ReadInt32LittleEndian(entry.AsSpan(8));
        long audioLength = BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(12));
        if (metadataLength <= 0 || audioLength < 0 || 20L + metadataLength + audioLength != entry.Length)
        {
            return "lengths disagree with the file";
        }

        try
        {
            using JsonDocument metadata = JsonDocument.Parse(entry.AsMemory(20, metadataLength));
            JsonElement root = metadata.RootElement;
            if (root.GetProperty("key").GetString() != key)
            {
                return "metadata names another key";
            }

            if (root.GetProperty("byteLength").GetInt64() != audioLength)
            {
                return "byteLength disagrees";
            }

            string recorded = root.GetProperty("sha256").GetString() ?? "";
            string actual = Convert.ToHexStringLower(SHA256.HashData(entry.AsSpan(20 + metadataLength)));
            if (recorded != actual)
            {
                return "audio does not match its sha256";
            }

            if (!entry.AsSpan(20 + metadataLength).StartsWith("RIFF"u8))
            {
                return "audio is not a WAV";
            }

            sha256 = actual;
            return null;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "metadata unreadable: " + exception.GetType().Name;
        }
    }
}
