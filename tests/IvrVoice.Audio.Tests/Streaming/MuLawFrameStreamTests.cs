using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Streaming;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Streaming;

public sealed class MuLawFrameStreamTests
{
    private const int Telephone = 8000;

    [Theory]
    [InlineData(24_000, 1)]
    [InlineData(24_000, 2)]
    [InlineData(22_050, 3)]
    [InlineData(16_000, 4)]
    [InlineData(48_000, 5)]
    [InlineData(44_100, 6)]
    public void ReadFrame_ChunksOfAnySizeWithoutLevelControl_EqualWholeRenderBitForBit(int rate, int seed)
    {
        float[] source = SignalGenerator.SpeechLike(rate * 3 / 2 + 17, rate, seed);
        byte[] whole = Transcoder.ToTelephony(new PcmAudio(source, rate), OutputFormat.RawMuLaw, MasteringOptions.Disabled);

        List<byte[]> frames = Stream(source, rate, null, seed);

        Assert.All(frames[..^1], frame => Assert.Equal(MuLawFrameStream.FrameBytes, frame.Length));
        Assert.InRange(frames[^1].Length, 1, MuLawFrameStream.FrameBytes);
        Assert.Equal(whole, frames.SelectMany(f => f).ToArray());
    }

    [Fact]
    public void ReadFrame_BeforeAWholeFrame_ReturnsNothingUntilComplete()
    {
        using MuLawFrameStream stream = new(24_000);
        stream.Write(SignalGenerator.Sine(300, 440, 24_000, 8000));   // 100 outputs: less than a frame
        byte[] frame = new byte[MuLawFrameStream.FrameBytes];

        Assert.Equal(0, stream.ReadFrame(frame));
        stream.Complete();
        Assert.Equal(100, stream.ReadFrame(frame));
        Assert.True(stream.IsFinished);
        Assert.Throws<InvalidOperationException>(() => stream.Write(new float[10]));
    }

    [Fact]
    public void Process_LoudPeaksWithTooMuchGain_NeverExceedTheCeiling()
    {
        StreamingLevelOptions options = new() { TypicalLevelDbfs = -40 };   // 14 dB of gain on a signal already near full scale
        float ceiling = (float)(32768 * Math.Pow(10, options.PeakCeilingDbfs / 20));
        float[] loud = [.. SignalGenerator.SpeechLike(Telephone * 4, Telephone, 7, peak: 32000),
            .. SignalGenerator.Sine(Telephone, 1000, Telephone, 32767), .. SignalGenerator.Dc(400, -32768), .. new float[800]];
        StreamingLevelControl control = new(Telephone, options);

        float[] output = Run(control, loud, seed: 3);

        Assert.Equal(loud.Length, output.Length);
        Assert.All(output, y => Assert.True(Math.Abs(y) <= ceiling, $"{y} is over the ceiling {ceiling}"));
        // After μ-law the decoded peak stays below full scale: nothing saturates.
        byte[] codes = new byte[output.Length];
        G711.EncodeMuLaw(output, codes);
        Assert.All(codes, code => Assert.True(Math.Abs((int)G711.DecodeMuLaw(code)) < 32124, "μ-law saturated"));
    }

    [Fact]
    public void Process_KnownTypicalLevel_LandsNearTheTarget()
    {
        float[] speech = AtLevel(SignalGenerator.SpeechLike(Telephone * 8, Telephone, 11, peak: 6000), -36);
        StreamingLevelControl control = new(Telephone, new StreamingLevelOptions { TypicalLevelDbfs = -36 });

        float[] output = Run(control, speech, seed: 5);

        Assert.InRange(ActiveLevel(output), -27, -25);
    }

    [Fact]
    public void Process_TypicalLevelFourDecibelsOff_TrackerCorrectsTowardTheTarget()
    {
        float[] speech = AtLevel(SignalGenerator.SpeechLike(Telephone * 12, Telephone, 13, peak: 6000), -36);
        StreamingLevelControl control = new(Telephone, new StreamingLevelOptions { TypicalLevelDbfs = -32 });   // starts 4 dB short

        float[] output = Run(control, speech, seed: 9);

        double first = ActiveLevel(output[..Telephone]);
        double last = ActiveLevel(output[^(Telephone * 4)..]);
        // The first second starts at -30 dBov (4 dB short) and climbs at most 3 dB/s; the end sits at the target.
        Assert.InRange(first, -30.5, -27);
        Assert.InRange(last, -27, -25);
        Assert.True(last > first + 0.5, $"first {first:0.00}, last {last:0.00}");
        Assert.InRange(control.CurrentGainDb, 9, 11);
    }

    [Fact]
    public void Process_Impulse_LeavesExactlyLatencySamplesLater()
    {
        StreamingLevelControl control = new(Telephone);
        float[] input = new float[400];
        input[100] = 1000;

        float[] output = Run(control, input, seed: 1);

        Assert.Equal(40, control.LatencySamples);   // 5 ms at 8 kHz
        Assert.Equal(100, Array.FindIndex(output, y => y != 0));
        Assert.Equal(1000, output[100]);
    }

    [Theory]
    [InlineData(nameof(StreamingLevelOptions.TargetLevelDbfs))]
    [InlineData(nameof(StreamingLevelOptions.PeakCeilingDbfs))]
    [InlineData(nameof(StreamingLevelOptions.LookAheadMilliseconds))]
    [InlineData(nameof(StreamingLevelOptions.TypicalLevelDbfs))]
    public void Constructor_SettingOutOfRange_NamesIt(string setting)
    {
        StreamingLevelOptions bad = setting switch
        {
            nameof(StreamingLevelOptions.TargetLevelDbfs) => new() { TargetLevelDbfs = 3 },
            nameof(StreamingLevelOptions.PeakCeilingDbfs) => new() { PeakCeilingDbfs = -40 },
            nameof(StreamingLevelOptions.LookAheadMilliseconds) => new() { LookAheadMilliseconds = 100 },
            _ => new() { TypicalLevelDbfs = 10 },
        };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingLevelControl(Telephone, bad));
        Assert.Equal(setting, error.ParamName);
    }

    // Feeds the source in pseudo-random chunk sizes (1 sample up to a second) and reads every frame as it becomes ready.
    private static List<byte[]> Stream(float[] source, int rate, StreamingLevelOptions? level, int seed)
    {
        Random random = new(seed);
        using MuLawFrameStream stream = new(rate, level);
        List<byte[]> frames = [];
        byte[] frame = new byte[MuLawFrameStream.FrameBytes];
        for (int at = 0; at < source.Length;)
        {
            int size = Math.Min(source.Length - at, random.Next(4) switch { 0 => 1, 1 => random.Next(2, 64), 2 => random.Next(64, 4800), _ => rate });
            stream.Write(source.AsSpan(at, size));
            at += size;
            int length;
            while ((length = stream.ReadFrame(frame)) > 0)
            {
                frames.Add(frame[..length]);
            }
        }

        stream.Complete();
        int last;
        while ((last = stream.ReadFrame(frame)) > 0)
        {
            frames.Add(frame[..last]);
        }

        return frames;
    }

    private static float[] Run(StreamingLevelControl control, float[] input, int seed)
    {
        Random random = new(seed);
        List<float> output = [];
        for (int at = 0; at < input.Length;)
        {
            int size = Math.Min(input.Length - at, random.Next(1, 700));
            float[] chunk = new float[control.GetOutputLength(size)];
            Assert.Equal(chunk.Length, control.Process(input.AsSpan(at, size), chunk));
            output.AddRange(chunk);
            at += size;
        }

        float[] tail = new float[control.GetFlushLength()];
        control.Flush(tail);
        output.AddRange(tail);
        return [.. output];
    }

    private static double ActiveLevel(float[] samples) => AudioAnalysis.Analyze(new PcmAudio(samples, Telephone)).ActiveLevelDbfs;

    private static float[] AtLevel(float[] samples, double dbov)
    {
        double gain = Math.Pow(10, (dbov - ActiveLevel(samples)) / 20);
        return [.. samples.Select(s => (float)(s * gain))];
    }
}
