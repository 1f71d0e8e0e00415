using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Resampling;

/// <summary>Every width of the rational-path dot product against the scalar oracle.</summary>
public class PolyphaseKernelsTests
{
    public static TheoryData<int, int> Pairs => new() { { 44_100, 8_000 }, { 11_025, 8_000 }, { 16_000, 8_000 }, { 8_000, 16_000 }, { 8_000, 24_000 } };

    [Theory, MemberData(nameof(Pairs))]
    public void EveryWidth_AnyCount_EqualsScalarOracle(int inputRate, int outputRate)
    {
        PolyphaseFilterBank bank = PolyphaseFilterBank.Get(inputRate, outputRate);
        float[] input = SignalGenerator.RandomFloats(bank.TapsPerPhase + 600, seed: inputRate + outputRate);
        foreach (int count in new[] { 0, 1, 2, 3, 7, 16, 33, 100 })
        {
            float[] expected = Run(PolyphaseKernels.ComputeScalar, bank, input, count, out int expectedOffset, out int expectedPhase);
            foreach (Compute kernel in new Compute[]
            {
                PolyphaseKernels.ComputeVector512,
                PolyphaseKernels.ComputeVector256,
                PolyphaseKernels.ComputeVector128,
                PolyphaseKernels.Compute,
            })
            {
                float[] actual = Run(kernel, bank, input, count, out int offset, out int phase);
                ResamplerStreamingTests.AssertBitsEqual(expected, actual);
                Assert.Equal((expectedOffset, expectedPhase), (offset, phase));
            }
        }
    }

    [Theory, MemberData(nameof(Pairs))]
    public void FilterBank_EveryPhase_HasUnitDcGainAndZeroPadding(int inputRate, int outputRate)
    {
        PolyphaseFilterBank bank = PolyphaseFilterBank.Get(inputRate, outputRate);
        Assert.Equal(0, bank.TapsPerPhase % 16);
        for (int phase = 0; phase < bank.Interpolation; phase++)
        {
            ReadOnlySpan<float> row = bank.Taps.AsSpan(phase * bank.TapsPerPhase, bank.TapsPerPhase);
            double sum = 0;
            foreach (float tap in row)
            {
                sum += tap;
            }

            Assert.InRange(sum, 1 - 1e-6, 1 + 1e-6);
            Assert.Equal(0f, row[^1]);
        }
    }

    private delegate void Compute(PolyphaseFilterBank bank, ReadOnlySpan<float> input, ref int offset, ref int phase, Span<float> output);

    private static float[] Run(Compute kernel, PolyphaseFilterBank bank, float[] input, int count, out int offset, out int phase)
    {
        offset = 3;
        phase = bank.Interpolation / 3;
        float[] output = new float[count];
        kernel(bank, input, ref offset, ref phase, output);
        return output;
    }
}
