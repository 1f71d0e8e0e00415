using System.Buffers.Binary;

namespace IvrVoice.Audio;

/// <summary>Identifies an audio container from its first bytes, without trusting any Content-Type.</summary>
public static class AudioSniffer
{
    /// <summary>The container the bytes start with, or <see cref="AudioContainer.Unknown"/>.</summary>
    public static AudioContainer Identify(ReadOnlySpan<byte> data)
    {
        AudioContainer strong = IdentifyBySignature(data);
        return strong != AudioContainer.Unknown ? strong : IdentifyByFrameSync(data);
    }

    /// <summary>
    /// Containers with a magic of four or more bytes. Headerless PCM can start with any bytes, so when a raw
    /// format is declared only these override it; a two-byte MPEG frame sync is too likely to occur in PCM.
    /// </summary>
    internal static AudioContainer IdentifyBySignature(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 12 && data.Slice(8, 4).SequenceEqual("WAVE"u8)
            && (data.StartsWith("RIFF"u8) || data.StartsWith("RIFX"u8) || data.StartsWith("RF64"u8) || data.StartsWith("BW64"u8)))
        {
            return AudioContainer.Wav;
        }

        if (data.Length >= 5 && data.StartsWith("ID3"u8) && data[3] is >= 2 and <= 4)
        {
            return AudioContainer.Mp3;
        }

        if (data.StartsWith("OggS"u8))
        {
            return AudioContainer.Ogg;
        }

        if (data.StartsWith("fLaC"u8))
        {
            return AudioContainer.Flac;
        }

        if (data.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(data) == 0x1A45DFA3)
        {
            return AudioContainer.Webm;
        }

        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return AudioContainer.Mp4;
        }

        if (data.Length >= 12 && data.StartsWith("FORM"u8) && (data.Slice(8, 4).SequenceEqual("AIFF"u8) || data.Slice(8, 4).SequenceEqual("AIFC"u8)))
        {
            return AudioContainer.Aiff;
        }

        return AudioContainer.Unknown;
    }

    private static AudioContainer IdentifyByFrameSync(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || (data[1] & 0xE0) != 0xE0)
        {
            return AudioContainer.Unknown;
        }

        int version = (data[1] >> 3) & 0x3;
        int layer = (data[1] >> 1) & 0x3;
        if ((data[1] & 0xF6) == 0xF0)
        {
            // ADTS: a 12-bit sync and layer 00; the sampling frequency index 13..15 is reserved.
            return ((data[2] >> 2) & 0xF) < 13 ? AudioContainer.Aac : AudioContainer.Unknown;
        }

        int bitrateIndex = data[2] >> 4;
        int rateIndex = (data[2] >> 2) & 0x3;
        bool valid = version != 1 && layer != 0 && bitrateIndex != 0xF && rateIndex != 3;
        return valid ? AudioContainer.Mp3 : AudioContainer.Unknown;
    }
}
