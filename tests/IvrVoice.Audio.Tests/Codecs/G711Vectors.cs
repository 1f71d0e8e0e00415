using System.Buffers.Binary;
using System.IO.Compression;

namespace IvrVoice.Audio.Tests.Codecs;

/// <summary>The reference G.711 vectors written by scripts/gen-g711-vectors.py from Python's audioop.</summary>
internal static class G711Vectors
{
    private static readonly Lazy<G711VectorSet> Loaded = new(Load);

    public static G711VectorSet Reference => Loaded.Value;

    private static G711VectorSet Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "g711-audioop.bin.gz");
        using FileStream file = File.OpenRead(path);
        using GZipStream gzip = new(file, CompressionMode.Decompress);
        using MemoryStream payload = new();
        gzip.CopyTo(payload);
        byte[] bytes = payload.ToArray();
        Assert.Equal((2 * 65536) + (2 * 512), bytes.Length);

        short[] DecodeTable(int offset)
        {
            short[] table = new short[256];
            for (int i = 0; i < 256; i++)
            {
                table[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset + (2 * i)));
            }

            return table;
        }

        return new G711VectorSet(bytes[..65536], bytes[65536..131072], DecodeTable(131072), DecodeTable(131072 + 512));
    }
}

/// <summary>Codes indexed by sample + 32768, and decoded values indexed by code.</summary>
internal sealed record G711VectorSet(byte[] MuLawOf, byte[] ALawOf, short[] MuLawDecoded, short[] ALawDecoded)
{
    public byte MuLaw(int sample) => MuLawOf[sample + 32768];

    public byte ALaw(int sample) => ALawOf[sample + 32768];
}
