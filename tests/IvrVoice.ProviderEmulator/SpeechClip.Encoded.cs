using System.Collections.Concurrent;
using System.Globalization;

namespace IvrVoice.ProviderEmulator;

/// <summary>The compressed formats a gateway can answer in (AIgateway's <c>format</c>, OpenRouter's <c>response_format</c>).</summary>
public enum ClipFormat
{
    /// <summary>MP3 from LAME at 48 kbit/s, with its LAME/Xing header (encoder delay and padding): AIgateway's and OpenRouter's default.</summary>
    Mp3,
    /// <summary>Native FLAC (AIgateway <c>format: flac</c>).</summary>
    Flac,
    /// <summary>Opus in Ogg (AIgateway <c>format: opus</c>).</summary>
    OggOpus,
    /// <summary>AAC in ADTS, as some gateways answer.</summary>
    Aac,
}

public sealed partial class SpeechClip
{
    private readonly ConcurrentDictionary<ClipFormat, Lazy<byte[]>> _encoded = new();

    /// <summary>
    /// The clip encoded by ffmpeg in <paramref name="format"/>, made on first use and then kept (every answer in that format
    /// is the same bytes, so a test can decode exactly what was served).
    /// </summary>
    /// <exception cref="InvalidOperationException">ffmpeg is not installed, or failed.</exception>
    public byte[] Encoded(ClipFormat format) =>
        _encoded.GetOrAdd(format, f => new Lazy<byte[]>(() => Encode(f), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>The MIME type a gateway sends with <paramref name="format"/>.</summary>
    public static string ContentType(ClipFormat format) => format switch
    {
        ClipFormat.Mp3 => "audio/mpeg",
        ClipFormat.Flac => "audio/flac",
        ClipFormat.OggOpus => "audio/opus",
        _ => "audio/aac",
    };

    private byte[] Encode(ClipFormat format)
    {
        string[] codec = format switch
        {
            ClipFormat.Mp3 => ["-c:a", "libmp3lame", "-b:a", "48k"],
            ClipFormat.Flac => ["-c:a", "flac", "-f", "flac"],
            ClipFormat.OggOpus => ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg"],
            _ => ["-c:a", "aac", "-b:a", "48k", "-f", "adts"],
        };
        string rate = SampleRate.ToString(CultureInfo.InvariantCulture);
        string[] input = ["-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", rate, "-ac", "1", "-i", "pipe:0", "-map_metadata", "-1"];
        try
        {
            if (format != ClipFormat.Mp3)
            {
                return Run("ffmpeg", [.. input, .. codec, "pipe:1"], Pcm16());
            }

            // MP3 goes to a file: ffmpeg writes the LAME/Xing header (gapless delay and padding) only on seekable output.
            string path = Path.Combine(Path.GetTempPath(), $"ivrvoice-emulator-{Guid.NewGuid():N}.mp3");
            try
            {
                _ = Run("ffmpeg", [.. input, .. codec, "-y", path], Pcm16());
                return File.ReadAllBytes(path);
            }
            finally
            {
                File.Delete(path);
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"The emulator serves {format} through ffmpeg, which is not installed: bash scripts/setup.sh (apt-get install ffmpeg).", e);
        }
    }
}
