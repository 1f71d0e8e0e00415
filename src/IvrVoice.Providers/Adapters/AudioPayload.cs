using IvrVoice.Audio;

namespace IvrVoice.Providers.Adapters;

/// <summary>Turns a route's bytes into validated audio, or a <see cref="TtsFailureKind.MalformedAudio"/> failure.</summary>
internal static class AudioPayload
{
    /// <summary>Shorter audio is a header with nothing usable behind it (the 44-byte "success" of some gateways).</summary>
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMilliseconds(150);

    // RMS of 16-bit full scale -66 dBFS: quieter than any speech, louder than dither or digital silence.
    private const double SilenceRms = 16.0;

    /// <summary>
    /// Identifies the bytes by content: WAV, or headerless PCM described by <paramref name="contentType"/> (or by
    /// <paramref name="fallbackRaw"/> when the route documents its raw format but sends no specific type), or MP3 (decoded
    /// by <see cref="Mp3.Mp3Decoder"/>). Ogg and the other compressed containers are rejected with a message that names them.
    /// </summary>
    public static PcmAudio Decode(byte[] bytes, string? contentType, RawPcmFormat? fallbackRaw, long maxBytes)
    {
        // A declared (or documented) raw format wins over frame-sync guessing: headerless PCM that starts with a small
        // negative sample (bytes FF FF) looks like an MPEG frame header. The decoder still honours a real container
        // signature (RIFF, ID3, OggS, fLaC) over the raw format.
        RawPcmFormat? raw = null;
        if (RawPcmFormat.TryParseContentType(contentType, out RawPcmFormat declared))
        {
            raw = declared;
        }
        else if (IsGeneric(contentType))
        {
            raw = fallbackRaw;
        }
        else if (AudioSniffer.Identify(bytes) == AudioContainer.Unknown)
        {
            // A declared compressed type whose bytes we cannot place: never guess PCM from it.
            throw new AudioFormatException(AudioErrorKind.UnsupportedCodec, $"The answer declares {contentType}, and its bytes are neither WAV nor PCM.");
        }

        AudioDecodeLimits limits = new() { MaxInputBytes = (int)Math.Min(int.MaxValue, maxBytes), MaxDuration = TimeSpan.FromMinutes(15) };
        bool mp3 = ProviderAudioDecoder.IsMp3(bytes, raw);
        PcmAudio pcm;
        try
        {
            pcm = ProviderAudioDecoder.Decode(bytes, raw, limits);
        }
        catch (AudioFormatException e) when (mp3 && !e.Message.Contains("MP3", StringComparison.Ordinal))
        {
            throw new AudioFormatException(e.Kind, "The MP3 audio: " + e.Message);
        }

        if (mp3)
        {
            return Check(pcm, "The MP3 audio");
        }

        return Check(pcm, "The audio");
    }

    private static PcmAudio Check(PcmAudio pcm, string what)
    {
        if (pcm.Duration < MinimumDuration)
        {
            throw new AudioFormatException(AudioErrorKind.Empty,
                $"{what} lasts {pcm.Duration.TotalMilliseconds:0} ms; at least {MinimumDuration.TotalMilliseconds:0} ms of speech was expected.");
        }

        if (!IvrVoice.Audio.Resampling.Resampler.IsSupported(pcm.SampleRate, IvrVoice.Audio.Resampling.Resampler.TelephonyRate))
        {
            throw new AudioFormatException(AudioErrorKind.UnsupportedSampleRate, $"The audio's sample rate, {pcm.SampleRate} Hz, cannot be converted to 8 kHz.");
        }

        if (IsSilent(pcm.Samples))
        {
            throw new AudioFormatException(AudioErrorKind.Empty, $"{what} is silent.");
        }

        return pcm;
    }

    private static bool IsGeneric(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType)
        || contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("audio/wav", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("audio/x-wav", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("audio/wave", StringComparison.OrdinalIgnoreCase);

    private static bool IsSilent(float[] samples)
    {
        double sum = 0;
        foreach (float s in samples)
        {
            if (float.IsNaN(s))
            {
                return true;
            }

            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length) < SilenceRms;
    }
}
