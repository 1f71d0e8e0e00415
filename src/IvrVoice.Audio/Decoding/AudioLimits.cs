namespace IvrVoice.Audio;

internal static class AudioLimits
{
    public static void CheckDuration(long frames, int sampleRate, AudioDecodeLimits limits)
    {
        double seconds = (double)frames / sampleRate;
        if (seconds > limits.MaxDuration.TotalSeconds)
        {
            throw new AudioFormatException(
                AudioErrorKind.TooLarge,
                $"The audio lasts {TimeSpan.FromSeconds(Math.Floor(seconds)):c}; the limit is {limits.MaxDuration:c}.");
        }
    }
}
