using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Analysis;

public sealed class AudioAnalysisTests
{
    private const int Rate = 16_000;

    [Fact]
    public void Analyze_FullScaleSine_RmsIsMinus3AndPeakIs0AndAllActive()
    {
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(SignalGenerator.Sine(Rate, 1000, Rate, 32767), Rate));

        Assert.InRange(stats.PeakDbfs, -0.01, 0.0);
        Assert.InRange(stats.RmsDbfs, -3.02, -3.00);
        // A continuous tone is active throughout, except the ~25 ms the meter's 30 ms envelope takes to rise.
        Assert.InRange(stats.ActiveSpeechSeconds, 0.96, 1.0);
        Assert.InRange(stats.ActiveLevelDbfs, stats.RmsDbfs, stats.RmsDbfs + 0.18);
    }

    [Fact]
    public void Analyze_DigitalSilence_AllSilent()
    {
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(new float[Rate], Rate));

        Assert.Equal(double.NegativeInfinity, stats.RmsDbfs);
        Assert.Equal(double.NegativeInfinity, stats.PeakDbfs);
        Assert.Equal(double.NegativeInfinity, stats.ActiveLevelDbfs);
        Assert.Equal(0, stats.ActiveSpeechSeconds);
        Assert.Equal(stats.Duration, stats.LeadingSilence);
        Assert.Equal(stats.Duration, stats.TrailingSilence);
    }

    [Fact]
    public void Analyze_Empty_ReportsNothing()
    {
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio([], Rate));

        Assert.Equal(TimeSpan.Zero, stats.Duration);
        Assert.Equal(0, stats.ClippedSampleRatio);
        Assert.Equal(double.NegativeInfinity, stats.ActiveLevelDbfs);
    }

    [Fact]
    public void Analyze_HardClippedSquare_ReportsClipping()
    {
        float[] square = [.. Enumerable.Range(0, Rate).Select(i => (i / 40 % 2 == 0) ? 32767f : -32768f)];

        Assert.True(AudioAnalysis.Analyze(new PcmAudio(square, Rate)).ClippedSampleRatio > 0.99);
    }

    [Fact]
    public void Analyze_ClippingBakedIntoMuLaw_CountsAsClipped()
    {
        // μ-law's largest code decodes to ±32124: a clipped μ-law prompt never reaches 32767.
        float[] decoded = [.. Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? 32124f : -32124f)];

        Assert.Equal(1.0, AudioAnalysis.Analyze(new PcmAudio(decoded, 8000)).ClippedSampleRatio);
    }

    [Fact]
    public void Analyze_ToneBetweenSilences_MeasuresEndSilenceAndP56Activity()
    {
        float[] signal = [.. new float[Rate / 2], .. SignalGenerator.Sine(Rate, 500, Rate, 8000), .. new float[Rate / 4]];
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(signal, Rate));

        Assert.InRange(stats.LeadingSilence.TotalSeconds, 0.49, 0.51);
        Assert.InRange(stats.TrailingSilence.TotalSeconds, 0.24, 0.26);
        // P.56 counts the tone, the envelope's decay and 200 ms of hangover as active: 1.0–1.3 s. The active level is
        // the tone's RMS (20 log10(8000 / sqrt 2 / 32768) = -15.27 dB) spread over that time.
        Assert.InRange(stats.ActiveSpeechSeconds, 1.0, 1.3);
        Assert.InRange(stats.ActiveLevelDbfs, -15.27 - (10 * Math.Log10(1.3)), -15.27);
        Assert.InRange(stats.ActiveLevelDbfs, -15.27 - (10 * Math.Log10(stats.ActiveSpeechSeconds)) - 0.05, -15.27 - (10 * Math.Log10(stats.ActiveSpeechSeconds)) + 0.05);
    }

    [Fact]
    public void Analyze_BurstsWithLongPauses_ActiveLevelIgnoresThePauses()
    {
        // 300 ms on, 700 ms off, five times: the RMS falls with the pauses, the active level does not.
        float[] burst = SignalGenerator.Sine(Rate * 3 / 10, 700, Rate, 6000);
        float[] signal = [.. Enumerable.Range(0, 5).SelectMany(_ => burst.Concat(new float[Rate * 7 / 10]))];
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(signal, Rate));

        double toneRms = 20 * Math.Log10(6000 / Math.Sqrt(2) / 32768);
        Assert.InRange(stats.RmsDbfs, toneRms - 5.24, toneRms - 5.22);        // 10 log10(0.3) = -5.23
        // Active: each 300 ms burst plus at most 300 ms of envelope decay and hangover, never the rest of the pause.
        Assert.InRange(stats.ActiveLevelDbfs, toneRms - 3.02, toneRms);
    }

    [Theory]
    [InlineData(6.0)]
    [InlineData(-20.0)]
    public void Analyze_ScaledSpeech_ActiveLevelMovesByTheGain(double gainDb)
    {
        float[] speech = SignalGenerator.SpeechLike(Rate * 2, Rate, seed: 4, peak: 12000);
        float gain = (float)Math.Pow(10, gainDb / 20);
        double before = AudioAnalysis.Analyze(new PcmAudio(speech, Rate)).ActiveLevelDbfs;
        double after = AudioAnalysis.Analyze(new PcmAudio([.. speech.Select(s => s * gain)], Rate)).ActiveLevelDbfs;

        Assert.InRange(after - before, gainDb - 0.1, gainDb + 0.1);
    }

    [Theory]
    [InlineData(8000, 1)]
    [InlineData(16_000, 2)]
    [InlineData(44_100, 3)]
    public void Analyze_SpeechAndBursts_ActiveLevelMatchesAPlainTranscriptionOfP56(int rate, int seed)
    {
        float[] speech = SignalGenerator.SpeechLike(rate * 2, rate, seed, peak: 9000);
        float[] bursts = [.. Enumerable.Range(0, 4).SelectMany(k => SignalGenerator.Sine(rate / 5, 300 + (200 * k), rate, 3000 * (k + 1)).Concat(new float[rate / 3]))];
        foreach (float[] signal in new[] { speech, bursts })
        {
            (double level, double activity) = P56Oracle.Measure(signal, rate);
            AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(signal, rate));
            Assert.InRange(stats.ActiveLevelDbfs, level - SpeechLevelMeterTests.LevelToleranceDb, level + SpeechLevelMeterTests.LevelToleranceDb);
            Assert.InRange(stats.ActiveSpeechSeconds, (activity * signal.Length / rate) - SpeechLevelMeterTests.ActiveToleranceSeconds,
                (activity * signal.Length / rate) + SpeechLevelMeterTests.ActiveToleranceSeconds);
        }
    }

    // The meter runs its envelope recursions as 32 parts of each 2048-sample block side by side, in single precision, and
    // corrects each part for the state it started from (docs/audio.md): over a minute of speech, hundreds of blocks, its
    // level and activity stay within the stated tolerance of the sample-by-sample transcription, as on the short signals above.
    [Fact]
    public void Analyze_MinuteOfSpeech_BlockwiseEnvelopeMatchesThePlainTranscription()
    {
        const int rate = 8000;
        float[] speech = SignalGenerator.SpeechLike(rate * 60, rate, seed: 4, peak: 12_000);
        (double level, double activity) = P56Oracle.Measure(speech, rate);
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(speech, rate));
        Assert.InRange(stats.ActiveLevelDbfs, level - SpeechLevelMeterTests.LevelToleranceDb, level + SpeechLevelMeterTests.LevelToleranceDb);
        Assert.InRange(stats.ActiveSpeechSeconds, (activity * 60) - SpeechLevelMeterTests.ActiveToleranceSeconds, (activity * 60) + SpeechLevelMeterTests.ActiveToleranceSeconds);
    }

    // The sound bounds must not depend on the machine: the frame energy is defined as eight running sums of x² over whole
    // groups of eight (sum l takes samples 8m + l), sums l and l + 4 added, then those pairwise, then the rest in order, all
    // in double precision; every width (Vector512, Vector256, software) must give exactly that.
    [Theory]
    [InlineData(80)]
    [InlineData(83)]
    [InlineData(7)]
    [InlineData(441)]
    public void FrameEnergy_AnyLength_EqualsTheDefinedSumOrderBitForBit(int length)
    {
        float[] x = SignalGenerator.RandomFloats(length, length, 30000);
        double[] sums = new double[8];
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                sums[lane] += (double)x[i + lane] * x[i + lane];
            }
        }

        double expected = ((sums[0] + sums[4]) + (sums[1] + sums[5])) + ((sums[2] + sums[6]) + (sums[3] + sums[7]));
        for (; i < length; i++)
        {
            expected += (double)x[i] * x[i];
        }

        Assert.Equal(expected, AudioAnalysis.FrameEnergy(x));
    }

    public static TheoryData<string> SoundLayouts => ["silence", "all sound", "middle burst", "last partial frame", "first sample", "NaN", "two bursts", "empty", "under a frame"];

    // FindSound scans from each end; the reference measures every 10 ms frame and keeps the first and last with sound.
    [Theory, MemberData(nameof(SoundLayouts))]
    public void FindSound_AnyLayout_SameBoundsAsEveryFrameMeasured(string layout)
    {
        const int rate = 8000, frame = 80;
        int length = layout switch { "empty" => 0, "under a frame" => 50, _ => (37 * frame) + 13 };
        float[] x = SignalGenerator.RandomFloats(length, seed: 5, amplitude: 3);   // faint noise, under the threshold
        float[] loud = SignalGenerator.RandomFloats(x.Length, seed: 6, amplitude: 20000);
        void Loud(int from, int to) => loud.AsSpan(from, to - from).CopyTo(x.AsSpan(from));
        switch (layout)
        {
            case "silence": Array.Clear(x); break;
            case "all sound": Loud(0, x.Length); break;
            case "middle burst": Loud(10 * frame + 17, 20 * frame + 3); break;
            case "last partial frame": Loud(x.Length - 5, x.Length); break;
            case "first sample": x[0] = 30000; break;
            case "NaN": Loud(5 * frame, 9 * frame); x[7 * frame] = float.NaN; x[30 * frame] = float.NaN; break;
            case "empty": break;
            case "under a frame": Loud(20, 30); break;
            default: Loud(2 * frame, 3 * frame); Loud(33 * frame, 34 * frame + 40); break;
        }

        const double level = -30;
        double[] energies = new double[(x.Length + frame - 1) / frame];
        for (int f = 0; f < energies.Length; f++)
        {
            energies[f] = AudioAnalysis.FrameEnergy(x.AsSpan(f * frame, Math.Min(frame, x.Length - (f * frame))));
        }

        (int start, int end) = AudioAnalysis.FindSound(x, rate, level);

        Assert.Equal(AudioAnalysis.SoundBounds(energies, frame, x.Length, level), (start, end));
        Assert.Equal(layout is "silence" or "empty", end <= start);
    }
}
