using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Mastering;

public sealed class TelephonyMasteringTests
{
    private const int Rate = 8_000;
    private static readonly MasteringOptions Defaults = MasteringOptions.Default;

    [Fact]
    public void Apply_Disabled_ReturnsInputUnchanged()
    {
        PcmAudio input = new(Tone(0.5, -30), Rate);
        Assert.Same(input, TelephonyMastering.Apply(input, MasteringOptions.Disabled));
    }

    [Fact]
    public void Apply_LongSilenceAroundSpeech_TrimsEachEndToThePad()
    {
        PcmAudio input = new(Concat(Silence(1.0), Tone(1.0, -30), Silence(2.0)), Rate);

        PcmAudio output = TelephonyMastering.Apply(input, Defaults);

        AudioStats stats = AudioAnalysis.Analyze(output);
        double pad = Defaults.PadMilliseconds / 1000.0;
        Assert.InRange(output.Duration.TotalSeconds, 1.0 + (2 * pad) - 0.011, 1.0 + (2 * pad) + 0.011);
        Assert.InRange(stats.LeadingSilence.TotalSeconds, pad - 0.011, pad + 0.011);
        Assert.InRange(stats.TrailingSilence.TotalSeconds, pad - 0.011, pad + 0.011);
    }

    [Fact]
    public void Apply_SpeechWithNoLeadingSilence_PadsWithZeros()
    {
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(Tone(1.0, -30), Rate), Defaults);

        int pad = Rate * Defaults.PadMilliseconds / 1000;
        Assert.Equal((Rate * 1.0) + (2 * pad), output.Samples.Length);
        Assert.All(output.Samples.Take(pad), s => Assert.Equal(0f, s));
        Assert.All(output.Samples.TakeLast(pad), s => Assert.Equal(0f, s));
        Assert.NotEqual(0f, output.Samples[pad + 10]);
    }

    [Fact]
    public void Apply_NoisyLeadIn_FadesInWhereTheTrimCuts()
    {
        // A -50 dBFS hiss for a second, then speech: the cut lands inside the hiss, which must start from zero, not with a step.
        float[] hiss = SignalGenerator.BandLimitedNoise(Rate, Rate, 300, 3000, 32768 * Math.Pow(10, -50 / 20.0), seed: 1);
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(Concat(hiss, Tone(1.0, -30)), Rate), Defaults);

        Assert.Equal(0f, output.Samples[0]);
        Assert.True(Math.Abs(output.Samples[1]) < Math.Abs(output.Samples[60]) + 1, "the first samples ramp up");
        Assert.InRange(AudioAnalysis.Analyze(output).LeadingSilence.TotalSeconds, 0.14, 0.16);
    }

    [Theory]
    [InlineData(-35.0)]
    [InlineData(-12.0)]
    public void Apply_QuietOrLoudTone_ReachesTargetLevel(double inputDbfs)
    {
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(Tone(1.0, inputDbfs), Rate), Defaults);

        Assert.InRange(AudioAnalysis.Analyze(output).ActiveLevelDbfs, Defaults.TargetLevelDbfs - 0.02, Defaults.TargetLevelDbfs + 0.02);
    }

    [Fact]
    public void Apply_SpeechLike_ReachesTargetLevelWithPeaksUnderTheCeiling()
    {
        float[] speech = SignalGenerator.SpeechLike(Rate * 3, Rate, seed: 8, peak: 3000);
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(speech, Rate), Defaults);

        AudioStats stats = AudioAnalysis.Analyze(output);
        Assert.InRange(stats.ActiveLevelDbfs, Defaults.TargetLevelDbfs - 0.1, Defaults.TargetLevelDbfs + 0.1);
        Assert.True(stats.PeakDbfs <= Defaults.PeakCeilingDbfs + 1e-6, $"peak {stats.PeakDbfs} dBFS");
    }

    [Fact]
    public void Apply_VeryQuietSpeech_GainCappedAtMaxGain()
    {
        // -55 dBov needs 29 dB to reach -26; the cap allows 24. The input already has its pads, so trimming keeps it whole.
        PcmAudio input = new(Concat(Silence(0.15), Tone(1.0, -55), Silence(0.15)), Rate);
        PcmAudio output = TelephonyMastering.Apply(input, Defaults);

        Assert.Equal(input.Samples.Length, output.Samples.Length);
        double expected = AudioAnalysis.Analyze(input).ActiveLevelDbfs + Defaults.MaxGainDb;
        Assert.InRange(AudioAnalysis.Analyze(output).ActiveLevelDbfs, expected - 0.3, expected + 0.3);
    }

    [Fact]
    public void Apply_PeaksAboveCeiling_LimitedLocallyWithoutClippingOrClicks()
    {
        // A steady -30 dBov tone with 2-sample clicks of 28000 every 125 ms. The clicks carry about as much energy as the
        // tone, so the gain stays near 0 dB and the clicks stay about 1.6 dB over the -3 dBFS ceiling (23197).
        float[] signal = Concat(Silence(0.15), Tone(2.0, -30), Silence(0.15));
        int pad = Rate * Defaults.PadMilliseconds / 1000;
        for (int click = pad + (Rate / 16); click + 2 < pad + (2 * Rate); click += Rate / 8)
        {
            signal[click] += 28_000;
            signal[click + 1] += 28_000;
        }

        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(signal, Rate), Defaults);
        Assert.Equal(signal.Length, output.Samples.Length);

        float ceiling = (float)(32768 * Math.Pow(10, Defaults.PeakCeilingDbfs / 20));
        float peak = output.Samples.Max(Math.Abs);
        Assert.True(peak <= ceiling, $"peak {peak} above ceiling {ceiling}");
        Assert.True(peak > ceiling * 0.9f, $"peak {peak}: the bursts should reach the ceiling, not be squashed far below it");

        // The applied gain (output over input, where the input is not near zero) moves by at most one attack step per sample.
        double maxStep = 0, steady = 0;
        double previous = double.NaN;
        for (int i = 0; i < signal.Length; i++)
        {
            if (Math.Abs(signal[i]) < 100)
            {
                previous = double.NaN;
                continue;
            }

            double gain = output.Samples[i] / signal[i];
            maxStep = double.IsNaN(previous) ? maxStep : Math.Max(maxStep, Math.Abs(gain - previous));
            previous = gain;
            steady = Math.Max(steady, gain);
        }

        // The limiter's own gain (at most 1) moves by at most 1/40 per sample (5 ms at 8 kHz), times the normalising gain.
        Assert.True(maxStep <= steady / (TelephonyMastering.AttackSeconds * Rate) * 1.01, $"gain jumps by {maxStep} per sample");

        // 60–90 ms after a click the limiter has released: the tone is at the normalising gain alone.
        double rms = Spectrum.Rms(output.Samples.AsSpan(pad + (Rate / 16) + (Rate / 8) + 480, 240));
        double level = 20 * Math.Log10(rms / 32768);
        double expected = -30 + (Defaults.TargetLevelDbfs - AudioAnalysis.Analyze(new PcmAudio(signal, Rate)).ActiveLevelDbfs);
        Assert.InRange(level, expected - 0.5, expected + 0.5);
    }

    [Fact]
    public void Apply_Silence_ReturnsItUnscaled()
    {
        PcmAudio output = TelephonyMastering.Apply(new PcmAudio(new float[Rate], Rate), Defaults);

        Assert.Equal(Rate, output.Samples.Length);
        Assert.All(output.Samples, s => Assert.Equal(0f, s));
    }

    [Fact]
    public void CanonicalForm_DiffersWhenAnySettingDiffers()
    {
        string[] forms =
        [
            Defaults.CanonicalForm(), MasteringOptions.Disabled.CanonicalForm(), (Defaults with { PadMilliseconds = 100 }).CanonicalForm(),
            (Defaults with { TargetLevelDbfs = -18 }).CanonicalForm(), (Defaults with { PeakCeilingDbfs = -1 }).CanonicalForm(),
            (Defaults with { MaxGainDb = 12 }).CanonicalForm(),
        ];
        Assert.Equal(forms.Length, forms.Distinct().Count());
        Assert.Equal("off", MasteringOptions.Disabled.CanonicalForm());
        Assert.Equal("m2;pad=150;level=-26;ceiling=-3;maxgain=24", Defaults.CanonicalForm());
    }

    [Theory]
    [InlineData(nameof(MasteringOptions.PadMilliseconds))]
    [InlineData(nameof(MasteringOptions.TargetLevelDbfs))]
    [InlineData(nameof(MasteringOptions.PeakCeilingDbfs))]
    [InlineData(nameof(MasteringOptions.MaxGainDb))]
    public void Apply_SettingOutOfRange_ThrowsNamingTheSetting(string setting)
    {
        MasteringOptions bad = setting switch
        {
            nameof(MasteringOptions.PadMilliseconds) => Defaults with { PadMilliseconds = -1 },
            nameof(MasteringOptions.TargetLevelDbfs) => Defaults with { TargetLevelDbfs = double.NaN },
            nameof(MasteringOptions.PeakCeilingDbfs) => Defaults with { PeakCeilingDbfs = -30 },
            _ => Defaults with { MaxGainDb = 100 },
        };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => TelephonyMastering.Apply(new PcmAudio(Tone(0.1, -20), Rate), bad));
        Assert.Equal(setting, error.ParamName);
    }

    private static float[] Concat(params float[][] parts) => [.. parts.SelectMany(p => p)];

    private static float[] Silence(double seconds) => new float[(int)(seconds * Rate)];

    // A sine whose RMS is `dbfs` on the square-wave scale.
    private static float[] Tone(double seconds, double dbfs) =>
        SignalGenerator.Sine((int)(seconds * Rate), 440, Rate, 32768 * Math.Sqrt(2) * Math.Pow(10, dbfs / 20));
}
