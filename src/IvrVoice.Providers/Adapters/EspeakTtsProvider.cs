using System.Buffers;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using IvrVoice.Audio;
using IvrVoice.Providers.Configuration;
using IvrVoice.Providers.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// The offline engine: runs <c>espeak-ng --stdout -v VOICE -s RATE --stdin</c> directly (never through a shell), with
/// the text on standard input, and reads its 22.05 kHz WAV. Gemini voice names map to fixed espeak-ng variants; a
/// two-speaker prompt is spoken line by line ("Name: text") with each speaker's voice.
/// </summary>
internal sealed partial class EspeakTtsProvider : ITtsProvider, ISpeakerCapability
{
    private const int DefaultWordsPerMinute = 165;
    private const string DefaultLanguage = "en-us";
    private static readonly ConcurrentDictionary<string, Lazy<HashSet<string>>> s_languages = new(StringComparer.Ordinal);

    private readonly RouteOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EspeakTtsProvider> _logger;

    public EspeakTtsProvider(IOptionsMonitor<RouteOptions> options, TimeProvider timeProvider, ILogger<EspeakTtsProvider> logger)
    {
        _options = options.Get(RouteNames.Espeak);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string Name => RouteNames.Espeak;

    /// <summary>Two speakers are voiced turn by turn.</summary>
    public bool SupportsTwoSpeakers => true;

    public bool Supports(string model) => ModelCatalog.Normalize(model) == ModelCatalog.EspeakNg;

    public async Task<TtsOutcome> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Supports(request.Model))
        {
            return Fail(TtsFailureKind.InvalidRequest, $"espeak-ng renders only the model {ModelCatalog.EspeakNg}, not {request.Model}");
        }

        long started = _timeProvider.GetTimestamp();
        int rate = WordsPerMinute(request.Style);
        List<(string Voice, string Text)> segments = Segments(request);
        List<PcmAudio> parts = [];
        byte[]? single = null;
        foreach ((string voice, string text) in segments)
        {
            string espeakVoice = EspeakVoice(voice, request.Language);
            (byte[]? wav, TtsFailure? failure) = await RunAsync(espeakVoice, rate, text, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }

            try
            {
                parts.Add(AudioPayload.Decode(wav!, "audio/wav", null, _options.MaxResponseBytes));
            }
            catch (AudioFormatException ex)
            {
                return Fail(TtsFailureKind.MalformedAudio, $"espeak-ng wrote unusable audio: {ex.Message}");
            }

            single = wav;
        }

        PcmAudio pcm = parts.Count == 1 ? parts[0] : Concatenate(parts);
        byte[] bytes = parts.Count == 1 ? single! : AudioEncoder.Encode(pcm.Samples, pcm.SampleRate, OutputFormat.Pcm16Wav);
        return new TtsAudio
        {
            Provider = Name,
            Bytes = bytes,
            ContentType = "audio/wav",
            Pcm = pcm,
            Usage = new TtsUsage(null, null, request.Text.Length),
            CostUsd = 0m,
            Latency = _timeProvider.GetElapsedTime(started),
        };
    }

    /// <summary>espeak-ng writing a WAV of the text it reads from standard input, for both whole and streamed renders.</summary>
    private ProcessStartInfo StartInfo(string voice, int rate)
    {
        ProcessStartInfo start = new(_options.BinaryPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        // Arguments are passed as a list, never parsed by a shell; the text never appears on the command line.
        foreach (string argument in (string[])["--stdout", "-v", voice, "-s", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", "1", "--stdin"])
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private async Task<(byte[]? Wav, TtsFailure? Failure)> RunAsync(string voice, int rate, string text, CancellationToken cancellationToken)
    {
        using Process process = new() { StartInfo = StartInfo(voice, rate) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return (null, Fail(TtsFailureKind.Unavailable, $"cannot run '{_options.BinaryPath}' ({ex.Message}); install espeak-ng or set {RouteNames.SectionOf(Name)}:BinaryPath"));
        }

        using CancellationTokenRegistration kill = cancellationToken.Register(static p => KillQuietly((Process)p!), process);
        try
        {
            Task<(byte[] Bytes, bool Overflow)> stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, _options.MaxResponseBytes, cancellationToken);
            Task<(byte[] Bytes, bool Overflow)> stderr = ReadBoundedAsync(process.StandardError.BaseStream, 16 * 1024, cancellationToken);
            await process.StandardInput.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
            (byte[] wav, bool overflow) = await stdout.ConfigureAwait(false);
            (byte[] errorBytes, _) = await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            string error = Encoding.UTF8.GetString(errorBytes).Trim();
            if (overflow)
            {
                KillQuietly(process);
                return (null, Fail(TtsFailureKind.MalformedAudio, $"espeak-ng wrote more than {RouteNames.SectionOf(Name)}:MaxResponseBytes"));
            }

            if (process.ExitCode != 0 || wav.Length == 0)
            {
                TtsFailureKind kind = error.Contains("voice", StringComparison.OrdinalIgnoreCase) ? TtsFailureKind.InvalidRequest : TtsFailureKind.TransientUpstream;
                return (null, Fail(kind, $"espeak-ng exited with {process.ExitCode}: {(error.Length > 0 ? error : "no output")} (voice {voice})"));
            }

            return (wav, null);
        }
        catch (OperationCanceledException)
        {
            KillQuietly(process);
            throw;
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // espeak-ng closed its input early (bad voice): its exit code and message say why.
            KillQuietly(process);
            return (null, Fail(TtsFailureKind.TransientUpstream, $"espeak-ng stopped early: {ex.Message}"));
        }
    }

    private static async Task<(byte[] Bytes, bool Overflow)> ReadBoundedAsync(Stream stream, long max, CancellationToken cancellationToken)
    {
        ArrayBufferWriter<byte> buffer = new(64 * 1024);
        while (true)
        {
            int read = await stream.ReadAsync(buffer.GetMemory(64 * 1024), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer.WrittenSpan.ToArray(), false);
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                return ([], true);
            }
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (Win32Exception)
        {
        }
    }

    private string EspeakVoice(string voice, string? language)
    {
        if (!VoiceCatalog.IsGeminiVoice(voice))
        {
            return voice;   // an espeak-ng name, already validated and lower-cased
        }

        return VoiceCatalog.ToEspeakVoice(VoiceCatalog.Normalize(ModelCatalog.EspeakNg, voice)!, EspeakLanguage(language));
    }

    /// <summary>The espeak-ng language for a BCP-47 tag: the full tag if espeak-ng has it (en-gb), else its language (de).</summary>
    private string EspeakLanguage(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return DefaultLanguage;
        }

        string tag = language.Trim().ToLowerInvariant().Replace('_', '-');
        HashSet<string> known = s_languages.GetOrAdd(_options.BinaryPath, path => new Lazy<HashSet<string>>(() => ListLanguages(path))).Value;
        if (known.Count == 0 || known.Contains(tag))
        {
            return known.Count == 0 && !EspeakTag().IsMatch(tag) ? DefaultLanguage : tag;
        }

        string primary = tag.Split('-')[0];
        if (known.Contains(primary))
        {
            return primary;
        }

        Log.UnknownLanguage(_logger, language);
        return DefaultLanguage;
    }

    private static HashSet<string> ListLanguages(string binary)
    {
        HashSet<string> languages = new(StringComparer.Ordinal);
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(binary, ["--voices"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            string listing = process.StandardOutput.ReadToEnd();
            process.WaitForExit(5000);
            foreach (string line in listing.Split('\n').Skip(1))
            {
                string[] columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 1)
                {
                    languages.Add(columns[1].ToLowerInvariant());
                }
            }
        }
        catch (Win32Exception)
        {
        }

        return languages;
    }

    private int WordsPerMinute(string? style)
    {
        int rate = _options.WordsPerMinute ?? DefaultWordsPerMinute;
        if (style is null)
        {
            return rate;
        }

        // The nearest espeak-ng has to a style: slower or faster speech.
        if (style.Contains("slow", StringComparison.OrdinalIgnoreCase) || style.Contains("calm", StringComparison.OrdinalIgnoreCase))
        {
            return rate * 85 / 100;
        }

        return style.Contains("fast", StringComparison.OrdinalIgnoreCase) || style.Contains("quick", StringComparison.OrdinalIgnoreCase)
            ? rate * 120 / 100
            : rate;
    }

    /// <summary>Splits a two-speaker prompt into "Name: text" turns; a single-voice prompt is one segment.</summary>
    private static List<(string Voice, string Text)> Segments(TtsRequest request)
    {
        string text = ModelCatalog.StripTags(request.Text);
        if (request.Speakers.Count != 2)
        {
            return [(request.Voice, text)];
        }

        List<(string Voice, string Text)> segments = [];
        string voice = request.Speakers[0].Voice;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string spoken = line;
            foreach (TtsSpeaker speaker in request.Speakers)
            {
                if (line.StartsWith(speaker.Name + ":", StringComparison.OrdinalIgnoreCase))
                {
                    voice = speaker.Voice;
                    spoken = line[(speaker.Name.Length + 1)..].Trim();
                    break;
                }
            }

            if (spoken.Length > 0)
            {
                segments.Add((voice, spoken));
            }
        }

        return segments.Count > 0 ? segments : [(request.Speakers[0].Voice, text)];
    }

    private static PcmAudio Concatenate(List<PcmAudio> parts)
    {
        float[] samples = new float[parts.Sum(p => p.Samples.Length)];
        int offset = 0;
        foreach (PcmAudio part in parts)
        {
            part.Samples.CopyTo(samples, offset);
            offset += part.Samples.Length;
        }

        return new PcmAudio(samples, parts[0].SampleRate);
    }

    private TtsFailure Fail(TtsFailureKind kind, string message) => new(Name, kind, message);

    [GeneratedRegex(@"^[a-z]{2,3}(-[a-z0-9]{1,8}){0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex EspeakTag();

    private static partial class Log
    {
        [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "espeak-ng has no voice for language {Language}; using en-us")]
        public static partial void UnknownLanguage(ILogger logger, string language);
    }
}
