namespace IvrVoice.Audio;

/// <summary>What the first bytes of an audio body say it is.</summary>
public enum AudioContainer
{
    /// <summary>No known signature: headerless PCM, or something this service does not recognise.</summary>
    Unknown,
    /// <summary>RIFF/WAVE (also RF64 and BW64, and big-endian RIFX).</summary>
    Wav,
    /// <summary>MPEG audio: an ID3v2 tag or an MPEG audio frame sync.</summary>
    Mp3,
    /// <summary>AAC in an ADTS stream.</summary>
    Aac,
    /// <summary>Ogg (Opus or Vorbis).</summary>
    Ogg,
    /// <summary>Native FLAC.</summary>
    Flac,
    /// <summary>EBML: WebM or Matroska.</summary>
    Webm,
    /// <summary>ISO base media (MP4/M4A).</summary>
    Mp4,
    /// <summary>AIFF or AIFF-C.</summary>
    Aiff,
}
