namespace IvrVoice.Audio.Joining;

/// <summary>What separates a piece from the one before it (ignored for the first piece).</summary>
public enum JoinBoundary
{
    /// <summary>The next word of the same value: <see cref="JoinOptions.WordGapMilliseconds"/>.</summary>
    Word,

    /// <summary>A change between a fixed part and a value: <see cref="JoinOptions.PhraseGapMilliseconds"/>.</summary>
    Phrase,
}

/// <summary>
/// One decoded piece (mono floats on the 16-bit scale, all pieces at one rate) and its boundary with the previous piece.
/// <paramref name="Analysis"/>, when given, is what an earlier join found for this very piece with the same mastering
/// and join settings (see <see cref="JoinedFile.Analyses"/>): the piece is then not measured again.
/// </summary>
public readonly record struct JoinPiece(ReadOnlyMemory<float> Samples, JoinBoundary Before = JoinBoundary.Word, PieceAnalysis? Analysis = null);

/// <summary>
/// One piece as an encoded file (a cached prompt's μ-law WAV, or any WAV the decoder reads) and its boundary with the
/// previous piece; <paramref name="Analysis"/> as for <see cref="JoinPiece"/>.
/// </summary>
public readonly record struct WavPiece(ReadOnlyMemory<byte> Wav, JoinBoundary Before = JoinBoundary.Word, PieceAnalysis? Analysis = null);

/// <summary>
/// What the join measured of one piece: the span kept (its sound plus the margin) and the gain that brings it to the
/// target, before any limiting. A property of the piece's audio and the settings only, so it can be kept with the
/// piece's key and handed back to later joins.
/// </summary>
/// <param name="SampleRate">The piece's rate.</param>
/// <param name="SampleCount">The piece's length in samples (an analysis applies only to a piece of this length).</param>
/// <param name="SourceStart">First sample kept.</param>
/// <param name="Length">Samples kept; 0 when the piece holds no sound.</param>
/// <param name="GainDb">Gain to the target level (0 when mastering is off or the piece holds no sound).</param>
public readonly record struct PieceAnalysis(int SampleRate, int SampleCount, int SourceStart, int Length, double GainDb);

/// <summary>Where a piece landed in the joined signal and what was done to it.</summary>
/// <param name="Index">The piece's position in the input list.</param>
/// <param name="Offset">First sample of the piece in the output.</param>
/// <param name="Length">Samples of the piece in the output (its trimmed length); 0 when it held no sound and was left out.</param>
/// <param name="SourceStart">First sample kept from the piece's own signal.</param>
/// <param name="GainDb">Gain applied before the limiter (0 when it was left out or mastering is off).</param>
public readonly record struct JoinedSegment(int Index, int Offset, int Length, int SourceStart, double GainDb)
{
    /// <summary>False when the piece held no sound (silence only) and was left out with its gap.</summary>
    public bool Spoken => Length > 0;
}

/// <summary>A joined signal, where each piece is in it, and what was measured of each piece.</summary>
public sealed record JoinedAudio(PcmAudio Audio, IReadOnlyList<JoinedSegment> Segments, IReadOnlyList<PieceAnalysis> Analyses);

/// <summary>
/// A joined, encoded file (see <see cref="AudioJoiner.JoinWav"/>), its length in samples, where each piece is in it, and
/// what was measured of each piece (to hand back with the same pieces later).
/// </summary>
public sealed record JoinedFile(byte[] File, int SampleCount, int SampleRate, IReadOnlyList<JoinedSegment> Segments, IReadOnlyList<PieceAnalysis> Analyses)
{
    /// <summary>Length of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)SampleCount / SampleRate);
}
