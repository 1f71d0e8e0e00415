using System.Buffers;
using System.Buffers.Binary;

namespace IvrVoice.Audio.Wav;

/// <summary>
/// Writes mono WAV around samples that are already encoded. The header methods let a caller size one array,
/// write the header and encode straight into the rest, so the audio is never copied.
/// </summary>
public static class WavWriter
{
    /// <summary>Bytes before the samples in a μ-law or A-law WAV: RIFF, 'fmt ' (18 bytes), 'fact', 'data' headers.</summary>
    public const int G711HeaderSize = 58;

    /// <summary>Bytes before the samples in a 16-bit PCM WAV: RIFF, 'fmt ' (16 bytes), 'data' headers.</summary>
    public const int Pcm16HeaderSize = 44;

    private const ushort FormatPcm = 1;
    private const ushort FormatALaw = 6;
    private const ushort FormatMuLaw = 7;

    /// <summary>Total file size of a G.711 WAV of <paramref name="sampleCount"/> samples, including the pad byte of an odd count.</summary>
    public static int G711FileSize(int sampleCount) => checked(G711HeaderSize + sampleCount + (sampleCount & 1));

    /// <summary>Total file size of a 16-bit PCM WAV of <paramref name="sampleCount"/> samples.</summary>
    public static int Pcm16FileSize(int sampleCount) => checked(Pcm16HeaderSize + (2 * sampleCount));

    /// <summary>A μ-law WAV (format tag 7, 8-bit, mono, with a fact chunk) around the codes.</summary>
    public static byte[] WriteMuLaw(ReadOnlySpan<byte> muLaw, int sampleRate) => WriteG711(muLaw, sampleRate, FormatMuLaw);

    /// <summary>An A-law WAV (format tag 6, 8-bit, mono, with a fact chunk) around the codes.</summary>
    public static byte[] WriteALaw(ReadOnlySpan<byte> aLaw, int sampleRate) => WriteG711(aLaw, sampleRate, FormatALaw);

    /// <summary>A 16-bit PCM mono WAV.</summary>
    public static byte[] WritePcm16(ReadOnlySpan<short> samples, int sampleRate)
    {
        byte[] file = new byte[Pcm16FileSize(samples.Length)];
        WritePcm16Header(file, samples.Length, sampleRate);
        Span<byte> body = file.AsSpan(Pcm16HeaderSize);
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(body[(2 * i)..], samples[i]);
        }

        return file;
    }

    /// <summary>Appends a μ-law WAV to <paramref name="writer"/>.</summary>
    public static void WriteMuLaw(IBufferWriter<byte> writer, ReadOnlySpan<byte> muLaw, int sampleRate) =>
        WriteG711(writer, muLaw, sampleRate, FormatMuLaw);

    /// <summary>Appends an A-law WAV to <paramref name="writer"/>.</summary>
    public static void WriteALaw(IBufferWriter<byte> writer, ReadOnlySpan<byte> aLaw, int sampleRate) =>
        WriteG711(writer, aLaw, sampleRate, FormatALaw);

    /// <summary>
    /// Writes the <see cref="G711HeaderSize"/>-byte header of a μ-law WAV holding <paramref name="sampleCount"/> codes.
    /// The codes follow it; an odd count needs one zero pad byte after them (see <see cref="G711FileSize"/>).
    /// </summary>
    public static void WriteMuLawHeader(Span<byte> destination, int sampleCount, int sampleRate) =>
        WriteG711Header(destination, sampleCount, sampleRate, FormatMuLaw);

    /// <summary>Writes the <see cref="G711HeaderSize"/>-byte header of an A-law WAV.</summary>
    public static void WriteALawHeader(Span<byte> destination, int sampleCount, int sampleRate) =>
        WriteG711Header(destination, sampleCount, sampleRate, FormatALaw);

    /// <summary>Writes the <see cref="Pcm16HeaderSize"/>-byte header of a 16-bit PCM mono WAV.</summary>
    public static void WritePcm16Header(Span<byte> destination, int sampleCount, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Pcm16HeaderSize, nameof(destination));
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        int dataBytes = checked(2 * sampleCount);
        WriteRiff(destination, checked(Pcm16HeaderSize - 8 + dataBytes));
        WriteFormat(destination[12..], FormatPcm, sampleRate, bytesPerSample: 2, extraSize: false);
        WriteChunkHeader(destination[36..], "data"u8, dataBytes);
    }

    private static byte[] WriteG711(ReadOnlySpan<byte> codes, int sampleRate, ushort tag)
    {
        byte[] file = new byte[G711FileSize(codes.Length)];
        WriteG711Header(file, codes.Length, sampleRate, tag);
        codes.CopyTo(file.AsSpan(G711HeaderSize));
        return file;
    }

    private static void WriteG711(IBufferWriter<byte> writer, ReadOnlySpan<byte> codes, int sampleRate, ushort tag)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int size = G711FileSize(codes.Length);
        Span<byte> file = writer.GetSpan(size)[..size];
        WriteG711Header(file, codes.Length, sampleRate, tag);
        codes.CopyTo(file[G711HeaderSize..]);
        if ((codes.Length & 1) == 1)
        {
            file[^1] = 0;   // GetSpan may hand back used memory
        }

        writer.Advance(size);
    }

    private static void WriteG711Header(Span<byte> destination, int sampleCount, int sampleRate, ushort tag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, G711HeaderSize, nameof(destination));
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        WriteRiff(destination, checked(G711FileSize(sampleCount) - 8));
        WriteFormat(destination[12..], tag, sampleRate, bytesPerSample: 1, extraSize: true);
        // Non-PCM WAV carries a fact chunk with the sample count (Microsoft's RIFF spec); some readers insist on it.
        WriteChunkHeader(destination[38..], "fact"u8, 4);
        BinaryPrimitives.WriteInt32LittleEndian(destination[46..], sampleCount);
        WriteChunkHeader(destination[50..], "data"u8, sampleCount);
    }

    private static void WriteRiff(Span<byte> destination, int riffSize)
    {
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], riffSize);
        "WAVE"u8.CopyTo(destination[8..]);
    }

    // 'fmt ' for mono; non-PCM formats carry cbSize = 0, making the chunk 18 bytes.
    private static void WriteFormat(Span<byte> destination, ushort tag, int sampleRate, int bytesPerSample, bool extraSize)
    {
        WriteChunkHeader(destination, "fmt "u8, extraSize ? 18 : 16);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], tag);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], checked(sampleRate * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], (ushort)bytesPerSample);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], (ushort)(8 * bytesPerSample));
        if (extraSize)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[24..], 0);
        }
    }

    private static void WriteChunkHeader(Span<byte> destination, ReadOnlySpan<byte> id, int size)
    {
        id.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], size);
    }
}
