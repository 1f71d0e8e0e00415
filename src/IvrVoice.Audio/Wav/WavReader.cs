using System.Buffers.Binary;
using System.Globalization;

namespace IvrVoice.Audio.Wav;

/// <summary>
/// Reads RIFF/WAVE as real writers produce it: chunks in any order around 'fmt ' and 'data', odd chunks padded
/// (or, from a few broken writers, not), streaming headers whose sizes are 0 or 0xFFFFFFFF, and data cut short.
/// </summary>
internal static class WavReader
{
    private const ushort FormatPcm = 0x0001;
    private const ushort FormatIeeeFloat = 0x0003;
    private const ushort FormatALaw = 0x0006;
    private const ushort FormatMuLaw = 0x0007;
    private const ushort FormatExtensible = 0xFFFE;
    private const uint UnknownSize = 0xFFFFFFFF;

    // KSDATAFORMAT_SUBTYPE_* GUIDs are {XXXXXXXX-0000-0010-8000-00AA00389B71} with the format tag in the first field.
    private static ReadOnlySpan<byte> SubFormatGuidTail => [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Where the samples are and how they are stored; every structural and size check happens here.</summary>
    public static PcmLayout ReadLayout(ReadOnlySpan<byte> data, AudioDecodeLimits limits)
    {
        if (data.StartsWith("RIFX"u8))
        {
            throw new AudioFormatException(AudioErrorKind.UnsupportedCodec, "The audio is big-endian RIFX WAV, which is not supported; ask the provider for little-endian WAV or PCM.");
        }

        bool sixtyFourBit = !data.StartsWith("RIFF"u8);   // RF64 or BW64: sizes of 0xFFFFFFFF live in the ds64 chunk
        uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        // A consistent RIFF size tells an empty data chunk (size 0) from a streaming header that never got its sizes.
        bool riffSizeKnown = riffSize != 0 && riffSize != UnknownSize && (long)riffSize + 8 <= data.Length;

        WavFormat? format = null;
        long? ds64DataSize = null;
        int dataOffset = -1;
        int dataLength = 0;
        int position = 12;
        while (position <= data.Length - 8)
        {
            ReadOnlySpan<byte> id = data.Slice(position, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
            int body = position + 8;
            int available = data.Length - body;

            if (id.SequenceEqual("data"u8))
            {
                long declared = size;
                if (sixtyFourBit && size == UnknownSize && ds64DataSize is > 0 and <= int.MaxValue)
                {
                    declared = ds64DataSize.Value;
                }

                bool toEnd = declared == UnknownSize || (declared == 0 && !riffSizeKnown) || declared > available;
                dataOffset = body;
                dataLength = toEnd ? available : (int)declared;
                if (format is not null || toEnd)
                {
                    break;
                }

                position = NextChunk(data, body, dataLength);
                continue;
            }

            if (size > available)
            {
                if (id.SequenceEqual("fmt "u8))
                {
                    throw new AudioFormatException(AudioErrorKind.Truncated, $"The WAV 'fmt ' chunk declares {size} bytes but only {available} are present.");
                }

                break;   // any other chunk cut short ends the walk
            }

            if (id.SequenceEqual("fmt "u8))
            {
                format = ParseFormat(data.Slice(body, (int)size), limits);
            }
            else if (id.SequenceEqual("ds64"u8) && size >= 16)
            {
                ds64DataSize = BinaryPrimitives.ReadInt64LittleEndian(data[(body + 8)..]);
            }

            position = NextChunk(data, body, (int)size);
        }

        if (format is null)
        {
            throw new AudioFormatException(
                dataOffset >= 0 ? AudioErrorKind.InvalidHeader : AudioErrorKind.Truncated,
                dataOffset >= 0 ? "The WAV has a 'data' chunk but no 'fmt ' chunk describing it." : "The WAV ends before its 'fmt ' chunk.");
        }

        if (dataOffset < 0)
        {
            throw new AudioFormatException(AudioErrorKind.Truncated, "The WAV ends before its 'data' chunk.");
        }

        WavFormat f = format.Value;
        int frameBytes = f.Sample.BytesPerSample() * f.Channels;
        int frames = dataLength / frameBytes;
        if (frames == 0)
        {
            throw new AudioFormatException(AudioErrorKind.Empty, "The WAV has a header but no samples.");
        }

        AudioLimits.CheckDuration(frames, f.SampleRate, limits);
        return new PcmLayout(f.Sample, f.Channels, f.SampleRate, dataOffset, frames * frameBytes);
    }

    // Chunks are word-aligned: an odd size is followed by a pad byte. A few writers omit it, so when the padded
    // position does not start a plausible chunk id and the unpadded one does, the unpadded one wins.
    private static int NextChunk(ReadOnlySpan<byte> data, int body, int size)
    {
        int unpadded = body + size;
        if ((size & 1) == 0)
        {
            return unpadded;
        }

        int padded = unpadded + 1;
        return !LooksLikeChunkId(data, padded) && LooksLikeChunkId(data, unpadded) ? unpadded : padded;
    }

    private static bool LooksLikeChunkId(ReadOnlySpan<byte> data, int position)
    {
        if (position > data.Length - 8)
        {
            return false;
        }

        foreach (byte b in data.Slice(position, 4))
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> chunk, AudioDecodeLimits limits)
    {
        if (chunk.Length < 16)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The WAV 'fmt ' chunk is {chunk.Length} bytes; at least 16 are needed.");
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]);

        if (tag == FormatExtensible)
        {
            if (chunk.Length < 40)
            {
                throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The WAV 'fmt ' chunk is WAVE_FORMAT_EXTENSIBLE but only {chunk.Length} bytes; 40 are needed.");
            }

            ReadOnlySpan<byte> guid = chunk.Slice(24, 16);
            uint subFormat = BinaryPrimitives.ReadUInt32LittleEndian(guid);
            if (!guid[4..].SequenceEqual(SubFormatGuidTail) || subFormat > ushort.MaxValue || subFormat == FormatExtensible)
            {
                throw new AudioFormatException(AudioErrorKind.UnsupportedCodec, $"The WAV's WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(guid)} is not supported; ask the provider for PCM WAV.");
            }

            tag = (ushort)subFormat;
        }

        if (channels == 0)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, "The WAV declares 0 channels.");
        }

        if (channels > limits.MaxChannels)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The WAV declares {channels} channels; at most {limits.MaxChannels} are supported.");
        }

        if (sampleRate == 0)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, "The WAV declares a sample rate of 0 Hz.");
        }

        if (sampleRate > limits.MaxSampleRate)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The WAV declares a sample rate of {sampleRate} Hz; at most {limits.MaxSampleRate} Hz is supported.");
        }

        SampleFormat sample = tag switch
        {
            FormatPcm => bits switch
            {
                >= 1 and <= 8 => SampleFormat.U8,
                >= 9 and <= 16 => SampleFormat.S16LE,
                >= 17 and <= 24 => SampleFormat.S24LE,
                >= 25 and <= 32 => SampleFormat.S32LE,
                _ => throw Unsupported($"{bits}-bit PCM"),
            },
            FormatIeeeFloat => bits switch
            {
                32 => SampleFormat.F32LE,
                64 => SampleFormat.F64LE,
                _ => throw Unsupported($"{bits}-bit IEEE float"),
            },
            FormatALaw => bits == 8 ? SampleFormat.ALaw : throw Unsupported($"{bits}-bit A-law"),
            FormatMuLaw => bits == 8 ? SampleFormat.MuLaw : throw Unsupported($"{bits}-bit μ-law"),
            _ => throw Unsupported(CodecName(tag)),
        };

        return new WavFormat(sample, channels, (int)sampleRate);
    }

    private static AudioFormatException Unsupported(string what) =>
        new(AudioErrorKind.UnsupportedCodec, $"The WAV holds {what}, which is not supported; ask the provider for PCM WAV.");

    private static string CodecName(ushort tag)
    {
        string hex = "format tag 0x" + tag.ToString("X4", CultureInfo.InvariantCulture);
        string? name = tag switch
        {
            0x0002 => "MS ADPCM",
            0x0011 => "IMA ADPCM",
            0x0031 => "GSM 6.10",
            0x0050 => "MPEG audio",
            0x0055 => "MP3",
            0x00FF or 0x1610 => "AAC",
            0x0161 or 0x0162 or 0x0163 => "WMA",
            0x2000 => "AC-3",
            0x6750 => "Vorbis",
            0x704F => "Opus",
            0xF1AC => "FLAC",
            _ => null,
        };
        return name is null ? hex : $"{name} ({hex})";
    }

    private readonly record struct WavFormat(SampleFormat Sample, int Channels, int SampleRate);
}
