using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Resampling;

public class ResamplerStreamingTests
{
    public static TheoryData<int, int> Pairs => new()
    {
        { 24_000, 8_000 }, { 44_100, 8_000 }, { 16_000, 8_000 }, { 11_025, 8_000 }, { 48_000, 8_000 },
        { 8_000, 16_000 }, { 8_000, 24_000 }, { 8_000, 8_000 },
    };

    public static TheoryData<int, int, int> PairsAndChunks()
    {
        TheoryData<int, int, int> data = [];
        foreach (int chunk in new[] { 1, 2, 3, 7, 47, 480, 4099 })
        {
            data.Add(24_000, 8_000, chunk);
            data.Add(44_100, 8_000, chunk);
            data.Add(8_000, 16_000, chunk);
        }

        data.Add(16_000, 8_000, 321);
        data.Add(48_000, 8_000, 1001);
        data.Add(11_025, 8_000, 97);
        data.Add(8_000, 8_000, 5);
        return data;
    }

    [Theory, MemberData(nameof(PairsAndChunks))]
    public void Process_AnyChunkSize_EqualsOneShotBitForBit(int inputRate, int outputRate, int chunk)
    {
        float[] input = SignalGenerator.RandomFloats((inputRate / 3) + 17, seed: chunk);
        float[] expected = Resampler.Resample(input, inputRate, outputRate);

        Resampler sut = Resampler.Create(inputRate, outputRate);
        List<float> actual = [];
        for (int start = 0; start < input.Length; start += chunk)
        {
            ReadOnlySpan<float> piece = input.AsSpan(start, Math.Min(chunk, input.Length - start));
            float[] output = new float[sut.GetOutputLength(piece.Length)];
            Assert.Equal(output.Length, sut.Process(piece, output));
            actual.AddRange(output);
        }

        float[] tail = new float[sut.GetFlushLength()];
        Assert.Equal(tail.Length, sut.Flush(tail));
        actual.AddRange(tail);

        AssertBitsEqual(expected, [.. actual]);
    }

    [Fact]
    public void Process_RandomChunkSizesOfInt16_EqualsOneShotAndFloatInput()
    {
        short[] input = SignalGenerator.RandomPcm16(50_000, seed: 3);
        float[] expected = Resampler.Resample(SignalGenerator.ToFloat(input), 24_000);
        Random random = new(9);
        Resampler sut = Resampler.Create(24_000);
        float[] actual = new float[expected.Length];
        int written = 0;
        for (int start = 0; start < input.Length;)
        {
            int size = Math.Min(random.Next(0, 3000), input.Length - start);
            written += sut.Process(input.AsSpan(start, size), actual.AsSpan(written));
            start += size;
        }

        written += sut.Flush(actual.AsSpan(written));
        Assert.Equal(expected.Length, written);
        AssertBitsEqual(expected, actual);
    }

    [Theory]
    [InlineData(24_000, 1)]
    [InlineData(24_000, 480)]
    [InlineData(44_100, 441)]
    [InlineData(22_050, 1000)]
    public void ProcessToMuLaw_Chunked_EqualsResampleThenExactG711(int inputRate, int chunk)
    {
        short[] input = SignalGenerator.ToPcm16(SignalGenerator.SpeechLike(inputRate / 2, inputRate, seed: 2));
        float[] resampled = Resampler.Resample(input, inputRate);
        byte[] expected = new byte[resampled.Length];
        for (int i = 0; i < resampled.Length; i++)
        {
            expected[i] = G711.MuLawFromFloat(resampled[i]);
        }

        Resampler sut = Resampler.Create(inputRate);
        byte[] actual = new byte[expected.Length];
        int written = 0;
        for (int start = 0; start < input.Length; start += chunk)
        {
            written += sut.ProcessToMuLaw(input.AsSpan(start, Math.Min(chunk, input.Length - start)), actual.AsSpan(written));
        }

        written += sut.FlushToMuLaw(actual.AsSpan(written));
        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, actual);
        Assert.Equal(expected, Resampler.ResampleToMuLaw(SignalGenerator.ToFloat(input), inputRate));
    }

    [Fact]
    public void Process_SineIn20msFrames_HasNoDiscontinuityAtSeams()
    {
        // A 1 kHz tone fed as 480-sample frames must come out as the same clean tone at every frame boundary.
        float[] input = SignalGenerator.Sine(24_000, 1000, 24_000, 20_000);
        Resampler sut = Resampler.Create(24_000);
        float[] output = new float[8000];
        int written = 0;
        for (int start = 0; start < input.Length; start += 480)
        {
            written += sut.Process(input.AsSpan(start, 480), output.AsSpan(written));
        }

        written += sut.Flush(output.AsSpan(written));
        Assert.Equal(8000, written);
        // Within the passband ripple (1e-4 of full scale, -90 dB); a seam glitch would be orders of magnitude larger.
        for (int j = 100; j < 7900; j++)
        {
            double ideal = 20_000 * Math.Sin(2 * Math.PI * 1000 * j / 8000);
            Assert.True(Math.Abs(output[j] - ideal) < 3.3, $"sample {j} is {output[j]}, expected {ideal}");
        }
    }

    [Theory, MemberData(nameof(Pairs))]
    public void Resample_AnyLength_ReturnsCeilingOfLengthTimesRatio(int inputRate, int outputRate)
    {
        foreach (int length in new[] { 0, 1, 2, 3, 4, 5, 100, 441, 1000, 9999 })
        {
            float[] output = Resampler.Resample(new float[length], inputRate, outputRate);
            Assert.Equal((long)Math.Ceiling((double)length * outputRate / inputRate), output.LongLength);
            Assert.Equal(output.LongLength, Resampler.GetTotalOutputLength(length, inputRate, outputRate));
        }
    }

    [Fact]
    public void Resample_Impulse_PeaksAtTheAlignedOutput()
    {
        // Output j is centred on input 3j: an impulse at input 300 peaks at output 100.
        float[] input = new float[900];
        input[300] = 30_000;
        float[] output = Resampler.Resample(input, 24_000);
        Assert.Equal(100, Array.IndexOf(output, output.Max()));
    }

    [Fact]
    public void Flush_ThenProcess_StartsAFreshStream()
    {
        float[] input = SignalGenerator.RandomFloats(5000, seed: 4);
        float[] expected = Resampler.Resample(input, 44_100);
        Resampler sut = Resampler.Create(44_100);
        for (int round = 0; round < 2; round++)
        {
            float[] output = new float[expected.Length];
            int written = sut.Process(input, output);
            written += sut.Flush(output.AsSpan(written));
            AssertBitsEqual(expected, output);
        }
    }

    [Fact]
    public void Process_OutputTooShort_ThrowsArgumentException()
    {
        Resampler sut = Resampler.Create(24_000);
        float[] input = new float[3000];
        int needed = sut.GetOutputLength(input.Length);
        Assert.Throws<ArgumentException>(() => sut.Process(input, new float[needed - 1]));
    }

    [Theory]
    [InlineData(0, 8000)]
    [InlineData(8000, 0)]
    [InlineData(500, 8000)]
    [InlineData(500_000, 8000)]
    [InlineData(44_100, 7_999)]
    public void Create_UnsupportedPair_ThrowsArgumentOutOfRange(int inputRate, int outputRate)
    {
        Assert.False(Resampler.IsSupported(inputRate, outputRate));
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Create(inputRate, outputRate));
    }

    [Fact]
    public void Process_SteadyState_DoesNotAllocate()
    {
        Resampler sut = Resampler.Create(24_000);
        short[] input = SignalGenerator.RandomPcm16(4800, seed: 1);
        float[] output = new float[2000];
        byte[] codes = new byte[2000];
        sut.Process(input, output);
        sut.ProcessToMuLaw(input, codes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            sut.Process(input, output);
            sut.ProcessToMuLaw(input, codes);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    internal static void AssertBitsEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"sample {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
