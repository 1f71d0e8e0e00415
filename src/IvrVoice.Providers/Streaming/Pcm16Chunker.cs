using System.Buffers.Binary;

namespace IvrVoice.Providers.Streaming;

/// <summary>
/// Turns little-endian 16-bit PCM bytes, split anywhere, into float chunks on the 16-bit scale: an odd byte at the end of
/// one piece waits for the next, so chunk boundaries never shift a sample.
/// </summary>
internal sealed class Pcm16Chunker
{
    private byte _carry;
    private bool _hasCarry;

    /// <summary>True when a lone byte is waiting: at the end of the stream that means the audio was cut mid-sample.</summary>
    public bool HasPartialSample => _hasCarry;

    /// <summary>The whole samples <paramref name="bytes"/> completes, possibly none (an empty array).</summary>
    public float[] Append(ReadOnlySpan<byte> bytes)
    {
        int total = bytes.Length + (_hasCarry ? 1 : 0);
        float[] samples = new float[total / 2];
        int at = 0;
        int i = 0;
        if (_hasCarry && bytes.Length > 0)
        {
            samples[at++] = (short)(_carry | (bytes[0] << 8));
            i = 1;
            _hasCarry = false;
        }

        for (; i + 1 < bytes.Length; i += 2)
        {
            samples[at++] = BinaryPrimitives.ReadInt16LittleEndian(bytes[i..]);
        }

        if (i < bytes.Length)
        {
            _carry = bytes[i];
            _hasCarry = true;
        }

        return samples;
    }
}
