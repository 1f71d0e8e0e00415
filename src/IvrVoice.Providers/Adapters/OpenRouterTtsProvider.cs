using System.Text.Json.Nodes;
using IvrVoice.Audio;
using IvrVoice.Providers.Configuration;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// OpenRouter's <c>POST /api/v1/audio/speech</c>, asking for raw PCM (<c>audio/pcm;rate=24000;channels=1</c>).
/// The <c>X-Generation-Id</c> header is kept as the request id. The style goes in <c>instructions</c>.
/// </summary>
internal sealed partial class OpenRouterTtsProvider(HttpRouteServices services)
    : HttpTtsProvider(RouteNames.OpenRouter, services)
{
    private static readonly RawPcmFormat s_pcm = new(24_000);

    protected override async Task<TtsOutcome> SynthesizeCoreAsync(TtsRequest request, string modelId, long started, CancellationToken cancellationToken)
    {
        JsonObject body = new()
        {
            ["model"] = modelId,
            ["input"] = request.Text,
            ["voice"] = request.Voice,
            ["response_format"] = "pcm",
        };
        if (!string.IsNullOrWhiteSpace(request.Style))
        {
            body["instructions"] = request.Style.Trim();
        }

        // The PCM answer is headerless; without a Content-Type it is what OpenRouter documents for Gemini: s16le 24 kHz mono.
        return await PostForAudioAsync(Endpoint("/v1/audio/speech"), body, AddAttribution, request, started, "X-Generation-Id", s_pcm, null, cancellationToken)
            .ConfigureAwait(false);
    }

    protected override TtsFailure Classify(HttpReply reply) =>
        (int)reply.Status == 403
            ? Fail(TtsFailureKind.ContentBlocked, $"HTTP 403 (moderation flagged the input): {ErrorDetail(reply)}")
            : base.Classify(reply);

    private void AddAttribution(HttpRequestMessage message)
    {
        if (!string.IsNullOrWhiteSpace(Options.Referer))
        {
            message.Headers.TryAddWithoutValidation("HTTP-Referer", Options.Referer);
        }

        if (!string.IsNullOrWhiteSpace(Options.Title))
        {
            message.Headers.TryAddWithoutValidation("X-Title", Options.Title);
        }
    }
}
