using System.Buffers.Binary;
using System.Diagnostics;

namespace IvrVoice.ProviderEmulator;

/// <summary>
/// The speech every route serves: espeak-ng's voice resampled to 24 kHz by sox when both are installed, otherwise a
/// synthetic voiced signal (a gliding pitch with harmonics and syllable-rate envelope). Mono signed 16-bit.
/// </summary>
public sealed partial class SpeechClip
{
    public const int SampleRate = 24_000;
    private const string Sentence = "Thank you for calling. Please hold.";

    private SpeechClip(short[] samples, bool fromEspeak)
    {
        Samples = samples;
        FromEspeak = fromEspeak;
    }

    public short[] Samples { get; }

    /// <summary>True when the clip is real synthesized speech rather than the synthetic fallback.</summary>
    public bool FromEspeak { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>Raw little-endian PCM, as Gemini and OpenRouter send it.</summary>
    public byte[] Pcm16()
    {
        byte[] bytes = new byte[Samples.Length * 2];
        for (int i = 0; i < Samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), Samples[i]);
        }

        return bytes;
    }

    public byte[] Wav() => Wav(Samples);

    /// <summary>A canonical 44-byte-header PCM WAV at 24 kHz.</summary>
    public static byte[] Wav(ReadOnlySpan<short> samples)
    {
        byte[] file = new byte[44 + (samples.Length * 2)];
        Span<byte> h = file;
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], file.Length - 8);
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[40..], samples.Length * 2);
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(h[(44 + (2 * i))..], samples[i]);
        }

        return file;
    }

    /// <summary>The spoken sentence, repeated with 300 ms pauses until it lasts at least <paramref name="minimumLength"/> when given.</summary>
    public static SpeechClip Create(TimeSpan? minimumLength = null)
    {
        short[]? speech = TryEspeak();
        bool fromEspeak = speech is { Length: > SampleRate / 2 };
        short[] samples = fromEspeak ? speech! : Synthetic();
        if (minimumLength is { } minimum)
        {
            List<short> longer = [.. samples];
            while (longer.Count < minimum.TotalSeconds * SampleRate)
            {
                longer.AddRange(new short[SampleRate * 3 / 10]);
                longer.AddRange(samples);
            }

            samples = [.. longer];
        }

        return new SpeechClip(samples, fromEspeak);
    }

    private static short[]? TryEspeak()
    {
        try
        {
            // espeak-ng writes 22.05 kHz WAV; sox resamples it to the 24 kHz raw PCM the Gemini routes return (-D: no dither, so
            // every run serves the same samples).
            byte[] wav = Run("espeak-ng", ["--stdout", "-v", "en-us", "-s", "165", Sentence], null);
            byte[] raw = Run("sox", ["-D", "-t", "wav", "-", "-t", "raw", "-r", "24000", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-"], wav);
            short[] samples = new short[raw.Length / 2];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(2 * i));
            }

            return samples;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    internal static byte[] Run(string program, string[] arguments, byte[]? input)
    {
        ProcessStartInfo start = new(program, arguments)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using MemoryStream output = new();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }

        copy.Wait();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.ToArray() : throw new InvalidOperationException($"{program} failed: {errors.Result}");
    }

    // 2.5 s of a voiced sound: pitch gliding 110-150 Hz, 12 harmonics rolling off, syllables at about 4 Hz.
    private static short[] Synthetic()
    {
        int n = SampleRate * 5 / 2;
        short[] samples = new short[n];
        double phase = 0;
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / SampleRate;
            double f0 = 130 + (20 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * f0 / SampleRate;
            double value = 0;
            for (int h = 1; h <= 12; h++)
            {
                value += Math.Sin(h * phase) / h;
            }

            double envelope = Math.Pow(Math.Max(0, Math.Sin(Math.PI * 4 * t)), 0.6);
            samples[i] = (short)(value * envelope * 6000);
        }

        return samples;
    }
}
