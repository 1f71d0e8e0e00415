using System.Buffers.Binary;
using System.Runtime.InteropServices;
using IvrVoice.Audio.Tests.Wav;

namespace IvrVoice.Audio.Tests.Decoding;

/// <summary>
/// Seeded mutations of valid WAVs and random raw bodies: whatever the bytes, the decoder either returns finite
/// mono audio or throws <see cref="AudioFormatException"/>; nothing else.
/// </summary>
public sealed class AudioDecoderMutationTests
{
    private const int Iterations = 120_000;

    private static readonly AudioDecodeLimits Tight = new() { MaxInputBytes = 200, MaxDuration = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public void Decode_MutatedAndRandomInputs_OnlyEverThrowAudioFormatException()
    {
        byte[][] seeds = Seeds();
        Random random = new(20260611);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input;
            RawPcmFormat? raw = null;
            int strategy = i % 8;
            if (strategy == 7)
            {
                input = new byte[random.Next(0, 64)];
                random.NextBytes(input);
                raw = RandomRawFormat(random);
            }
            else
            {
                input = Mutate(seeds[random.Next(seeds.Length)], strategy, random);
                raw = random.Next(4) == 0 ? RandomRawFormat(random) : null;
            }

            AudioDecodeLimits? limits = random.Next(10) == 0 ? Tight : null;
            try
            {
                bool located = AudioDecoder.TryLocatePcm16Mono(input, raw, out Range samples, out int locatedRate, limits);
                PcmAudio audio = AudioDecoder.Decode(input, raw, limits);
                if (located)
                {
                    // The in-place view and the decoded copy must agree sample for sample.
                    short[] view = MemoryMarshal.Cast<byte, short>(input.AsSpan()[samples]).ToArray();
                    Assert.True(locatedRate == audio.SampleRate && view.Select(v => (float)v).SequenceEqual(audio.Samples), $"iteration {i}: located view differs");
                }

                Assert.True(audio.SampleRate > 0 && audio.Samples.Length > 0, $"iteration {i}: empty success");
                foreach (float sample in audio.Samples)
                {
                    Assert.True(float.IsFinite(sample), $"iteration {i}: non-finite sample");
                }

                decoded++;
            }
            catch (AudioFormatException error)
            {
                Assert.False(string.IsNullOrWhiteSpace(error.Message), $"iteration {i}: error without a message");
                rejected++;
            }
            catch (Exception other)
            {
                Assert.Fail($"iteration {i} (strategy {strategy}, raw {raw}): {other.GetType().Name}: {other.Message}\ninput {Convert.ToHexString(input)}");
            }
        }

        // Both outcomes must be common, or the mutations are not reaching the parser's interesting paths.
        Assert.InRange(decoded, Iterations / 10, Iterations);
        Assert.InRange(rejected, Iterations / 10, Iterations);
    }

    private static byte[] Mutate(byte[] seed, int strategy, Random random)
    {
        byte[] bytes = (byte[])seed.Clone();
        switch (strategy)
        {
            case 0:   // bit flips
                for (int n = random.Next(1, 9); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:   // truncation
                return bytes[..random.Next(bytes.Length + 1)];
            case 2:   // insertion
            {
                byte[] inserted = new byte[random.Next(1, 12)];
                random.NextBytes(inserted);
                int at = random.Next(bytes.Length + 1);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            }

            case 3:   // a chunk's size field, wherever a chunk header sits
                WriteUInt32(bytes, ChunkSizeOffsets(bytes, random), InterestingSize(random, bytes.Length));
                return bytes;
            case 4:   // a 'fmt ' field: tag, channels, rate, byte rate, block align, bits, cbSize, valid bits, GUID
            {
                int fmt = IndexOf(bytes, "fmt "u8);
                if (fmt < 0)
                {
                    return bytes;
                }

                int field = fmt + 8 + (2 * random.Next(20));
                if (field + 2 <= bytes.Length)
                {
                    ushort value = random.Next(3) switch { 0 => 0, 1 => 0xFFFF, _ => (ushort)random.Next(65536) };
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(field), value);
                }

                return bytes;
            }

            case 5:   // the RIFF size or magic
                if (random.Next(2) == 0)
                {
                    WriteUInt32(bytes, 4, InterestingSize(random, bytes.Length));
                }
                else
                {
                    bytes[random.Next(12)] = (byte)random.Next(256);
                }

                return bytes;
            default:  // random overwrite of a run of bytes
            {
                int at = random.Next(bytes.Length);
                int length = Math.Min(random.Next(1, 16), bytes.Length - at);
                random.NextBytes(bytes.AsSpan(at, length));
                return bytes;
            }
        }
    }

    private static int ChunkSizeOffsets(byte[] bytes, Random random)
    {
        List<int> offsets = [4];
        for (int i = 12; i + 8 <= bytes.Length; i++)
        {
            if (bytes.AsSpan(i, 4).SequenceEqual("fmt "u8) || bytes.AsSpan(i, 4).SequenceEqual("data"u8)
                || bytes.AsSpan(i, 4).SequenceEqual("LIST"u8) || bytes.AsSpan(i, 4).SequenceEqual("fact"u8) || bytes.AsSpan(i, 4).SequenceEqual("ds64"u8))
            {
                offsets.Add(i + 4);
            }
        }

        return offsets[random.Next(offsets.Count)];
    }

    private static uint InterestingSize(Random random, int length) => random.Next(8) switch
    {
        0 => 0,
        1 => 0xFFFFFFFF,
        2 => 0x7FFFFFFF,
        3 => 0x80000000,
        4 => (uint)Math.Max(0, length + random.Next(-16, 16)),
        5 => (uint)random.Next(0, 64),
        _ => (uint)random.NextInt64(0, 1L << 32),
    };

    private static RawPcmFormat RandomRawFormat(Random random) => new(
        random.Next(6) switch { 0 => 0, 1 => -1, 2 => int.MaxValue, _ => random.Next(1, 200_000) },
        random.Next(6) switch { 0 => 0, 1 => -3, 2 => 70_000, _ => random.Next(1, 9) },
        (RawSampleEncoding)random.Next(-1, 7));

    private static void WriteUInt32(byte[] bytes, int offset, uint value)
    {
        if (offset + 4 <= bytes.Length)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);
        }
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> id) => bytes.AsSpan().IndexOf(id);

    private static byte[][] Seeds()
    {
        byte[] float32 = new byte[32];
        byte[] float64 = new byte[48];
        for (int i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(float32.AsSpan(4 * (i % 8)), (i - 3) / 4f);
            BinaryPrimitives.WriteDoubleLittleEndian(float64.AsSpan(8 * i), (i - 3) / 4.0);
        }

        byte[] ds64 = new byte[28];
        BinaryPrimitives.WriteInt64LittleEndian(ds64.AsSpan(8), 8);
        return
        [
            WavBuilder.MonoPcm16(24000, 0, 100, -100, 32767, -32768, 5, 6, 7),
            new WavBuilder().Chunk("LIST", "INFOISFT\u0003\0\0\0ab\0\0"u8).Format(1, 2, 48000, 24).Chunk("fact", [4, 0, 0, 0]).Data(new byte[24]).Build(),
            new WavBuilder().Format(3, 1, 16000, 32).Data(float32).Build(),
            new WavBuilder().Format(3, 2, 22050, 64).Data(float64).Build(),
            new WavBuilder().Format(7, 1, 8000, 8, withExtraSize: true).Chunk("fact", [9, 0, 0, 0]).Data([0, 1, 2, 0x7F, 0x80, 0xFF, 3, 4, 5]).Chunk("LIST", new byte[6]).Build(),
            new WavBuilder().Format(6, 1, 8000, 8).Data([0xD5, 0x55, 1, 2, 3]).Build(),
            new WavBuilder().ExtensibleFormat(1, 6, 44100, 16, 16).Data(new byte[48]).Build(),
            new WavBuilder { Magic = "RF64", RiffSize = 0xFFFFFFFF }.Chunk("ds64", ds64).Format(1, 1, 8000, 8).Data([1, 2, 3, 4, 5, 6, 7, 8], declaredSize: 0xFFFFFFFF).Build(),
            new WavBuilder { RiffSize = 0 }.Format(1, 1, 11025, 16).Data(WavBuilder.Pcm16(1, 2, 3), declaredSize: 0).Build(),
            [0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0, 1, 2, 3, 4],
            [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, 1, 2],
        ];
    }
}
