using System.Runtime.Intrinsics;
using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Resampling;

/// <summary>Every width of the 3:1 kernels against the scalar oracle, at every length up to several of the widest blocks.</summary>
public class Decimator3KernelsTests
{
    private const int Stride = 400;

    public static TheoryData<int> Lengths => [.. Enumerable.Range(0, 4 * 16 * 4 + 3)];   // 0 .. 259: partial, exact and +tail blocks

    [Theory, MemberData(nameof(Lengths))]
    public void ComputeVector512_AnyLength_EqualsScalarOracle(int length)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return;
        }

        AssertWidthEqualsOracle(length, Decimator3Kernels.ComputeVector512<float, FloatWriter>, 16);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ComputeVector256_AnyLength_EqualsScalarOracle(int length)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return;
        }

        AssertWidthEqualsOracle(length, Decimator3Kernels.ComputeVector256<float, FloatWriter>, 8);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ComputeVector128_AnyLength_EqualsScalarOracle(int length)
    {
        if (!Vector128.IsHardwareAccelerated)
        {
            return;
        }

        AssertWidthEqualsOracle(length, Decimator3Kernels.ComputeVector128<float, FloatWriter>, 4);
    }

    // The Vector256 kernel works in chunks of 513 blocks (4104 outputs) and cuts each into three stretches; the
    // Vector512 kernel cuts the whole call into three: lengths around and past a chunk, uneven thirds included.
    [Theory]
    [InlineData(4096)]
    [InlineData(4104)]
    [InlineData(4112)]
    [InlineData(8216)]
    [InlineData(12_347)]
    public void ComputeEveryWidth_LongerThanAChunk_EqualsScalarOracle(int length)
    {
        int stride = length + Decimator3Kernels.PhaseTaps + 8;
        if (Vector512.IsHardwareAccelerated)
        {
            AssertWidthEqualsOracle(length, Decimator3Kernels.ComputeVector512<float, FloatWriter>, 16, stride);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            AssertWidthEqualsOracle(length, Decimator3Kernels.ComputeVector256<float, FloatWriter>, 8, stride);
        }

        AssertWidthEqualsOracle(length, (phases, s, first, output) =>
        {
            Decimator3Kernels.Compute<float, FloatWriter>(phases, s, first, output);
            return output.Length;
        }, 1, stride);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Compute_AnyLength_EqualsScalarOracle(int length)
    {
        AssertWidthEqualsOracle(length, (phases, stride, first, output) =>
        {
            Decimator3Kernels.Compute<float, FloatWriter>(phases, stride, first, output);
            return output.Length;
        }, 1);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ComputeMuLaw_EveryWidthAnyLength_EqualsOracleThenExactG711(int length)
    {
        const int first = 3;
        float[] phases = SignalGenerator.RandomFloats(3 * Stride, seed: length + 7, amplitude: 40_000);
        float[] oracle = new float[length];
        Decimator3Kernels.ComputeScalar(phases, Stride, first, oracle);
        byte[] expected = Array.ConvertAll(oracle, G711.MuLawFromFloat);

        foreach ((bool accelerated, int block, MuLawKernel kernel) in new (bool, int, MuLawKernel)[]
        {
            (Vector512.IsHardwareAccelerated, 16, Decimator3Kernels.ComputeVector512<byte, MuLawWriter>),
            (Vector256.IsHardwareAccelerated, 8, Decimator3Kernels.ComputeVector256<byte, MuLawWriter>),
            (Vector128.IsHardwareAccelerated, 4, Decimator3Kernels.ComputeVector128<byte, MuLawWriter>),
            (true, 1, (p, s, f, o) => { Decimator3Kernels.Compute<byte, MuLawWriter>(p, s, f, o); return o.Length; }),
        })
        {
            if (!accelerated)
            {
                continue;
            }

            byte[] actual = new byte[length + 4];
            int done = kernel(phases, Stride, first, actual.AsSpan(0, length));
            Assert.Equal(length / block * block, done);
            Decimator3Kernels.ComputeScalar<byte, MuLawWriter>(phases, Stride, first + done, actual.AsSpan(done, length - done));
            Assert.Equal(expected, actual[..length]);
            Assert.Equal(new byte[4], actual[length..]);
        }
    }

    [Fact]
    public void MuLawWriter_EveryWidth_EqualsMuLawFromFloat()
    {
        List<float> values = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue, -0f, 0f, 1e-30f, -1e-30f];
        for (int i = -40_000; i <= 40_000; i++)
        {
            values.AddRange([i, i + 0.25f, i + 0.5f, i + 0.999f, i - 0.001f]);
        }

        float[] input = [.. values, .. SignalGenerator.RandomFloats(100_000, seed: 1, amplitude: 70_000)];
        input = input[..(input.Length / 16 * 16)];
        byte[] expected = Array.ConvertAll(input, G711.MuLawFromFloat);
        foreach (int width in new[] { 16, 8, 4, 1 })
        {
            byte[] actual = new byte[input.Length];
            for (int i = 0; i < input.Length; i += width)
            {
                switch (width)
                {
                    case 16: MuLawWriter.Write(Vector512.Create(input.AsSpan(i, 16)), ref actual[0], (nuint)i); break;
                    case 8: MuLawWriter.Write(Vector256.Create(input.AsSpan(i, 8)), ref actual[0], (nuint)i); break;
                    case 4: MuLawWriter.Write(Vector128.Create(input.AsSpan(i, 4)), ref actual[0], (nuint)i); break;
                    default: MuLawWriter.Write(input[i], ref actual[0], (nuint)i); break;
                }
            }

            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Deinterleave_EveryWidthAndStartPhase_PutsSampleTAtPhaseTMod3(int startPhase)
    {
        for (int length = 0; length <= 200; length++)
        {
            short[] pcm = SignalGenerator.RandomPcm16(length, seed: length);
            float[] floats = SignalGenerator.ToFloat(pcm);
            int start = 30 + startPhase;
            float[] expected = new float[3 * Stride];
            for (int i = 0; i < length; i++)
            {
                expected[(((start + i) % 3) * Stride) + ((start + i) / 3)] = pcm[i];
            }

            float[] fromFloats = new float[3 * Stride];
            Decimator3Kernels.Deinterleave(floats, fromFloats, Stride, start);
            Assert.Equal(expected, fromFloats);
            float[] fromShorts = new float[3 * Stride];
            Decimator3Kernels.Deinterleave(pcm, fromShorts, Stride, start);
            Assert.Equal(expected, fromShorts);

            // Each width directly, from a phase-aligned start, against the same layout.
            int aligned = 30;
            float[] reference = new float[3 * Stride];
            for (int i = 0; i < length; i++)
            {
                reference[(((aligned + i) % 3) * Stride) + ((aligned + i) / 3)] = pcm[i];
            }

            foreach ((bool accelerated, int group, Func<float[], int> floatKernel, Func<float[], int> shortKernel) in new (bool, int, Func<float[], int>, Func<float[], int>)[]
            {
                (Vector512.IsHardwareAccelerated, 48, p => Decimator3Kernels.DeinterleaveVector512(floats, p, Stride, aligned / 3), p => Decimator3Kernels.DeinterleaveVector512(pcm, p, Stride, aligned / 3)),
                (Vector256.IsHardwareAccelerated, 24, p => Decimator3Kernels.DeinterleaveVector256(floats, p, Stride, aligned / 3), p => Decimator3Kernels.DeinterleaveVector256(pcm, p, Stride, aligned / 3)),
                (Vector128.IsHardwareAccelerated, 12, p => Decimator3Kernels.DeinterleaveVector128(floats, p, Stride, aligned / 3), p => Decimator3Kernels.DeinterleaveVector128(pcm, p, Stride, aligned / 3)),
            })
            {
                if (!accelerated)
                {
                    continue;
                }

                foreach (Func<float[], int> kernel in new[] { floatKernel, shortKernel })
                {
                    float[] actual = new float[3 * Stride];
                    int consumed = kernel(actual);
                    Assert.Equal(length / group * group, consumed);
                    float[] expectedPart = new float[3 * Stride];
                    for (int i = 0; i < consumed; i++)
                    {
                        expectedPart[(((aligned + i) % 3) * Stride) + ((aligned + i) / 3)] = reference[(((aligned + i) % 3) * Stride) + ((aligned + i) / 3)];
                    }

                    Assert.Equal(expectedPart, actual);
                }
            }
        }
    }

    [Fact]
    public void Taps_EmbeddedTable_IsTheDesignRoundedToFloat()
    {
        double[] design = DecimatorTapDesign.Design();
        ReadOnlySpan<float> taps = Decimator3Kernels.Taps;

        Assert.Equal(Decimator3Kernels.TapCount, taps.Length);
        Assert.Equal(0f, taps[^1]);
        for (int k = 0; k < design.Length; k++)
        {
            Assert.True(Math.Abs(taps[k] - design[k]) <= 1e-7, $"tap {k}: table {taps[k]:R}, design {design[k]:R}");
            Assert.Equal(taps[k], taps[design.Length - 1 - k]);   // linear phase
        }

        double sum = 0;
        foreach (float tap in taps)
        {
            sum += tap;
        }

        Assert.InRange(sum, 1 - 1e-6, 1 + 1e-6);
        Assert.Equal(Decimator3Kernels.Delay, (design.Length - 1) / 2);
    }

    private delegate int MuLawKernel(ReadOnlySpan<float> phases, int stride, int first, Span<byte> output);

    private delegate int Kernel(ReadOnlySpan<float> phases, int stride, int first, Span<float> output);

    private static void AssertWidthEqualsOracle(int length, Kernel kernel, int block, int stride = Stride)
    {
        // Random phase data; outputs start at an odd offset so the loads are unaligned.
        const int first = 5;
        float[] phases = SignalGenerator.RandomFloats(3 * stride, seed: length + 1);
        float[] expected = new float[length];
        Decimator3Kernels.ComputeScalar(phases, stride, first, expected);

        float[] actual = new float[length + 8];
        Array.Fill(actual, float.NaN);   // the 8 past `length` are a canary
        int done = kernel(phases, stride, first, actual.AsSpan(0, length));
        Assert.Equal(length / block * block, done);
        Decimator3Kernels.ComputeScalar(phases, stride, first + done, actual.AsSpan(done, length - done));

        ResamplerStreamingTests.AssertBitsEqual(expected, actual[..length]);
        Assert.All(actual[length..], v => Assert.True(float.IsNaN(v)));
    }
}
