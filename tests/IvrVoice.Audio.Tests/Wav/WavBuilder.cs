using System.Buffers.Binary;
using System.Text;

namespace IvrVoice.Audio.Tests.Wav;

/// <summary>Builds RIFF/WAVE byte by byte, so tests can make exactly the oddities real writers produce.</summary>
internal sealed class WavBuilder
{
    private readonly List<byte> _body = [];

    public uint? RiffSize { get; set; }

    public string Magic { get; set; } = "RIFF";

    public WavBuilder Chunk(string id, ReadOnlySpan<byte> contents, uint? declaredSize = null, bool pad = true)
    {
        _body.AddRange(Encoding.ASCII.GetBytes(id));
        _body.AddRange(LittleEndian32(declaredSize ?? (uint)contents.Length));
        _body.AddRange(contents.ToArray());
        if (pad && (contents.Length & 1) == 1)
        {
            _body.Add(0);
        }

        return this;
    }

    /// <summary>A plain 16-byte 'fmt ' chunk (or 18 with cbSize when <paramref name="withExtraSize"/>).</summary>
    public WavBuilder Format(ushort tag, int channels, int sampleRate, int bitsPerSample, bool withExtraSize = false)
    {
        int blockAlign = channels * ((bitsPerSample + 7) / 8);
        byte[] fmt = new byte[withExtraSize ? 18 : 16];
        WriteFormatFields(fmt, tag, channels, sampleRate, blockAlign, bitsPerSample);
        return Chunk("fmt ", fmt);
    }

    /// <summary>A 40-byte WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk whose sub-format GUID carries <paramref name="subFormat"/>.</summary>
    public WavBuilder ExtensibleFormat(ushort subFormat, int channels, int sampleRate, int containerBits, int validBits, Guid? guid = null)
    {
        byte[] fmt = new byte[40];
        WriteFormatFields(fmt, 0xFFFE, channels, sampleRate, channels * containerBits / 8, containerBits);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)validBits);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), channels == 1 ? 0x4u : 0x3u);
        Guid sub = guid ?? new Guid($"{subFormat:X8}-0000-0010-8000-00AA00389B71");
        sub.TryWriteBytes(fmt.AsSpan(24));
        return Chunk("fmt ", fmt);
    }

    public WavBuilder Data(ReadOnlySpan<byte> samples, uint? declaredSize = null, bool pad = true) =>
        Chunk("data", samples, declaredSize, pad);

    public WavBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        _body.AddRange(bytes.ToArray());
        return this;
    }

    public byte[] Build()
    {
        List<byte> file = [.. Encoding.ASCII.GetBytes(Magic), .. LittleEndian32(RiffSize ?? (uint)(_body.Count + 4)), .. "WAVE"u8.ToArray()];
        file.AddRange(_body);
        return [.. file];
    }

    public static byte[] Pcm16(params short[] samples)
    {
        byte[] bytes = new byte[2 * samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    /// <summary>A mono 16-bit PCM WAV of <paramref name="samples"/> at <paramref name="sampleRate"/>.</summary>
    public static byte[] MonoPcm16(int sampleRate, params short[] samples) =>
        new WavBuilder().Format(1, 1, sampleRate, 16).Data(Pcm16(samples)).Build();

    private static void WriteFormatFields(Span<byte> fmt, ushort tag, int channels, int sampleRate, int blockAlign, int bits)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[2..], (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(fmt[4..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(fmt[8..], sampleRate * blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[12..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[14..], (ushort)bits);
    }

    private static byte[] LittleEndian32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
