using IvrVoice.Audio.Joining;
using static IvrVoice.Audio.Tests.Joining.JoinSignals;

namespace IvrVoice.Audio.Tests.Joining;

/// <summary>
/// Joined audio judged as audio: its length, each piece's level (measured by the P.56 oracle on the stretches of sound
/// found in the output without the joiner's help), steps at the joins, and peaks.
/// </summary>
public sealed class AudioJoinerTests
{
    private static readonly MasteringOptions Mastering = MasteringOptions.Default;
    private static readonly JoinOptions Options = JoinOptions.Default;
    private static readonly int Pad = Rate * Mastering.PadMilliseconds / 1000;
    private static readonly int Margin = Rate * Options.TrimMarginMilliseconds / 1000;
    private static readonly int WordGap = Rate * Options.WordGapMilliseconds / 1000;
    private static readonly int PhraseGap = Rate * Options.PhraseGapMilliseconds / 1000;

    [Fact]
    public void Join_FrameAlignedBursts_LengthIsTrimmedPiecesPlusGapsPlusPads()
    {
        // Sound starts and ends on 10 ms frame boundaries, so the trimmed piece is its sound plus the margin each side, exactly.
        int[] sounds = [400, 1200, 560, 800];
        JoinBoundary[] boundaries = [JoinBoundary.Phrase, JoinBoundary.Phrase, JoinBoundary.Word, JoinBoundary.Phrase];
        JoinPiece[] pieces = [.. sounds.Select((n, i) => new JoinPiece(Burst(1600 + (80 * i), n, 2400, -30 + i), boundaries[i]))];

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering);

        int expected = (2 * Pad) + sounds.Sum(n => n + (2 * Margin)) + PhraseGap + WordGap + PhraseGap;
        Assert.Equal(expected, joined.Audio.Samples.Length);
    }

    [Fact]
    public void Join_SpeechPieces_LengthIsTheirSoundPlusGapsWithinOneFramePerEdge()
    {
        // Speech fades in and out, so where its sound begins is known to the analysis frame (10 ms): the stated tolerance
        // is one frame per piece edge. The pieces' own sound spans come from the public analysis of each piece alone.
        float[][] sources = [Speech(0.6, -30, seed: 1), Speech(0.35, -22, seed: 2), Speech(0.9, -35, seed: 3)];
        JoinPiece[] pieces = [new(sources[0]), new(sources[1], JoinBoundary.Word), new(sources[2], JoinBoundary.Phrase)];

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering);

        double trimmed = sources.Sum(s =>
        {
            AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(s, Rate));
            return (stats.Duration - stats.LeadingSilence - stats.TrailingSilence).TotalSeconds + (2.0 * Margin / Rate);
        });
        double expected = trimmed + ((2.0 * Pad) + WordGap + PhraseGap) / Rate;
        double tolerance = 2 * sources.Length * 0.010;
        Assert.InRange(joined.Audio.Duration.TotalSeconds, expected - tolerance, expected + tolerance);
    }

    [Fact]
    public void Join_PiecesAtVeryDifferentLevels_EachPieceWithinOneDbOfTheTarget()
    {
        double[] levels = [-45, -12, -30, -20, -38];
        JoinPiece[] pieces = [.. levels.Select((l, i) => new JoinPiece(Speech(0.5 + (0.1 * i), l, seed: 10 + i), JoinBoundary.Phrase))];

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering);

        List<(int Start, int End)> regions = SoundRegions(joined.Audio.Samples, WordGap / 2);
        Assert.Equal(levels.Length, regions.Count);
        foreach ((int start, int end) in regions)
        {
            double level = LevelDb(joined.Audio.Samples.AsSpan(start, end - start));
            Assert.InRange(level, Mastering.TargetLevelDbfs - 1, Mastering.TargetLevelDbfs + 1);
        }
    }

    [Fact]
    public void JoinWav_MuLawPieces_EachPieceWithinOneDbOfTheTargetAfterDecoding()
    {
        // The runtime path: pieces are cached μ-law WAVs, and so is the result.
        double[] levels = [-28, -18, -33];
        WavPiece[] pieces = [.. levels.Select((l, i) => new WavPiece(MuLaw(Speech(0.7, l, seed: 20 + i)), JoinBoundary.Word))];

        JoinedFile joined = AudioJoiner.JoinWav(pieces, Mastering);

        float[] decoded = AudioDecoder.Decode(joined.File).Samples;
        Assert.Equal(joined.SampleCount, decoded.Length);
        List<(int Start, int End)> regions = SoundRegions(decoded, WordGap / 2);
        Assert.Equal(levels.Length, regions.Count);
        Assert.All(regions, r => Assert.InRange(LevelDb(decoded.AsSpan(r.Start, r.End - r.Start)), Mastering.TargetLevelDbfs - 1, Mastering.TargetLevelDbfs + 1));
    }

    [Fact]
    public void JoinWav_SameAsJoiningTheDecodedPieces()
    {
        byte[][] wavs = [MuLaw(Speech(0.4, -25, seed: 30)), MuLaw(Speech(0.5, -31, seed: 31))];

        JoinedFile fromWav = AudioJoiner.JoinWav([new WavPiece(wavs[0]), new WavPiece(wavs[1], JoinBoundary.Phrase)], Mastering);
        JoinedAudio fromPcm = AudioJoiner.Join(
            [new JoinPiece(AudioDecoder.Decode(wavs[0]).Samples), new JoinPiece(AudioDecoder.Decode(wavs[1]).Samples, JoinBoundary.Phrase)], Rate, Mastering);

        Assert.Equal(AudioEncoder.Encode(fromPcm.Audio.Samples, Rate, OutputFormat.MuLawWav), fromWav.File);
        Assert.Equal(fromPcm.Segments, fromWav.Segments);
    }

    [Fact]
    public void Join_SpeechPieces_NoEdgeStepsAboveTheNeighbourhood()
    {
        JoinPiece[] pieces = [.. Enumerable.Range(0, 6).Select(i => new JoinPiece(Speech(0.3 + (0.05 * i), -20 - (3 * i), seed: 40 + i), (JoinBoundary)(i % 2)))];

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering);

        double ratio = WorstEdgeRatio(joined.Audio.Samples, Spans(joined), window: 40);
        Assert.True(ratio <= 1, $"an edge steps {ratio:F2} times the largest step inside its pieces");
    }

    [Fact]
    public void Join_TonesCutAtTheirPeaks_FadesKeepEveryEdgeUnderTheNeighbourhood()
    {
        // Cosine bursts start at full amplitude and the trim margin keeps no silence before them: without fades every
        // edge would be a full-amplitude step.
        JoinPiece[] pieces = [.. Enumerable.Range(0, 4).Select(i => new JoinPiece(Burst(0, 1600, 0, -26, 440 + (110 * i), Math.PI / 2)))];

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering, Options with { WordGapMilliseconds = 0 });

        double ratio = WorstEdgeRatio(joined.Audio.Samples, Spans(joined), window: 40);
        Assert.True(ratio <= 1, $"an edge steps {ratio:F2} times the largest step inside its pieces");
    }

    [Fact]
    public void ClickMetric_ButtSpliceWithoutFades_IsCaught()
    {
        // The same tones butt-spliced: the metric must see the clicks the fades remove.
        JoinPiece[] pieces = [.. Enumerable.Range(0, 4).Select(i => new JoinPiece(Burst(0, 1600, 0, -26, 440 + (110 * i), Math.PI / 2)))];
        JoinOptions buttSplice = Options with { WordGapMilliseconds = 0, FadeMilliseconds = 0, TrimMarginMilliseconds = 0 };

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering, buttSplice);

        double ratio = WorstEdgeRatio(joined.Audio.Samples, Spans(joined), window: 40);
        Assert.True(ratio > 2, $"a butt splice steps only {ratio:F2} times the interior");
    }

    [Fact]
    public void Join_ClippingPronePieces_PeaksUnderTheCeilingAndLevelsWithinOneDb()
    {
        // One piece clipped flat at full scale; one quiet piece with loud bursts; one ordinary piece.
        float[] clipped = Speech(0.6, -20, seed: 50);
        Scale(clipped, 24);
        for (int i = 0; i < clipped.Length; i++)
        {
            clipped[i] = Math.Clamp(clipped[i], -32768f, 32767f);
        }

        // Plosive-like bursts: 2 ms stretches 26 dB over the speech around them, so the gain the piece needs drives them
        // far over the ceiling.
        float[] spiky = Speech(1.2, -45, seed: 51);
        for (int at = 2000; at < spiky.Length - 2000; at += 3000)
        {
            for (int i = at; i < at + 16; i++)
            {
                spiky[i] *= 20f;
            }
        }

        JoinPiece[] pieces = [new(clipped), new(spiky, JoinBoundary.Phrase), new(Speech(0.5, -26, seed: 52), JoinBoundary.Phrase)];

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering);

        double ceiling = 32768 * Math.Pow(10, Mastering.PeakCeilingDbfs / 20);
        Assert.True(spiky.Max(Math.Abs) * Math.Pow(10, joined.Segments[1].GainDb / 20) > 2 * ceiling, $"the bursts must need limiting: {spiky.Max(Math.Abs) * Math.Pow(10, joined.Segments[1].GainDb / 20) / ceiling:F2} x ceiling, gain {joined.Segments[1].GainDb:F1}, peak {spiky.Max(Math.Abs)}");
        Assert.True(joined.Audio.Samples.Max(Math.Abs) <= ceiling, "a peak is over the ceiling");
        List<(int Start, int End)> regions = SoundRegions(joined.Audio.Samples, WordGap / 2);
        Assert.Equal(3, regions.Count);
        Assert.All(regions, r => Assert.InRange(LevelDb(joined.Audio.Samples.AsSpan(r.Start, r.End - r.Start)), Mastering.TargetLevelDbfs - 1, Mastering.TargetLevelDbfs + 1));
    }

    [Fact]
    public void Join_OnePiece_ItsSoundAtTheTargetBetweenThePads()
    {
        JoinedAudio joined = AudioJoiner.Join([new JoinPiece(Burst(4000, 2400, 800, -40))], Rate, Mastering);

        float[] x = joined.Audio.Samples;
        Assert.Equal((2 * Pad) + 2400 + (2 * Margin), x.Length);
        Assert.All(x.Take(Pad + Margin), s => Assert.Equal(0f, s));
        Assert.All(x.TakeLast(Pad + Margin), s => Assert.Equal(0f, s));
        Assert.InRange(LevelDb(x.AsSpan(Pad + Margin, 2400)), Mastering.TargetLevelDbfs - 1, Mastering.TargetLevelDbfs + 1);
    }

    [Fact]
    public void Join_AllSilentPieceBetweenTwo_LeftOutAndItsPhraseGapKept()
    {
        JoinPiece[] pieces = [new(Burst(0, 800, 0, -30)), new(new float[4000], JoinBoundary.Phrase), new(Burst(0, 800, 0, -30), JoinBoundary.Word)];

        JoinedAudio joined = AudioJoiner.Join(pieces, Rate, Mastering);

        Assert.False(joined.Segments[1].Spoken);
        // The bursts fill their pieces, so there is no source beyond their sound to keep as a margin.
        Assert.Equal((2 * Pad) + 800 + 800 + PhraseGap, joined.Audio.Samples.Length);
        List<(int Start, int End)> regions = SoundRegions(joined.Audio.Samples, WordGap / 2);
        Assert.Equal(2, regions.Count);
    }

    [Fact]
    public void Join_OnlySilence_PadsAlone()
    {
        JoinedAudio joined = AudioJoiner.Join([new JoinPiece(new float[800]), new JoinPiece(Array.Empty<float>())], Rate, Mastering);

        Assert.Equal(2 * Pad, joined.Audio.Samples.Length);
        Assert.All(joined.Audio.Samples, s => Assert.Equal(0f, s));
        Assert.DoesNotContain(joined.Segments, s => s.Spoken);
    }

    [Fact]
    public void Join_EmptyList_ThrowsNamingThePieces()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => AudioJoiner.Join([], Rate, Mastering));
        Assert.Equal("pieces", error.ParamName);
        Assert.Throws<ArgumentException>(() => AudioJoiner.JoinWav([], Mastering));
    }

    [Fact]
    public void Join_MasteringDisabled_KeepsEachPieceLevelAndAddsNoPads()
    {
        JoinedAudio joined = AudioJoiner.Join([new JoinPiece(Burst(800, 1600, 800, -35)), new JoinPiece(Burst(800, 1600, 800, -15))], Rate, MasteringOptions.Disabled);

        List<(int Start, int End)> regions = SoundRegions(joined.Audio.Samples, WordGap / 2);
        Assert.Equal(2, regions.Count);
        Assert.InRange(LevelDb(joined.Audio.Samples.AsSpan(regions[0].Start, regions[0].End - regions[0].Start)), -36, -34);
        Assert.InRange(LevelDb(joined.Audio.Samples.AsSpan(regions[1].Start, regions[1].End - regions[1].Start)), -16, -14);
        Assert.Equal((2 * (1600 + (2 * Margin))) + WordGap, joined.Audio.Samples.Length);
    }

    [Fact]
    public void JoinWav_PiecesAtTwoRates_ThrowsNamingThePiece()
    {
        byte[] narrow = MuLaw(Burst(0, 800, 0, -30));
        byte[] wide = AudioEncoder.Encode(Burst(0, 1600, 0, -30), 16000, OutputFormat.Pcm16Wav);

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioJoiner.JoinWav([new WavPiece(narrow), new WavPiece(wide)], Mastering));
        Assert.Contains("Piece 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JoinWav_NotAudio_ThrowsAudioFormatException()
    {
        Assert.Throws<AudioFormatException>(() => AudioJoiner.JoinWav([new WavPiece("not audio at all"u8.ToArray())], Mastering));
    }

    [Theory]
    [InlineData(-1, 160, 10, 5, "WordGapMilliseconds")]
    [InlineData(60, 2001, 10, 5, "PhraseGapMilliseconds")]
    [InlineData(60, 160, 101, 5, "TrimMarginMilliseconds")]
    [InlineData(60, 160, 10, 51, "FadeMilliseconds")]
    public void Validate_OutOfRange_NamesTheSetting(int word, int phrase, int margin, int fade, string setting)
    {
        JoinOptions options = new() { WordGapMilliseconds = word, PhraseGapMilliseconds = phrase, TrimMarginMilliseconds = margin, FadeMilliseconds = fade };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public void CanonicalForm_DiffersWhenAnySettingDiffers()
    {
        string[] forms =
        [
            Options.CanonicalForm(), (Options with { WordGapMilliseconds = 61 }).CanonicalForm(), (Options with { PhraseGapMilliseconds = 161 }).CanonicalForm(),
            (Options with { TrimMarginMilliseconds = 11 }).CanonicalForm(), (Options with { FadeMilliseconds = 6 }).CanonicalForm(),
        ];

        Assert.Equal(forms.Length, forms.Distinct(StringComparer.Ordinal).Count());
    }

    private static byte[] MuLaw(float[] x) => AudioEncoder.Encode(x, Rate, OutputFormat.MuLawWav);

    private static List<(int Start, int End)> Spans(JoinedAudio joined) =>
        [.. joined.Segments.Where(s => s.Spoken).Select(s => (s.Offset, s.Offset + s.Length))];
}
