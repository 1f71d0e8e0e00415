using IvrVoice.Audio;
using NLayer;

namespace IvrVoice.Providers.Mp3;

/// <summary>
/// MP3 (MPEG-1/2/2.5 Layer III, also I and II) to mono PCM with NLayer, a fully managed decoder. IvrVoice.Audio takes no
/// packages, so compressed input is decoded here, in the layer that receives it (provider answers, and the CLI through
/// <see cref="ProviderAudioDecoder"/>); Audio still recognises and names every other compressed format.
/// Gapless trimming follows the stream's LAME/Xing ("Info") header the way ffmpeg and mpg123 do: the encoder delay plus
/// the decoder's 529-sample delay is dropped from the start and the encoder's padding from the end; without that header
/// only the decoder delay is dropped.
/// </summary>
public static class Mp3Decoder
{
    /// <summary>The MP3 synthesis filterbank's delay in samples (528 + 1), which every LAME-aware decoder removes.</summary>
    public const int DecoderDelay = 529;

    /// <summary>Decodes <paramref name="data"/>; channels are averaged to mono, on the 16-bit scale like <see cref="AudioDecoder"/>.</summary>
    /// <exception cref="AudioFormatException">The bytes are not decodable MP3, exceed <paramref name="limits"/>, or hold no audio.</exception>
    public static PcmAudio Decode(ReadOnlySpan<byte> data, AudioDecodeLimits? limits = null)
    {
        limits ??= AudioDecodeLimits.Default;
        if (data.IsEmpty)
        {
            throw new AudioFormatException(AudioErrorKind.Empty, "The MP3 audio is empty.");
        }

        if (data.Length > limits.MaxInputBytes)
        {
            throw new AudioFormatException(AudioErrorKind.TooLarge, $"The MP3 audio is {data.Length} bytes; at most {limits.MaxInputBytes} are accepted.");
        }

        GaplessInfo? gapless = LameHeader.TryRead(data);
        float[] interleaved;
        int channels;
        int sampleRate;
        try
        {
            using MemoryStream stream = new(data.ToArray(), writable: false);
            using MpegFile file = new(stream);
            channels = file.Channels;
            sampleRate = file.SampleRate;
            if (channels is < 1 or > 2 || sampleRate <= 0)
            {
                throw new AudioFormatException(AudioErrorKind.InvalidHeader, "The MP3 audio has no valid frame header.");
            }

            long maxSamples = (long)(limits.MaxDuration.TotalSeconds * sampleRate * channels) + (2 * 1152 * channels);
            interleaved = ReadAll(file, channels, maxSamples);
        }
        catch (AudioFormatException)
        {
            throw;
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or IndexOutOfRangeException
            or ArgumentException or NullReferenceException or EndOfStreamException or OverflowException)
        {
            throw new AudioFormatException(AudioErrorKind.InvalidHeader, $"The MP3 audio could not be decoded ({ex.GetType().Name}).");
        }

        long frames = interleaved.Length / channels;
        long skip = DecoderDelay + (gapless?.EncoderDelay ?? 0);
        long keep = gapless is { } g && g.Frames > 0
            ? Math.Min(frames - skip, (g.Frames * (long)g.SamplesPerFrame) - g.EncoderDelay - g.EncoderPadding)
            : frames - skip;
        if (keep <= 0)
        {
            throw new AudioFormatException(AudioErrorKind.Empty, "The MP3 audio holds no samples.");
        }

        float[] mono = new float[keep];
        float scale = 32768f / channels;
        for (long i = 0; i < keep; i++)
        {
            long at = (skip + i) * channels;
            float sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += interleaved[at + c];
            }

            mono[i] = sum * scale;
        }

        return new PcmAudio(mono, sampleRate);
    }

    private static float[] ReadAll(MpegFile file, int channels, long maxSamples)
    {
        List<float[]> blocks = [];
        long total = 0;
        float[] block = new float[1152 * 16 * channels];
        int read;
        while ((read = file.ReadSamples(block, 0, block.Length)) > 0)
        {
            total += read;
            if (total > maxSamples)
            {
                throw new AudioFormatException(AudioErrorKind.TooLarge, "The MP3 audio is longer than the decoder's limit.");
            }

            blocks.Add(block[..read]);
        }

        float[] all = new float[total];
        int offset = 0;
        foreach (float[] b in blocks)
        {
            b.CopyTo(all, offset);
            offset += b.Length;
        }

        return all;
    }
}
