namespace IvrVoice.Audio;

/// <summary>Why a byte sequence could not be read as audio. Every decoder failure is one of these.</summary>
public enum AudioErrorKind
{
    /// <summary>No bytes, or a header with no samples.</summary>
    Empty,
    /// <summary>The bytes are not a container this decoder reads (not RIFF/WAVE and no raw format given).</summary>
    UnrecognisedContainer,
    /// <summary>A recognised container whose codec is not supported (MP3, Opus, FLAC, ADPCM, ...).</summary>
    UnsupportedCodec,
    /// <summary>The header is present but inconsistent: zero rate, zero channels, bad block align, ...</summary>
    InvalidHeader,
    /// <summary>The data ends before the header says it should, with nothing usable.</summary>
    Truncated,
    /// <summary>The input or the audio it declares is over the configured size cap.</summary>
    TooLarge,
    /// <summary>The audio decoded, but its sample rate cannot be converted to the telephone rate.</summary>
    UnsupportedSampleRate,
}

/// <summary>The one exception type the audio decoders throw for bad input.</summary>
public sealed class AudioFormatException : Exception
{
    public AudioFormatException(AudioErrorKind kind, string message)
        : base(message) => Kind = kind;

    public AudioErrorKind Kind { get; }
}
