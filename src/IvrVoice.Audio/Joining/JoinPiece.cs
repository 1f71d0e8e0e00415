namespace IvrVoice.Audio.Joining;

/// <summary>What separates a piece from the one before it (ignored for the first piece).</summary>
public enum JoinBoundary
{
    /// <summary>The next word of the same value: <see cref="JoinOptions.WordGapMilliseconds"/>.</summary>
    Word,

    /// <summary>A change between a fixed part and a value: <see cref="JoinOptions.PhraseGapMilliseconds"/>.</summary>
    Phrase,
}

/// <summary>One decoded piece (mono floats on the 16-bit scale, all pieces at one rate) and its boundary with the previous piece.</summary>
public readonly record struct JoinPiece(ReadOnlyMemory<float> Samples, JoinBoundary Before = JoinBoundary.Word);

/// <summary>One piece as an encoded file (a cached prompt's μ-law WAV, or any WAV the decoder reads) and its boundary with the previous piece.</summary>
public readonly record struct WavPiece(ReadOnlyMemory<byte> Wav, JoinBoundary Before = JoinBoundary.Word);

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

/// <summary>A joined signal and where each piece is in it.</summary>
public sealed record JoinedAudio(PcmAudio Audio, IReadOnlyList<JoinedSegment> Segments);

/// <summary>A joined, encoded file (see <see cref="AudioJoiner.JoinWav"/>), its length in samples and where each piece is in it.</summary>
public sealed record JoinedFile(byte[] File, int SampleCount, int SampleRate, IReadOnlyList<JoinedSegment> Segments)
{
    /// <summary>Length of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)SampleCount / SampleRate);
}
