using System.Globalization;
using IvrVoice.Audio;
using IvrVoice.Providers;
using IvrVoice.Providers.Mp3;
using IvrVoice.Testing;

namespace IvrVoice.Providers.Tests;

/// <summary>
/// MP3 written by ffmpeg's LAME encoder, decoded by <see cref="Mp3Decoder"/> (NLayer) and by ffmpeg itself: the same
/// number of samples (both trim the encoder delay and padding the LAME header states) and the same samples within
/// 1e-3 of full scale at most, with the difference at least 60 dB below the signal.
/// </summary>
public sealed class Mp3DecoderTests
{
    private const double MaxAbsoluteDifference = 1e-3;   // of full scale
    private const double MinSnrDb = 60;

    [SkippableTheory]
    [InlineData(24_000, 1, "48k")]
    [InlineData(44_100, 2, "128k")]
    [InlineData(16_000, 1, "32k")]
    public void Decode_LameMp3FromFfmpeg_MatchesFfmpegDecode(int rate, int channels, string bitrate)
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        using TempDirectory folder = new();
        string mp3 = folder.File("in.mp3");
        // A chirp with a tone on the second channel: content in every band the encoder keeps, and channels that differ.
        ExternalTools.RunFfmpeg("-f", "lavfi", "-i", $"aevalsrc=0.4*sin(2*PI*(200+900*t)*t)|0.3*sin(2*PI*523*t):s={rate}:d=1.7",
            "-ac", channels.ToString(CultureInfo.InvariantCulture), "-c:a", "libmp3lame", "-b:a", bitrate, mp3).EnsureSuccess();
        byte[] bytes = File.ReadAllBytes(mp3);
        float[] reference = FfmpegMono(mp3, channels);

        PcmAudio decoded = ProviderAudioDecoder.Decode(bytes);

        Assert.Equal(rate, decoded.SampleRate);
        Assert.Equal(reference.Length, decoded.Samples.Length);
        double maxDiff = 0, signal = 0, noise = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double ours = decoded.Samples[i] / 32768.0;
            double diff = Math.Abs(ours - reference[i]);
            maxDiff = Math.Max(maxDiff, diff);
            signal += (double)reference[i] * reference[i];
            noise += diff * diff;
        }

        double snr = 10 * Math.Log10(signal / Math.Max(noise, 1e-30));
        Assert.True(maxDiff <= MaxAbsoluteDifference, $"largest difference {maxDiff:E2} of full scale (SNR {snr:0.0} dB)");
        Assert.True(snr >= MinSnrDb, $"difference only {snr:0.0} dB below the signal");
    }

    [SkippableFact]
    public void Decode_Mp3WithoutLameHeader_DropsOnlyTheDecoderDelay()
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        using TempDirectory folder = new();
        string mp3 = folder.File("bare.mp3");
        ExternalTools.RunFfmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=24000:duration=1", "-c:a", "libmp3lame",
            "-b:a", "48k", "-write_xing", "0", mp3).EnsureSuccess();
        byte[] bytes = File.ReadAllBytes(mp3);
        Assert.Null(LameHeader.TryRead(bytes));

        PcmAudio decoded = Mp3Decoder.Decode(bytes);

        // 24 kHz is MPEG-2: 576 samples a frame. Every frame's samples, less the decoder's delay.
        int frames = CountFrames(bytes);
        Assert.Equal((frames * 576) - Mp3Decoder.DecoderDelay, decoded.Samples.Length);
    }

    [Fact]
    public void Decode_TruncatedAndGarbage_ThrowsAudioFormatException()
    {
        Assert.Throws<AudioFormatException>(() => Mp3Decoder.Decode([]));
        Assert.Throws<AudioFormatException>(() => Mp3Decoder.Decode([(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0, 0, 0, 0]));
        Random random = new(7);
        for (int i = 0; i < 200; i++)
        {
            byte[] noise = new byte[random.Next(4, 4000)];
            random.NextBytes(noise);
            noise[0] = 0xFF;
            noise[1] = 0xFB;
            try
            {
                _ = Mp3Decoder.Decode(noise);
            }
            catch (AudioFormatException)
            {
                // the one exception bad input may cause
            }
        }
    }

    private static float[] FfmpegMono(string path, int channels)
    {
        byte[] raw = ExternalTools.RunFfmpeg("-i", path, "-f", "f32le", "-acodec", "pcm_f32le", "-").EnsureSuccess().StandardOutputBytes;
        float[] interleaved = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, interleaved, 0, interleaved.Length * 4);
        float[] mono = new float[interleaved.Length / channels];
        for (int i = 0; i < mono.Length; i++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += interleaved[(i * channels) + c];
            }

            mono[i] = sum / channels;
        }

        return mono;
    }

    private static int CountFrames(byte[] data)
    {
        // MPEG-2 Layer III frame length: 72 * bitrate / rate + padding.
        int[] bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
        int[] rates = [22_050, 24_000, 16_000];
        int count = 0;
        for (int at = 0; at + 4 <= data.Length;)
        {
            if (data[at] != 0xFF || (data[at + 1] & 0xE0) != 0xE0)
            {
                at++;
                continue;
            }

            int length = 72 * bitrates[data[at + 2] >> 4] * 1000 / rates[(data[at + 2] >> 2) & 3] + ((data[at + 2] >> 1) & 1);
            count++;
            at += length;
        }

        return count;
    }
}
