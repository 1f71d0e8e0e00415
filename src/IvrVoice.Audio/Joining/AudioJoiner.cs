using System.Buffers;

namespace IvrVoice.Audio.Joining;

/// <summary>
/// Joins separately rendered speech pieces into one signal that sounds like one recording: each piece's silence is
/// trimmed to its sound (plus a small margin), consistent gaps are put between pieces (shorter between value words,
/// longer at phrase boundaries), each piece's active speech level (ITU-T P.56) is brought to the mastering target,
/// every piece edge gets a raised-cosine fade so no join clicks, and a look-ahead limiter keeps peaks under the
/// mastering ceiling. The whole is padded at both ends like a mastered prompt. Design notes: docs/announcements.md.
/// </summary>
public static class AudioJoiner
{
    /// <summary>
    /// Bump when the joining changes what the same pieces and options sound like (announcement keys include it). 2: pieces
    /// are trimmed and levelled by the single-precision P.56 meter.
    /// </summary>
    public const int Version = 2;

    private const int MaxLimiterCorrections = 3;

    /// <summary>Joins decoded pieces at <paramref name="sampleRate"/>.</summary>
    /// <param name="pieces">At least one piece; pieces that hold only silence are left out, with their gap.</param>
    /// <param name="sampleRate">The rate of every piece (8000 for telephone audio).</param>
    /// <param name="mastering">Target level, peak ceiling, maximum gain and the end pads; when disabled, pieces keep their level and the ends get no pad.</param>
    /// <param name="options">Gaps, trim margin and fades; <see cref="JoinOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static JoinedAudio Join(IReadOnlyList<JoinPiece> pieces, int sampleRate, MasteringOptions mastering, JoinOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        (MasteringOptions m, JoinOptions o) = Validate(pieces.Count, mastering, options);
        JoinedSegment[] segments = Plan(pieces, sampleRate, m, o, out int length, out PieceAnalysis[] analyses);
        float[] output = new float[length];
        Render(pieces, segments, sampleRate, m, o, output);
        return new JoinedAudio(new PcmAudio(output, sampleRate), segments, analyses);
    }

    /// <summary>
    /// Decodes encoded pieces (cached prompts' μ-law WAVs, or any WAV <see cref="AudioDecoder"/> reads; all at one rate),
    /// joins them as <see cref="Join"/> does and encodes the result. Every intermediate signal lives in pooled buffers:
    /// the file is the only allocation that grows with the audio.
    /// </summary>
    /// <exception cref="AudioFormatException">A piece is not audio the decoder reads, or the pieces' rates differ.</exception>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static JoinedFile JoinWav(IReadOnlyList<WavPiece> pieces, MasteringOptions mastering, JoinOptions? options = null,
        OutputFormat format = OutputFormat.MuLawWav, AudioDecodeLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        (MasteringOptions m, JoinOptions o) = Validate(pieces.Count, mastering, options);
        limits ??= AudioDecodeLimits.Default;

        PcmLayout[] layouts = new PcmLayout[pieces.Count];
        int rate = 0;
        long total = 0;
        for (int i = 0; i < pieces.Count; i++)
        {
            PcmLayout layout = AudioDecoder.Locate(pieces[i].Wav.Span, null, limits);
            if (i > 0 && layout.SampleRate != rate)
            {
                throw new AudioFormatException(AudioErrorKind.UnsupportedSampleRate,
                    $"Piece {i} is at {layout.SampleRate} Hz and piece 0 at {rate} Hz; joined pieces must share one rate.");
            }

            rate = layout.SampleRate;
            layouts[i] = layout;
            total += Frames(layout);
        }

        float[] decoded = ArrayPool<float>.Shared.Rent(checked((int)total));
        float[]? output = null;
        try
        {
            JoinPiece[] decodedPieces = new JoinPiece[pieces.Count];
            int at = 0;
            for (int i = 0; i < pieces.Count; i++)
            {
                int frames = Frames(layouts[i]);
                Decode(pieces[i].Wav.Span, layouts[i], decoded.AsSpan(at, frames));
                decodedPieces[i] = new JoinPiece(decoded.AsMemory(at, frames), pieces[i].Before, pieces[i].Analysis);
                at += frames;
            }

            JoinedSegment[] segments = Plan(decodedPieces, rate, m, o, out int length, out PieceAnalysis[] analyses);
            output = ArrayPool<float>.Shared.Rent(length);
            Span<float> joined = output.AsSpan(0, length);
            Render(decodedPieces, segments, rate, m, o, joined);
            return new JoinedFile(AudioEncoder.Encode(joined, rate, format), length, rate, segments, analyses);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(decoded);
            if (output is not null)
            {
                ArrayPool<float>.Shared.Return(output);
            }
        }
    }

    private static (MasteringOptions, JoinOptions) Validate(int count, MasteringOptions mastering, JoinOptions? options)
    {
        ArgumentNullException.ThrowIfNull(mastering);
        if (count == 0)
        {
            throw new ArgumentException("There is nothing to join: the list of pieces is empty.", "pieces");
        }

        options ??= JoinOptions.Default;
        options.Validate();
        if (mastering.Enabled)
        {
            mastering.Validate();
        }

        return (mastering, options);
    }

    private static int Frames(PcmLayout layout) => layout.Length / (layout.Sample.BytesPerSample() * layout.Channels);

    private static void Decode(ReadOnlySpan<byte> wav, PcmLayout layout, Span<float> destination)
    {
        ReadOnlySpan<byte> data = wav.Slice(layout.Offset, layout.Length);
        if (layout.Channels == 1)
        {
            PcmConverter.Convert(data[..(destination.Length * layout.Sample.BytesPerSample())], layout.Sample, destination);
        }
        else
        {
            PcmConverter.ToMono(data, layout.Sample, layout.Channels).CopyTo(destination);
        }
    }

    /// <summary>
    /// Finds each piece's sound and gain and where it goes; <paramref name="length"/> is the joined length. A piece
    /// with no sound is left out, and the gap before the next spoken piece is the longest of the boundaries in between.
    /// </summary>
    private static JoinedSegment[] Plan(IReadOnlyList<JoinPiece> pieces, int rate, MasteringOptions mastering, JoinOptions options, out int length,
        out PieceAnalysis[] analyses)
    {
        JoinedSegment[] segments = new JoinedSegment[pieces.Count];
        analyses = new PieceAnalysis[pieces.Count];
        int pad = mastering.Enabled ? TelephonyMastering.PadSamples(rate, mastering) : 0;
        long position = pad;
        bool anySpoken = false;
        JoinBoundary pending = JoinBoundary.Word;
        for (int i = 0; i < pieces.Count; i++)
        {
            ReadOnlySpan<float> x = pieces[i].Samples.Span;
            pending = (JoinBoundary)Math.Max((int)pending, (int)pieces[i].Before);
            PieceAnalysis analysis = pieces[i].Analysis is { } known && Fits(known, x.Length, rate) ? known : Analyze(x, rate, mastering, options);
            analyses[i] = analysis;
            if (analysis.Length == 0)
            {
                segments[i] = new JoinedSegment(i, checked((int)position), 0, 0, 0);
                continue;
            }

            if (anySpoken)
            {
                position += Samples(rate, pending == JoinBoundary.Phrase ? options.PhraseGapMilliseconds : options.WordGapMilliseconds);
            }

            segments[i] = new JoinedSegment(i, checked((int)position), analysis.Length, analysis.SourceStart, analysis.GainDb);
            position += analysis.Length;
            anySpoken = true;
            pending = JoinBoundary.Word;
        }

        length = checked((int)(position + pad));
        return segments;
    }

    // An analysis handed in applies only to a piece of its rate and length (anything else is a different piece).
    private static bool Fits(PieceAnalysis analysis, int sampleCount, int rate) =>
        analysis.SampleRate == rate && analysis.SampleCount == sampleCount && analysis.SourceStart >= 0 && analysis.Length >= 0
        && analysis.SourceStart + analysis.Length <= sampleCount && double.IsFinite(analysis.GainDb);

    /// <summary>The piece's sound span with its margin and the gain to the target; an empty span when it holds no sound.</summary>
    private static PieceAnalysis Analyze(ReadOnlySpan<float> x, int rate, MasteringOptions mastering, JoinOptions options)
    {
        (double level, _) = SpeechLevel.Measure(x, rate);
        (int start, int end) = double.IsNegativeInfinity(level) ? (0, 0) : AudioAnalysis.FindSound(x, rate, level);
        if (end <= start)
        {
            return new PieceAnalysis(rate, x.Length, 0, 0, 0);
        }

        int margin = Samples(rate, options.TrimMarginMilliseconds);
        start = Math.Max(0, start - margin);
        end = Math.Min(x.Length, end + margin);
        return new PieceAnalysis(rate, x.Length, start, end - start, mastering.Enabled ? Gain(x[start..end], rate, level, mastering) : 0);
    }

    /// <summary>
    /// The gain that brings the kept part to the target, as mastering computes it: from the whole piece's level, then
    /// corrected once by measuring the kept part at that gain (trimming shortens P.56's hangover, and its thresholds are
    /// absolute), never above the maximum gain.
    /// </summary>
    private static double Gain(ReadOnlySpan<float> kept, int rate, double level, MasteringOptions mastering)
    {
        double gainDb = Math.Min(mastering.MaxGainDb, mastering.TargetLevelDbfs - level);
        double measured = SpeechLevel.Measure(kept, rate, Math.Pow(10, gainDb / 20)).LevelDb;
        return double.IsFinite(measured) ? Math.Min(mastering.MaxGainDb, gainDb + mastering.TargetLevelDbfs - measured) : gainDb;
    }

    /// <summary>
    /// Writes every spoken piece, scaled and faded, into <paramref name="output"/> (cleared first), limiting the peaks of
    /// any piece that exceeds the ceiling; a limited piece's final gain is written back into <paramref name="segments"/>.
    /// </summary>
    private static void Render(IReadOnlyList<JoinPiece> pieces, JoinedSegment[] segments, int rate, MasteringOptions mastering, JoinOptions options,
        Span<float> output)
    {
        output.Clear();
        int fade = Samples(rate, options.FadeMilliseconds);
        float[]? rentedRamp = fade > 512 ? ArrayPool<float>.Shared.Rent(fade) : null;
        Span<float> ramp = rentedRamp is null ? stackalloc float[fade] : rentedRamp.AsSpan(0, fade);
        for (int i = 0; i < fade; i++)
        {
            // Raised cosine from exactly 0: its slope is 0 at both ends, so neither the fade nor its end adds a step.
            ramp[i] = (float)(0.5 - (0.5 * Math.Cos(Math.PI * i / fade)));
        }

        float ceiling = (float)(32768 * Math.Pow(10, mastering.PeakCeilingDbfs / 20));
        for (int k = 0; k < segments.Length; k++)
        {
            JoinedSegment segment = segments[k];
            if (!segment.Spoken)
            {
                continue;
            }

            ReadOnlySpan<float> source = pieces[segment.Index].Samples.Span.Slice(segment.SourceStart, segment.Length);
            Span<float> target = output.Slice(segment.Offset, segment.Length);

            // A piece shorter than two fades gets two half-length ones that meet in the middle.
            int edge = Math.Min(fade, target.Length / 2);
            ReadOnlySpan<float> shape = edge == fade ? ramp : Ramp(edge);
            if (Write(source, target, segment.GainDb, shape) <= ceiling || !mastering.Enabled)
            {
                continue;
            }

            // Limiting takes energy out of the peaks, and with it some of the level the gain was chosen for: measure what
            // is left and correct the gain (the limiter acts only around peaks, so a correction or two lands on the target).
            TelephonyMastering.Limit(target, rate, ceiling);
            for (int pass = 0; pass < MaxLimiterCorrections; pass++)
            {
                double limited = SpeechLevel.Measure(target, rate).LevelDb;
                double gainDb = segments[k].GainDb;
                double corrected = Math.Min(mastering.MaxGainDb, gainDb + mastering.TargetLevelDbfs - limited);
                if (!double.IsFinite(corrected) || Math.Abs(corrected - gainDb) <= 0.05)
                {
                    break;
                }

                segments[k] = segment with { GainDb = corrected };
                if (Write(source, target, corrected, shape) > ceiling)
                {
                    TelephonyMastering.Limit(target, rate, ceiling);
                }
            }
        }

        if (rentedRamp is not null)
        {
            ArrayPool<float>.Shared.Return(rentedRamp);
        }
    }

    // Scales and fades one piece into its place; returns its largest magnitude.
    private static float Write(ReadOnlySpan<float> source, Span<float> target, double gainDb, ReadOnlySpan<float> shape)
    {
        float gain = (float)Math.Pow(10, gainDb / 20);
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = source[i] * gain;
        }

        for (int i = 0; i < shape.Length; i++)
        {
            target[i] *= shape[i];
            target[target.Length - 1 - i] *= shape[i];
        }

        float peak = 0;
        foreach (float v in target)
        {
            peak = Math.Max(peak, Math.Abs(v));
        }

        return peak;
    }

    // A raised cosine over `edge` samples (rare: only pieces under two fades long).
    private static float[] Ramp(int edge)
    {
        float[] shape = new float[edge];
        for (int i = 0; i < edge; i++)
        {
            shape[i] = (float)(0.5 - (0.5 * Math.Cos(Math.PI * i / edge)));
        }

        return shape;
    }

    private static int Samples(int rate, int milliseconds) => (int)((long)rate * milliseconds / 1000);
}
