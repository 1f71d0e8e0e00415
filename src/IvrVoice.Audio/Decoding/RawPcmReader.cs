namespace IvrVoice.Audio;

/// <summary>Checks a declared raw format against the limits and finds the whole frames in the body.</summary>
internal static class RawPcmReader
{
    public static PcmLayout ReadLayout(ReadOnlySpan<byte> data, RawPcmFormat format, AudioDecodeLimits limits)
    {
        if (format.SampleRate <= 0 || format.SampleRate > limits.MaxSampleRate)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The raw PCM sample rate {format.SampleRate} Hz is outside 1..{limits.MaxSampleRate} Hz.");
        }

        if (format.Channels <= 0 || format.Channels > limits.MaxChannels)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The raw PCM channel count {format.Channels} is outside 1..{limits.MaxChannels}.");
        }

        SampleFormat sample = format.Encoding switch
        {
            RawSampleEncoding.S16LE => SampleFormat.S16LE,
            RawSampleEncoding.S16BE => SampleFormat.S16BE,
            RawSampleEncoding.F32LE => SampleFormat.F32LE,
            RawSampleEncoding.MuLaw => SampleFormat.MuLaw,
            RawSampleEncoding.ALaw => SampleFormat.ALaw,
            _ => throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The raw PCM encoding {format.Encoding} is not known."),
        };

        int frameBytes = sample.BytesPerSample() * format.Channels;
        int frames = data.Length / frameBytes;
        if (frames == 0)
        {
            throw new AudioFormatException(AudioErrorKind.Empty, $"The raw PCM body of {data.Length} bytes holds no whole frame.");
        }

        AudioLimits.CheckDuration(frames, format.SampleRate, limits);
        return new PcmLayout(sample, format.Channels, format.SampleRate, 0, frames * frameBytes);
    }
}
