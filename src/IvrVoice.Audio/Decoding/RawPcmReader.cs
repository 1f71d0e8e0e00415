namespace IvrVoice.Audio;

internal static class RawPcmReader
{
    public static PcmAudio Read(ReadOnlySpan<byte> data, RawPcmFormat format, AudioDecodeLimits limits)
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

        long frames = data.Length / (sample.BytesPerSample() * format.Channels);
        if (frames == 0)
        {
            throw new AudioFormatException(AudioErrorKind.Empty, $"The raw PCM body of {data.Length} bytes holds no whole frame.");
        }

        AudioLimits.CheckDuration(frames, format.SampleRate, limits);
        return new PcmAudio(PcmConverter.ToMono(data, sample, format.Channels), format.SampleRate);
    }
}
