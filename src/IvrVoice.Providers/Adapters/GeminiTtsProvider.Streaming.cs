using System.Text.Json;
using IvrVoice.Audio;
using IvrVoice.Providers.Streaming;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// Gemini's streaming form, <c>POST /v1beta/models/{model}:streamGenerateContent?alt=sse</c>: the same request body, answered
/// with server-sent events, each a <c>GenerateContentResponse</c> whose inline data is a piece of the raw L16 audio. The
/// last event carries <c>finishReason</c>; <c>STOP</c> ends the audio, anything else (Google's truncation with <c>OTHER</c>)
/// or an end of stream without one is a failure after whatever audio came before.
/// </summary>
internal sealed partial class GeminiTtsProvider : IStreamingTtsProvider
{
    // One event holds a few seconds of base64 audio at most; a megabyte leaves room and still bounds a hostile answer.
    private const int MaxEventBytes = 4 * 1024 * 1024;

    // Only 3.1's answer is headerless PCM that can be played as it arrives; 3.8 answers WAV.
    public bool CanStream(TtsRequest request) =>
        Models.Supports(request.Model) && ModelCatalog.GetTagDialect(request.Model) != TagDialect.AngleBrackets;

    public async Task<TtsChunkSource> OpenStreamAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        string modelId = Models.RouteIdOf(request.Model) ?? throw StreamFailure(TtsFailureKind.InvalidRequest, $"this route does not serve model {request.Model}");
        if (string.IsNullOrWhiteSpace(Options.ApiKey))
        {
            throw StreamFailure(TtsFailureKind.Unavailable, $"{Section}:ApiKey is not set");
        }

        Uri uri = Endpoint($"/v1beta/models/{Uri.EscapeDataString(modelId)}:streamGenerateContent?alt=sse");
        HttpResponseMessage response = await OpenStreamingAsync(uri, BuildBody(request), null, cancellationToken).ConfigureAwait(false);
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new SseSource(this, response, body);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private sealed class SseSource(GeminiTtsProvider route, HttpResponseMessage response, Stream body) : TtsChunkSource
    {
        private readonly SseReader _reader = new(body, MaxEventBytes);
        private readonly Pcm16Chunker _chunker = new();
        private int _sampleRate = s_geminiPcm.SampleRate;
        private long _bytes;
        private string? _finishReason;
        private bool _done;

        public override int SampleRate => _sampleRate;

        public override async ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken)
        {
            while (!_done)
            {
                string? data;
                try
                {
                    data = await _reader.ReadEventAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException && !cancellationToken.IsCancellationRequested)
                {
                    throw route.StreamBroke(ex);
                }

                if (data is null)
                {
                    _done = true;
                    if (_finishReason is null)
                    {
                        throw route.StreamFailure(TtsFailureKind.TransientUpstream, "the stream ended without a finishReason (connection cut)");
                    }

                    break;
                }

                float[]? samples = Parse(data);
                if (_finishReason is { } reason && reason != "STOP")
                {
                    _done = true;
                    TtsFailureKind kind = reason is "SAFETY" or "PROHIBITED_CONTENT" or "BLOCKLIST" or "SPII" ? TtsFailureKind.ContentBlocked : TtsFailureKind.TransientUpstream;
                    throw route.StreamFailure(kind, $"generation stopped early: finishReason {reason}");
                }

                if (samples is { Length: > 0 })
                {
                    return samples;
                }
            }

            return null;
        }

        private float[]? Parse(string data)
        {
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(data);
            }
            catch (JsonException)
            {
                throw route.StreamFailure(TtsFailureKind.TransientUpstream, "a streamed event is not JSON");
            }

            using (json)
            {
                JsonElement root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw route.StreamFailure(TtsFailureKind.TransientUpstream, "a streamed event is not a JSON object");
                }

                if (root.TryGetProperty("promptFeedback", out JsonElement feedback) && GetString(feedback, "blockReason") is { } blocked)
                {
                    throw route.StreamFailure(TtsFailureKind.ContentBlocked, $"the prompt was blocked ({blocked})");
                }

                if (root.TryGetProperty("error", out JsonElement error))
                {
                    throw route.StreamFailure(TtsFailureKind.TransientUpstream, $"the stream reported an error: {GetString(error, "message") ?? "no details"}");
                }

                RequestId ??= GetString(root, "responseId");
                if (!root.TryGetProperty("candidates", out JsonElement candidates) || candidates.ValueKind != JsonValueKind.Array || candidates.GetArrayLength() == 0)
                {
                    return null;
                }

                JsonElement candidate = candidates[0];
                _finishReason = GetString(candidate, "finishReason") ?? GetString(candidate, "finish_reason") ?? _finishReason;
                if (!candidate.TryGetProperty("content", out JsonElement content) || !content.TryGetProperty("parts", out JsonElement parts)
                    || parts.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                List<float[]> pieces = [];
                foreach (JsonElement part in parts.EnumerateArray())
                {
                    if (!(part.TryGetProperty("inlineData", out JsonElement inline) || part.TryGetProperty("inline_data", out inline)))
                    {
                        continue;
                    }

                    string? mime = GetString(inline, "mimeType") ?? GetString(inline, "mime_type");
                    if (mime is not null)
                    {
                        if (!RawPcmFormat.TryParseContentType(mime, out RawPcmFormat format) || format.Encoding != RawSampleEncoding.S16LE || format.Channels != 1
                            || !IvrVoice.Audio.Resampling.Resampler.IsSupported(format.SampleRate, IvrVoice.Audio.Resampling.Resampler.TelephonyRate))
                        {
                            throw route.StreamFailure(TtsFailureKind.MalformedAudio, $"streamed audio of type {mime} cannot be played as it arrives");
                        }

                        if (_bytes > 0 && format.SampleRate != _sampleRate)
                        {
                            throw route.StreamFailure(TtsFailureKind.MalformedAudio, "the sample rate changed mid-stream");
                        }

                        _sampleRate = format.SampleRate;
                    }

                    byte[] bytes;
                    try
                    {
                        bytes = Convert.FromBase64String(GetString(inline, "data") ?? "");
                    }
                    catch (FormatException)
                    {
                        throw route.StreamFailure(TtsFailureKind.MalformedAudio, "streamed inline audio is not valid base64");
                    }

                    _bytes += bytes.Length;
                    if (_bytes > route.MaxStreamBytes)
                    {
                        throw route.StreamFailure(TtsFailureKind.MalformedAudio, $"the stream is over {route.Section}:MaxResponseBytes");
                    }

                    pieces.Add(_chunker.Append(bytes));
                }

                return pieces.Count == 1 ? pieces[0] : [.. pieces.SelectMany(p => p)];
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await body.DisposeAsync().ConfigureAwait(false);
            response.Dispose();
        }
    }
}
