using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IvrVoice.Audio.Codecs;

/// <summary>
/// ITU-T G.711 μ-law and A-law, bit-exact with the reference encoder (Sun's g711.c, which Python's
/// <c>audioop.lin2ulaw</c>/<c>lin2alaw</c> implement): the 16-bit input is shifted right to 14 bits (μ-law)
/// or 13 bits (A-law) with an arithmetic shift, so it truncates toward minus infinity, not rounds.
/// </summary>
/// <remarks>
/// The scalar <c>*Reference</c> methods are the oracle; the table and vector paths are tested equal to them.
/// For real-valued samples on the 16-bit scale the exact code is the reference code of the sample truncated
/// toward zero (floor(|y|) with y's sign), saturated to the int16 range, with NaN taken as 0.
/// </remarks>
public static partial class G711
{
    private const int MuLawBias = 0x84 >> 2;   // 33: the reference's bias on the 14-bit scale
    private const int MuLawMaxMagnitude = 0x1FFF;

    /// <summary>Reference μ-law encoder for one 16-bit sample.</summary>
    public static byte LinearToMuLaw(short sample)
    {
        int value = sample >> 2;                 // arithmetic: -1..-4 become -1, as in the reference
        int mask;
        if (value < 0)
        {
            value = -value;
            mask = 0x7F;
        }
        else
        {
            mask = 0xFF;
        }

        value += MuLawBias;
        if (value > MuLawMaxMagnitude)
        {
            return (byte)(0x7F ^ mask);
        }

        int segment = Segment(value >> 6);      // segment ends are 0x3F, 0x7F, ... 0x1FFF
        int code = (segment << 4) | ((value >> (segment + 1)) & 0x0F);
        return (byte)(code ^ mask);
    }

    /// <summary>Reference μ-law decoder.</summary>
    public static short MuLawToLinear(byte code)
    {
        int inverted = ~code & 0xFF;
        int magnitude = (((inverted & 0x0F) << 3) + 0x84) << ((inverted & 0x70) >> 4);
        return (short)((inverted & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84);
    }

    /// <summary>Reference A-law encoder for one 16-bit sample.</summary>
    public static byte LinearToALaw(short sample)
    {
        int value = sample >> 3;
        int mask;
        if (value >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            value = -value - 1;
        }

        // The 13-bit magnitude never exceeds 0xFFF, so the reference's out-of-range branch is unreachable here.
        int segment = Segment(value >> 5);      // segment ends are 0x1F, 0x3F, ... 0xFFF
        int code = (segment << 4) | ((segment < 2 ? value >> 1 : value >> segment) & 0x0F);
        return (byte)(code ^ mask);
    }

    /// <summary>Reference A-law decoder.</summary>
    public static short ALawToLinear(byte code)
    {
        int value = code ^ 0x55;
        int magnitude = (value & 0x0F) << 4;
        int segment = (value & 0x70) >> 4;
        magnitude = segment switch
        {
            0 => magnitude + 8,
            1 => magnitude + 0x108,
            _ => (magnitude + 0x108) << (segment - 1),
        };
        return (short)((value & 0x80) != 0 ? magnitude : -magnitude);
    }

    /// <summary>
    /// μ-law code of a real sample on the 16-bit scale: the reference code of the sample truncated toward zero,
    /// saturated to the int16 range; NaN encodes as 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte MuLawFromFloat(float sample) =>
        Unsafe.Add(ref TableStart(MuLawByQuarter), (TruncateToInt16(sample) >> 2) + 8192);

    /// <summary>A-law code of a real sample on the 16-bit scale, by the same rule as <see cref="MuLawFromFloat"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ALawFromFloat(float sample) =>
        Unsafe.Add(ref TableStart(ALawByEighth), (TruncateToInt16(sample) >> 3) + 4096);

    /// <summary>Table-driven μ-law encoder for one 16-bit sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte EncodeMuLaw(short sample) =>
        Unsafe.Add(ref TableStart(MuLawByQuarter), (sample >> 2) + 8192);

    /// <summary>Table-driven A-law encoder for one 16-bit sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte EncodeALaw(short sample) =>
        Unsafe.Add(ref TableStart(ALawByEighth), (sample >> 3) + 4096);

    // (int) of a float saturates and maps NaN to 0 on every platform since .NET 9, then the clamp brings it to int16.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TruncateToInt16(float sample) => Math.Clamp((int)sample, short.MinValue, short.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte TableStart(byte[] table) =>
        ref MemoryMarshal.GetArrayDataReference(table);

    // Index of the highest set bit plus one, for values below 256 (0 for 0): the reference's segment search.
    private static int Segment(int scaled) => scaled == 0 ? 0 : 32 - int.LeadingZeroCount(scaled);
}
