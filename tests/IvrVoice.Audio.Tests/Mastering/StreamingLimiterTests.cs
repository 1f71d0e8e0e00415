using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Mastering;

/// <summary>The streaming look-ahead limiter against the whole-signal one: the same samples whatever the chunking.</summary>
public sealed class StreamingLimiterTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 63)]
    [InlineData(3, 4096)]
    [InlineData(4, 0)]   // random chunk sizes
    public void Process_AnyChunking_EqualsLimit(int seed, int chunk)
    {
        const float ceiling = 8000;
        float[] x = SignalGenerator.RandomFloats(20_000, seed, amplitude: 4000);
        Random random = new(seed);
        for (int burst = 0; burst < 40; burst++)
        {
            int at = random.Next(x.Length);
            x[at] = (random.Next(2) == 0 ? -1 : 1) * (8000 + random.Next(20_000));
        }

        float[] expected = (float[])x.Clone();
        TelephonyMastering.Limit(expected, 8000, ceiling);
        StreamingLimiter limiter = new(8000, ceiling);
        float[] output = new float[x.Length + StreamingLimiter.LookAhead];
        List<float> streamed = [];
        for (int i = 0; i < x.Length;)
        {
            int n = Math.Min(x.Length - i, chunk > 0 ? chunk : random.Next(0, 300));
            int produced = limiter.Process(x.AsSpan(i, n), output);
            streamed.AddRange(output.AsSpan(0, produced).ToArray());
            i += n;
        }

        streamed.AddRange(output.AsSpan(0, limiter.Finish(output)).ToArray());

        Assert.Equal(expected, streamed);
        Assert.All(streamed, v => Assert.InRange(v, -ceiling, ceiling));
        Assert.Contains(streamed, v => Math.Abs(v) == ceiling);
    }
}
