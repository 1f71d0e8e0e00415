using System.Buffers.Binary;
using IvrVoice.Audio;

namespace IvrVoice.Library.Build;

/// <summary>
/// The files each export target gets for a prompt, and their bytes. The μ-law files (Twilio, Connect, Asterisk .ulaw)
/// are the cached prompt's own μ-law samples, byte for byte. The linear files (Asterisk .sln, FreeSWITCH WAV) and the
/// A-law file are encoded from the 16-bit master: the mastered 8 kHz signal before μ-law, rounded to 16 bits, so A-law
/// is not μ-law transcoded to A-law. A prompt that comes from the cache without its master gets them from its decoded μ-law.
/// </summary>
internal static class LibraryExports
{
    public const string Twilio = "twilio";
    public const string AsteriskUlaw = "asterisk-ulaw";
    public const string AsteriskAlaw = "asterisk-alaw";
    public const string AsteriskSln = "asterisk-sln";
    public const string FreeSwitch = "freeswitch";
    public const string Connect = "connect";

    public const string MasteredSource = "mastered";
    public const string MuLawSource = "mulaw";

    private const int Rate = 8000;

    /// <summary>The file keys of <paramref name="targets"/>, in output order.</summary>
    public static IReadOnlyList<string> FileKeys(ExportTargets targets)
    {
        List<string> keys = [];
        if (targets.HasFlag(ExportTargets.Twilio))
        {
            keys.Add(Twilio);
        }

        if (targets.HasFlag(ExportTargets.Asterisk))
        {
            keys.AddRange([AsteriskUlaw, AsteriskAlaw, AsteriskSln]);
        }

        if (targets.HasFlag(ExportTargets.FreeSwitch))
        {
            keys.Add(FreeSwitch);
        }

        if (targets.HasFlag(ExportTargets.Connect))
        {
            keys.Add(Connect);
        }

        return keys;
    }

    /// <summary>Where a file goes, relative to the output folder, with forward slashes.</summary>
    public static string PathOf(string fileKey, string language, string id) => fileKey switch
    {
        Twilio => $"twilio/{language}/{id}.wav",
        // Asterisk names languages with an underscore (en_US), and falls back from en_US to en by that shape.
        AsteriskUlaw => $"asterisk/sounds/{AsteriskLanguage(language)}/{id}.ulaw",
        AsteriskAlaw => $"asterisk/sounds/{AsteriskLanguage(language)}/{id}.alaw",
        AsteriskSln => $"asterisk/sounds/{AsteriskLanguage(language)}/{id}.sln",
        // FreeSWITCH looks for a sound in the folder named after the channel's rate under its sound prefix.
        FreeSwitch => $"freeswitch/{language}/8000/{id}.wav",
        Connect => $"connect/{language}/{id}.wav",
        _ => throw new ArgumentOutOfRangeException(nameof(fileKey), fileKey, "Unknown export file."),
    };

    public static string AsteriskLanguage(string language) => language.Replace('-', '_');

    /// <summary>The bytes of one export file.</summary>
    public static byte[] Produce(string fileKey, ReadOnlyMemory<byte> muLawWav, ExportMaster master) => fileKey switch
    {
        Twilio or Connect => muLawWav.ToArray(),
        AsteriskUlaw => WavData(muLawWav.Span).ToArray(),
        AsteriskAlaw => AudioEncoder.Encode(master.Samples, Rate, OutputFormat.RawALaw),
        AsteriskSln => AudioEncoder.Encode(master.Samples, Rate, OutputFormat.RawSln),
        FreeSwitch => AudioEncoder.Encode(master.Samples, Rate, OutputFormat.Pcm16Wav),
        _ => throw new ArgumentOutOfRangeException(nameof(fileKey), fileKey, "Unknown export file."),
    };

    /// <summary>Whether a file key's bytes depend on the master (rather than only on the μ-law audio).</summary>
    public static bool UsesMaster(string fileKey) => fileKey is AsteriskAlaw or AsteriskSln or FreeSwitch;

    /// <summary>The bytes of the <c>data</c> chunk of a WAV the build wrote (the μ-law prompt, a FreeSWITCH file).</summary>
    /// <exception cref="AudioFormatException">The bytes are not a RIFF WAVE file with a data chunk.</exception>
    public static ReadOnlySpan<byte> WavData(ReadOnlySpan<byte> wav)
    {
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException(AudioErrorKind.UnrecognisedContainer, "The audio is not a RIFF WAVE file.");
        }

        int position = 12;
        while (position + 8 <= wav.Length)
        {
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(position + 4, 4));
            int start = position + 8;
            if (wav.Slice(position, 4).SequenceEqual("data"u8))
            {
                return wav.Slice(start, (int)Math.Min(size, (uint)(wav.Length - start)));
            }

            // Chunks are padded to an even length.
            long next = start + (long)size + (size & 1);
            if (next > wav.Length)
            {
                break;
            }

            position = (int)next;
        }

        throw new AudioFormatException(AudioErrorKind.Truncated, "The WAV file has no data chunk.");
    }
}

/// <summary>The 8 kHz signal the linear and A-law exports are encoded from: whole 16-bit values, as floats on the 16-bit scale.</summary>
internal sealed class ExportMaster
{
    private ExportMaster(float[] samples, string source)
    {
        Samples = samples;
        Source = source;
    }

    public float[] Samples { get; }

    /// <summary><see cref="LibraryExports.MasteredSource"/> or <see cref="LibraryExports.MuLawSource"/>.</summary>
    public string Source { get; }

    /// <summary>16-bit little-endian samples (a .sln file, or the data of a 16-bit WAV) written from a master of <paramref name="source"/>.</summary>
    public static ExportMaster FromPcm16(ReadOnlySpan<byte> pcm, string source)
    {
        float[] samples = new float[pcm.Length / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm[(2 * i)..]);
        }

        return new ExportMaster(samples, source);
    }

    /// <summary>The decoded μ-law samples: exact (each code stands for one 14-bit value), but with μ-law's quantisation.</summary>
    public static ExportMaster FromMuLaw(ReadOnlySpan<byte> muLawWav)
    {
        ReadOnlySpan<byte> codes = LibraryExports.WavData(muLawWav);
        float[] samples = new float[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            samples[i] = IvrVoice.Audio.Codecs.G711.DecodeMuLaw(codes[i]);
        }

        return new ExportMaster(samples, LibraryExports.MuLawSource);
    }
}
