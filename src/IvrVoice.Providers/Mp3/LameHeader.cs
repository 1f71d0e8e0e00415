using System.Buffers.Binary;

namespace IvrVoice.Providers.Mp3;

/// <summary>What a Xing/Info header with a LAME extension says about the stream's exact length.</summary>
internal readonly record struct GaplessInfo(long Frames, int SamplesPerFrame, int EncoderDelay, int EncoderPadding);

/// <summary>
/// Reads the Xing/Info tag in the first MPEG audio frame (after any ID3v2 tag) and the LAME extension behind it: the
/// frame count, and the encoder delay and padding (two 12-bit fields at offset 21 of the LAME tag).
/// </summary>
internal static class LameHeader
{
    public static GaplessInfo? TryRead(ReadOnlySpan<byte> data)
    {
        int at = 0;
        if (data.Length >= 10 && data.StartsWith("ID3"u8))
        {
            int size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F);
            at = 10 + size + ((data[5] & 0x10) != 0 ? 10 : 0);
        }

        // The first frame sync within a few KiB.
        int limit = Math.Min(data.Length - 4, at + 8192);
        while (at < limit && !(data[at] == 0xFF && (data[at + 1] & 0xE0) == 0xE0))
        {
            at++;
        }

        if (at >= limit)
        {
            return null;
        }

        int versionBits = (data[at + 1] >> 3) & 3;   // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        int layer = (data[at + 1] >> 1) & 3;         // 1: Layer III
        bool mono = ((data[at + 3] >> 6) & 3) == 3;
        if (layer != 1 || versionBits == 1)
        {
            return null;
        }

        bool mpeg1 = versionBits == 3;
        int sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int tag = at + 4 + sideInfo;
        if (tag + 8 > data.Length || !(data.Slice(tag, 4).SequenceEqual("Xing"u8) || data.Slice(tag, 4).SequenceEqual("Info"u8)))
        {
            return null;
        }

        uint flags = BinaryPrimitives.ReadUInt32BigEndian(data[(tag + 4)..]);
        int next = tag + 8;
        long frames = 0;
        if ((flags & 1) != 0 && next + 4 <= data.Length)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(data[next..]);
            next += 4;
        }

        next += (flags & 2) != 0 ? 4 : 0;     // bytes
        next += (flags & 4) != 0 ? 100 : 0;   // table of contents
        next += (flags & 8) != 0 ? 4 : 0;     // quality
        int samplesPerFrame = mpeg1 ? 1152 : 576;
        int delay = 0;
        int padding = 0;
        // The LAME extension: a 9-byte encoder string ("LAME3.100", "Lavc…" from ffmpeg's own writer), then fields; delay
        // and padding at offset 21.
        if (next + 24 <= data.Length && (data.Slice(next, 4).SequenceEqual("LAME"u8) || data.Slice(next, 4).SequenceEqual("Lavc"u8) || data.Slice(next, 4).SequenceEqual("Lavf"u8)))
        {
            int d = next + 21;
            delay = (data[d] << 4) | (data[d + 1] >> 4);
            padding = ((data[d + 1] & 0x0F) << 8) | data[d + 2];
        }

        return new GaplessInfo(frames, samplesPerFrame, delay, padding);
    }
}
