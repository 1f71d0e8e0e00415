namespace IvrVoice.Audio;

/// <summary>
/// Mono audio as 32-bit floats on the 16-bit scale (full scale is ±32768), the form every decoder produces
/// and every encoder consumes. Float keeps 24-bit and float sources exact; the 16-bit scale keeps G.711
/// decision thresholds at integers.
/// </summary>
public sealed class PcmAudio
{
    public PcmAudio(float[] samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        Samples = samples;
        SampleRate = sampleRate;
    }

    public float[] Samples { get; }

    public int SampleRate { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}
