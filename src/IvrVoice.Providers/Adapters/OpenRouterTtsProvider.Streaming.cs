using System.Text.Json.Nodes;
using IvrVoice.Audio;
using IvrVoice.Providers.Streaming;

namespace IvrVoice.Providers.Adapters;

/// <summary>OpenRouter's raw PCM body is headerless, so each piece read from the socket is audio that can be played at once.</summary>
internal sealed partial class OpenRouterTtsProvider : IStreamingTtsProvider
{
    public bool CanStream(TtsRequest request) => Models.Supports(request.Model);

    public async Task<TtsChunkSource> OpenStreamAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        string modelId = Models.RouteIdOf(request.Model) ?? throw StreamFailure(TtsFailureKind.InvalidRequest, $"this route does not serve model {request.Model}");
        if (string.IsNullOrWhiteSpace(Options.ApiKey))
        {
            throw StreamFailure(TtsFailureKind.Unavailable, $"{Section}:ApiKey is not set");
        }

        JsonObject body = new() { ["model"] = modelId, ["input"] = request.Text, ["voice"] = request.Voice, ["response_format"] = "pcm" };
        if (!string.IsNullOrWhiteSpace(request.Style))
        {
            body["instructions"] = request.Style.Trim();
        }

        HttpResponseMessage response = await OpenStreamingAsync(Endpoint("/v1/audio/speech"), body, AddAttribution, cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsJson(response.Content.Headers.ContentType))
            {
                throw StreamFailure(TtsFailureKind.TransientUpstream, "the answer is JSON, not audio");
            }

            string? type = response.Content.Headers.ContentType?.ToString();
            RawPcmFormat format = RawPcmFormat.TryParseContentType(type, out RawPcmFormat declared) ? declared : s_pcm;
            if (format.Encoding != RawSampleEncoding.S16LE || format.Channels != 1
                || !IvrVoice.Audio.Resampling.Resampler.IsSupported(format.SampleRate, IvrVoice.Audio.Resampling.Resampler.TelephonyRate))
            {
                throw StreamFailure(TtsFailureKind.MalformedAudio, $"audio of type {type} cannot be played as it arrives");
            }

            Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            string? id = response.Headers.TryGetValues("X-Generation-Id", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
            return new RawPcmSource(this, format.SampleRate, stream, response, id);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Headerless s16le read as it arrives.</summary>
    private sealed class RawPcmSource : TtsChunkSource
    {
        private readonly OpenRouterTtsProvider _route;
        private readonly Stream _stream;
        private readonly HttpResponseMessage _response;
        private readonly Pcm16Chunker _chunker = new();
        private readonly byte[] _buffer = new byte[16 * 1024];
        private long _bytes;

        public RawPcmSource(OpenRouterTtsProvider route, int sampleRate, Stream stream, HttpResponseMessage response, string? requestId)
        {
            _route = route;
            SampleRate = sampleRate;
            _stream = stream;
            _response = response;
            RequestId = requestId;
        }

        public override int SampleRate { get; }

        public override async ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int read;
                try
                {
                    read = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    throw _route.StreamBroke(ex);
                }

                if (read == 0)
                {
                    return null;
                }

                _bytes += read;
                if (_bytes > _route.MaxStreamBytes)
                {
                    throw _route.StreamFailure(TtsFailureKind.MalformedAudio, $"the answer is over {_route.Section}:MaxResponseBytes");
                }

                float[] samples = _chunker.Append(_buffer.AsSpan(0, read));
                if (samples.Length > 0)
                {
                    return samples;
                }
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            _response.Dispose();
        }
    }
}
