using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using IvrVoice.Providers.Configuration;
using IvrVoice.Providers.Streaming;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// espeak-ng writes its WAV to standard output as it synthesises (the header first, with a placeholder size), so the samples
/// are read as they come. Two-speaker prompts run one process per turn and are rendered whole instead.
/// </summary>
internal sealed partial class EspeakTtsProvider : IStreamingTtsProvider
{
    private const int MaxHeaderBytes = 4096;

    public bool CanStream(TtsRequest request) => Supports(request.Model) && request.Speakers.Count != 2;

    public Task<TtsChunkSource> OpenStreamAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!CanStream(request))
        {
            throw new TtsStreamException(Fail(TtsFailureKind.InvalidRequest, "espeak-ng streams only single-voice prompts of its own model"));
        }

        string voice = EspeakVoice(request.Voice, request.Language);
        Process process = new() { StartInfo = StartInfo(voice, WordsPerMinute(request.Style)) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new TtsStreamException(Fail(TtsFailureKind.Unavailable, $"cannot run '{_options.BinaryPath}' ({ex.Message}); install espeak-ng or set {RouteNames.SectionOf(Name)}:BinaryPath"));
        }

        return Task.FromResult<TtsChunkSource>(new ProcessSource(this, process, ModelCatalog.StripTags(request.Text), voice));
    }

    /// <summary>The process's standard output: the WAV header is parsed as it arrives, then every piece is samples.</summary>
    private sealed class ProcessSource : TtsChunkSource
    {
        private readonly EspeakTtsProvider _route;
        private readonly Process _process;
        private readonly Task _input;
        private readonly Task<string> _errors;
        private readonly byte[] _buffer = new byte[8 * 1024];
        private readonly Pcm16Chunker _chunker = new();
        private readonly string _voice;
        private byte[] _header = [];
        private int _sampleRate;
        private long _bytes;

        public ProcessSource(EspeakTtsProvider route, Process process, string text, string voice)
        {
            _route = route;
            _process = process;
            _voice = voice;
            _input = WriteInputAsync(process, text);
            _errors = process.StandardError.ReadToEndAsync();
        }

        public override int SampleRate => _sampleRate;

        public override async ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken)
        {
            using CancellationTokenRegistration kill = cancellationToken.Register(static p => KillQuietly((Process)p!), _process);
            while (true)
            {
                int read;
                try
                {
                    read = await _process.StandardOutput.BaseStream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TtsStreamException(_route.Fail(TtsFailureKind.TransientUpstream, $"espeak-ng stopped early: {ex.Message}"));
                }

                if (read == 0)
                {
                    await EndAsync(cancellationToken).ConfigureAwait(false);
                    return null;
                }

                _bytes += read;
                if (_bytes > _route._options.MaxResponseBytes)
                {
                    KillQuietly(_process);
                    throw new TtsStreamException(_route.Fail(TtsFailureKind.MalformedAudio, $"espeak-ng wrote more than {RouteNames.SectionOf(_route.Name)}:MaxResponseBytes"));
                }

                ReadOnlySpan<byte> piece = _buffer.AsSpan(0, read);
                if (_sampleRate == 0)
                {
                    _header = [.. _header, .. piece];
                    if (!TryParseHeader(_header, out int rate, out int dataStart))
                    {
                        continue;
                    }

                    _sampleRate = rate;
                    piece = _header.AsSpan(dataStart);
                }

                float[] samples = _chunker.Append(piece);
                if (samples.Length > 0)
                {
                    return samples;
                }
            }
        }

        private async Task EndAsync(CancellationToken cancellationToken)
        {
            await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            string error = (await _errors.ConfigureAwait(false)).Trim();
            if (_process.ExitCode != 0 || _sampleRate == 0)
            {
                TtsFailureKind kind = error.Contains("voice", StringComparison.OrdinalIgnoreCase) ? TtsFailureKind.InvalidRequest : TtsFailureKind.TransientUpstream;
                throw new TtsStreamException(_route.Fail(kind, $"espeak-ng exited with {_process.ExitCode}: {(error.Length > 0 ? error : "no output")} (voice {_voice})"));
            }
        }

        // RIFF/WAVE with a 16-bit mono PCM fmt chunk, then chunks up to "data"; espeak-ng writes a placeholder data size.
        private bool TryParseHeader(byte[] header, out int rate, out int dataStart)
        {
            rate = 0;
            dataStart = 0;
            if (header.Length < 12)
            {
                return false;
            }

            if (!header.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !header.AsSpan(8, 4).SequenceEqual("WAVE"u8))
            {
                throw Malformed("espeak-ng's output is not a WAV file");
            }

            int at = 12;
            int channels = 0, bits = 0;
            while (at + 8 <= header.Length)
            {
                ReadOnlySpan<byte> id = header.AsSpan(at, 4);
                int size = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(at + 4));
                if (id.SequenceEqual("data"u8))
                {
                    if (rate == 0 || channels != 1 || bits != 16)
                    {
                        throw Malformed("espeak-ng's WAV is not 16-bit mono PCM");
                    }

                    dataStart = at + 8;
                    return true;
                }

                if (size < 0 || at + 8 + size > MaxHeaderBytes)
                {
                    throw Malformed("espeak-ng's WAV header is malformed");
                }

                if (at + 8 + size > header.Length)
                {
                    return false;
                }

                if (id.SequenceEqual("fmt "u8) && size >= 16)
                {
                    channels = BinaryPrimitives.ReadInt16LittleEndian(header.AsSpan(at + 10));
                    rate = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(at + 12));
                    bits = BinaryPrimitives.ReadInt16LittleEndian(header.AsSpan(at + 22));
                }

                at += 8 + size + (size & 1);
            }

            if (header.Length > MaxHeaderBytes)
            {
                throw Malformed("espeak-ng's WAV header is malformed");
            }

            return false;
        }

        private TtsStreamException Malformed(string message)
        {
            KillQuietly(_process);
            return new TtsStreamException(_route.Fail(TtsFailureKind.MalformedAudio, message));
        }

        private static async Task WriteInputAsync(Process process, string text)
        {
            try
            {
                await process.StandardInput.WriteAsync(text).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // espeak-ng closed its input early (bad voice): its exit code and message say why.
            }
        }

        public override async ValueTask DisposeAsync()
        {
            KillQuietly(_process);
            try
            {
                await _input.ConfigureAwait(false);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            finally
            {
                _process.Dispose();
            }
        }
    }
}
