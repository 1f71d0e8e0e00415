namespace IvrVoice.Audio;

/// <summary>Whole frames of interleaved samples at <see cref="Offset"/> in a body, checked against the limits.</summary>
internal readonly record struct PcmLayout(SampleFormat Sample, int Channels, int SampleRate, int Offset, int Length);
