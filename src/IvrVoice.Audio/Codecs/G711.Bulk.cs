using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IvrVoice.Audio.Codecs;

public static partial class G711
{
    // The reference code depends only on sample >> 2 (μ-law) or sample >> 3 (A-law), so 16 K and 8 K entries
    // cover every int16 and stay in L1.
    private static readonly byte[] MuLawByQuarter = BuildTable(8192, 2, LinearToMuLaw);
    private static readonly byte[] ALawByEighth = BuildTable(4096, 3, LinearToALaw);
    private static readonly short[] MuLawDecodeTable = BuildDecodeTable(MuLawToLinear);
    private static readonly short[] ALawDecodeTable = BuildDecodeTable(ALawToLinear);

    /// <summary>Encodes 16-bit samples to μ-law. <paramref name="destination"/> must be at least as long as the input.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void EncodeMuLaw(ReadOnlySpan<short> source, Span<byte> destination)
    {
        CheckDestination(source.Length, destination.Length);
        int done = G711Vector.IsSupported ? G711Vector.EncodeMuLaw(source, destination) : 0;
        ref byte table = ref MemoryMarshal.GetArrayDataReference(MuLawByQuarter);
        for (int i = done; i < source.Length; i++)
        {
            destination[i] = Unsafe.Add(ref table, (source[i] >> 2) + 8192);
        }
    }

    /// <summary>Encodes real samples on the 16-bit scale to μ-law by the rule of <see cref="MuLawFromFloat"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void EncodeMuLaw(ReadOnlySpan<float> source, Span<byte> destination)
    {
        CheckDestination(source.Length, destination.Length);
        int done = G711Vector.IsSupported ? G711Vector.EncodeMuLaw(source, destination) : 0;
        for (int i = done; i < source.Length; i++)
        {
            destination[i] = MuLawFromFloat(source[i]);
        }
    }

    /// <summary>Decodes μ-law codes to 16-bit samples.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void DecodeMuLaw(ReadOnlySpan<byte> source, Span<short> destination) =>
        Decode(source, destination, MuLawDecodeTable);

    /// <summary>Encodes 16-bit samples to A-law.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void EncodeALaw(ReadOnlySpan<short> source, Span<byte> destination)
    {
        CheckDestination(source.Length, destination.Length);
        int done = G711Vector.IsSupported ? G711Vector.EncodeALaw(source, destination) : 0;
        ref byte table = ref MemoryMarshal.GetArrayDataReference(ALawByEighth);
        for (int i = done; i < source.Length; i++)
        {
            destination[i] = Unsafe.Add(ref table, (source[i] >> 3) + 4096);
        }
    }

    /// <summary>Encodes real samples on the 16-bit scale to A-law by the rule of <see cref="ALawFromFloat"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void EncodeALaw(ReadOnlySpan<float> source, Span<byte> destination)
    {
        CheckDestination(source.Length, destination.Length);
        int done = G711Vector.IsSupported ? G711Vector.EncodeALaw(source, destination) : 0;
        for (int i = done; i < source.Length; i++)
        {
            destination[i] = ALawFromFloat(source[i]);
        }
    }

    /// <summary>Decodes A-law codes to 16-bit samples.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void DecodeALaw(ReadOnlySpan<byte> source, Span<short> destination) =>
        Decode(source, destination, ALawDecodeTable);

    /// <summary>Decodes one μ-law code through the 256-entry table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short DecodeMuLaw(byte code) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(MuLawDecodeTable), code);

    /// <summary>Decodes one A-law code through the 256-entry table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short DecodeALaw(byte code) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ALawDecodeTable), code);

    private static void Decode(ReadOnlySpan<byte> source, Span<short> destination, short[] table)
    {
        CheckDestination(source.Length, destination.Length);
        ref short entries = ref MemoryMarshal.GetArrayDataReference(table);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Unsafe.Add(ref entries, source[i]);
        }
    }

    private static void CheckDestination(int sourceLength, int destinationLength)
    {
        if (destinationLength < sourceLength)
        {
            ThrowDestinationTooShort();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDestinationTooShort() =>
        throw new ArgumentException("The destination is shorter than the source.", "destination");

    private static byte[] BuildTable(int half, int shift, Func<short, byte> reference)
    {
        byte[] table = new byte[2 * half];
        for (int reduced = -half; reduced < half; reduced++)
        {
            table[reduced + half] = reference((short)(reduced << shift));
        }

        return table;
    }

    private static short[] BuildDecodeTable(Func<byte, short> reference)
    {
        short[] table = new short[256];
        for (int code = 0; code < 256; code++)
        {
            table[code] = reference((byte)code);
        }

        return table;
    }
}
