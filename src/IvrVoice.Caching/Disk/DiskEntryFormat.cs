using System.Buffers.Binary;
using System.Text.Json;

namespace IvrVoice.Caching;

/// <summary>
/// One disk entry is one file, so one rename publishes metadata and audio together:
/// <c>"IVRPRM01"</c>, int32 LE metadata length, int64 LE audio length, the metadata as UTF-8 JSON, then the audio.
/// </summary>
internal static class DiskEntryFormat
{
    public const int HeaderLength = 20;

    // Metadata is a few hundred bytes; a larger length can only come from a damaged header.
    public const int MaxMetadataLength = 1024 * 1024;

    private static ReadOnlySpan<byte> Magic => "IVRPRM01"u8;

    public static byte[] Encode(PromptMetadata metadata, ReadOnlySpan<byte> audio)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(metadata, CachingJsonContext.Default.PromptMetadata);
        byte[] entry = new byte[HeaderLength + json.Length + audio.Length];
        Magic.CopyTo(entry);
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(8), json.Length);
        BinaryPrimitives.WriteInt64LittleEndian(entry.AsSpan(12), audio.Length);
        json.CopyTo(entry.AsSpan(HeaderLength));
        audio.CopyTo(entry.AsSpan(HeaderLength + json.Length));
        return entry;
    }

    /// <summary>Reads the fixed header; the problem when it is damaged or disagrees with the file's length, else null.</summary>
    public static string? ReadHeader(ReadOnlySpan<byte> header, long fileLength, out int metadataLength, out long audioLength)
    {
        metadataLength = 0;
        audioLength = 0;
        if (header.Length < HeaderLength || !header[..Magic.Length].SequenceEqual(Magic))
        {
            return "the entry header is missing or damaged";
        }

        metadataLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        audioLength = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        if (metadataLength is <= 0 or > MaxMetadataLength || audioLength < 0)
        {
            return "the entry header declares impossible lengths";
        }

        if (HeaderLength + (long)metadataLength + audioLength != fileLength)
        {
            return "the entry file's length does not match its header";
        }

        return null;
    }

    /// <summary>Decodes the metadata and checks it belongs to <paramref name="key"/>; the problem, else null.</summary>
    public static string? DecodeMetadata(ReadOnlySpan<byte> json, PromptKey key, long audioLength, out PromptMetadata? metadata)
    {
        try
        {
            metadata = JsonSerializer.Deserialize(json, CachingJsonContext.Default.PromptMetadata);
        }
        catch (JsonException)
        {
            metadata = null;
            return "the entry metadata is not valid JSON";
        }

        if (metadata is null || metadata.Key != key)
        {
            metadata = null;
            return "the entry metadata names another key";
        }

        if (metadata.ByteLength != audioLength)
        {
            metadata = null;
            return "the entry metadata's ByteLength does not match the audio length";
        }

        return null;
    }

    /// <summary>Decodes a whole entry file and checks the audio against its recorded SHA-256; the problem, else null.</summary>
    public static string? Decode(byte[] entry, PromptKey key, out CachedPrompt? prompt)
    {
        prompt = null;
        string? problem = ReadHeader(entry, entry.Length, out int metadataLength, out long audioLength);
        if (problem is not null)
        {
            return problem;
        }

        problem = DecodeMetadata(entry.AsSpan(HeaderLength, metadataLength), key, audioLength, out PromptMetadata? metadata);
        if (problem is not null)
        {
            return problem;
        }

        ReadOnlyMemory<byte> audio = entry.AsMemory(HeaderLength + metadataLength);
        if (!string.Equals(AudioHash.Compute(audio.Span), metadata!.Sha256, StringComparison.Ordinal))
        {
            return "the audio does not match its recorded SHA-256";
        }

        prompt = new CachedPrompt(metadata, audio);
        return null;
    }
}
