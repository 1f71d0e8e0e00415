using System.Numerics;
using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio.Tests.Codecs;

/// <summary>The bulk (table and vector) encoders and decoders against the scalar reference at every awkward length.</summary>
public sealed class G711BulkTests
{
    private const int Guard = 0xA5;

    // Every tail length of the widest block (four int vectors narrowed into one byte vector), and more.
    public static TheoryData<int> Lengths
    {
        get
        {
            TheoryData<int> lengths = [];
            for (int n = 0; n <= (4 * Vector<byte>.Count) + 3; n++)
            {
                lengths.Add(n);
            }

            lengths.Add(1000);
            lengths.Add(4099);
            return lengths;
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EncodeShorts_AnyLengthAndOffset_MatchesScalarReference(int length)
    {
        short[] samples = RandomShorts(length + 3, seed: length);
        for (int offset = 0; offset <= 3; offset++)
        {
            ReadOnlySpan<short> source = samples.AsSpan(offset, length);
            byte[] muLaw = Guarded(length + offset + 1);
            byte[] aLaw = Guarded(length + offset + 1);
            G711.EncodeMuLaw(source, muLaw.AsSpan(offset, length));
            G711.EncodeALaw(source, aLaw.AsSpan(offset, length));
            for (int i = 0; i < length; i++)
            {
                Assert.True(G711.LinearToMuLaw(source[i]) == muLaw[offset + i], $"μ-law [{i}] of {source[i]}, length {length}, offset {offset}");
                Assert.True(G711.LinearToALaw(source[i]) == aLaw[offset + i], $"A-law [{i}] of {source[i]}, length {length}, offset {offset}");
            }

            AssertGuardsIntact(muLaw, offset, length);
            AssertGuardsIntact(aLaw, offset, length);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EncodeFloats_AnyLengthAndOffset_MatchesScalarReferenceOfTruncation(int length)
    {
        float[] samples = RandomFloats(length + 3, seed: length);
        for (int offset = 0; offset <= 3; offset++)
        {
            ReadOnlySpan<float> source = samples.AsSpan(offset, length);
            byte[] muLaw = Guarded(length + offset + 1);
            byte[] aLaw = Guarded(length + offset + 1);
            G711.EncodeMuLaw(source, muLaw.AsSpan(offset, length));
            G711.EncodeALaw(source, aLaw.AsSpan(offset, length));
            for (int i = 0; i < length; i++)
            {
                short truncated = TruncateBySpec(source[i]);
                Assert.True(G711.LinearToMuLaw(truncated) == muLaw[offset + i], $"μ-law [{i}] of {source[i]}, length {length}, offset {offset}");
                Assert.True(G711.LinearToALaw(truncated) == aLaw[offset + i], $"A-law [{i}] of {source[i]}, length {length}, offset {offset}");
            }

            AssertGuardsIntact(muLaw, offset, length);
            AssertGuardsIntact(aLaw, offset, length);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Decode_AnyLengthAndOffset_MatchesScalarReference(int length)
    {
        byte[] codes = new byte[length + 3];
        new Random(length).NextBytes(codes);
        for (int offset = 0; offset <= 3; offset++)
        {
            short[] muLaw = new short[length + 1];
            short[] aLaw = new short[length + 1];
            muLaw[length] = aLaw[length] = 0x5A5A;
            G711.DecodeMuLaw(codes.AsSpan(offset, length), muLaw);
            G711.DecodeALaw(codes.AsSpan(offset, length), aLaw);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(G711.MuLawToLinear(codes[offset + i]), muLaw[i]);
                Assert.Equal(G711.ALawToLinear(codes[offset + i]), aLaw[i]);
            }

            Assert.Equal(0x5A5A, muLaw[length]);
            Assert.Equal(0x5A5A, aLaw[length]);
        }
    }

    [Fact]
    public void EncodeShorts_EveryInt16InOneCall_MatchesAudioop()
    {
        short[] every = new short[65536];
        for (int i = 0; i < every.Length; i++)
        {
            every[i] = (short)(i - 32768);
        }

        byte[] muLaw = new byte[every.Length];
        byte[] aLaw = new byte[every.Length];
        G711.EncodeMuLaw(every, muLaw);
        G711.EncodeALaw(every, aLaw);
        Assert.Equal(G711Vectors.Reference.MuLawOf, muLaw);
        Assert.Equal(G711Vectors.Reference.ALawOf, aLaw);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(-0.5f)]
    [InlineData(0.999f)]
    [InlineData(-0.999f)]
    public void EncodeFloats_EveryIntegerPlusFractionInOneCall_MatchesAudioopAtTruncation(float fraction)
    {
        float[] every = new float[65536];
        byte[] expectedMu = new byte[every.Length];
        byte[] expectedA = new byte[every.Length];
        for (int i = 0; i < every.Length; i++)
        {
            int n = i - 32768;
            // Add the fraction only where it moves away from zero, so truncation lands back on n.
            every[i] = n + (Math.Sign(fraction) == Math.Sign(n) || (n == 0 && fraction >= 0) ? fraction : 0f);
            expectedMu[i] = G711Vectors.Reference.MuLaw(n);
            expectedA[i] = G711Vectors.Reference.ALaw(n);
        }

        byte[] muLaw = new byte[every.Length];
        byte[] aLaw = new byte[every.Length];
        G711.EncodeMuLaw(every, muLaw);
        G711.EncodeALaw(every, aLaw);
        Assert.Equal(expectedMu, muLaw);
        Assert.Equal(expectedA, aLaw);
    }

    [Fact]
    public void EncodeFloats_SpecialValuesInEveryLane_MatchScalarRule()
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 32767.99f, -32768.99f, 1e9f, -1e9f, -0f, float.Epsilon, -1.5f];
        int length = (4 * Vector<byte>.Count) + specials.Length;
        for (int start = 0; start < length - specials.Length; start++)
        {
            float[] samples = new float[length];
            specials.CopyTo(samples, start);
            byte[] muLaw = new byte[length];
            byte[] aLaw = new byte[length];
            G711.EncodeMuLaw(samples, muLaw);
            G711.EncodeALaw(samples, aLaw);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(G711.LinearToMuLaw(TruncateBySpec(samples[i])), muLaw[i]);
                Assert.Equal(G711.LinearToALaw(TruncateBySpec(samples[i])), aLaw[i]);
            }
        }
    }

    [Fact]
    public void VectorPath_WhenAccelerated_IsTheOneInUse()
    {
        // The suite runs again with DOTNET_EnableHWIntrinsic=0 for the table path; here the vector path must be on.
        Assert.Equal(Vector.IsHardwareAccelerated, G711Vector.IsSupported);
    }

    [Fact]
    public void Encode_ShortDestination_Throws()
    {
        Assert.Throws<ArgumentException>(() => G711.EncodeMuLaw(new short[4], new byte[3]));
        Assert.Throws<ArgumentException>(() => G711.EncodeALaw(new float[4], new byte[3]));
        Assert.Throws<ArgumentException>(() => G711.DecodeMuLaw(new byte[4], new short[3]));
    }

    // The rule written out independently of the production code: truncate toward zero in double, saturate, NaN -> 0.
    private static short TruncateBySpec(float sample) =>
        float.IsNaN(sample) ? (short)0 : (short)Math.Clamp(Math.Truncate((double)sample), short.MinValue, short.MaxValue);

    private static short[] RandomShorts(int count, int seed)
    {
        Random random = new(seed);
        short[] samples = new short[count];
        for (int i = 0; i < count; i++)
        {
            samples[i] = (i % 7) switch
            {
                0 => short.MinValue,
                1 => short.MaxValue,
                2 => (short)random.Next(-40, 40),
                _ => (short)random.Next(short.MinValue, short.MaxValue + 1),
            };
        }

        return samples;
    }

    private static float[] RandomFloats(int count, int seed)
    {
        Random random = new(seed);
        float[] samples = new float[count];
        for (int i = 0; i < count; i++)
        {
            samples[i] = (i % 11) switch
            {
                0 => float.NaN,
                1 => random.Next(-32768, 32768) + 0.5f,
                2 => -random.Next(0, 32768) - 0.5f,
                3 => (float)((random.NextDouble() - 0.5) * 80000),   // beyond full scale both ways
                4 => random.Next(-8, 8) + 0.25f,
                _ => (float)((random.NextDouble() - 0.5) * 65536),
            };
        }

        return samples;
    }

    private static byte[] Guarded(int length)
    {
        byte[] buffer = new byte[length];
        Array.Fill(buffer, (byte)Guard);
        return buffer;
    }

    private static void AssertGuardsIntact(byte[] buffer, int offset, int length)
    {
        for (int i = 0; i < offset; i++)
        {
            Assert.Equal(Guard, buffer[i]);
        }

        Assert.Equal(Guard, buffer[offset + length]);
    }
}
