using System.Text.Json.Nodes;
using IvrVoice.Providers.Configuration;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// AIgateway's OpenAI-compatible <c>POST /v1/audio/speech</c>. Its schema says <c>format</c> while its quick-start
/// sends <c>response_format</c>, so both ask for WAV; what comes back is identified by its bytes (MP3 is refused).
/// </summary>
internal sealed class AiGatewayTtsProvider(HttpRouteServices services)
    : HttpTtsProvider(RouteNames.AiGateway, services)
{
    protected override async Task<TtsOutcome> SynthesizeCoreAsync(TtsRequest request, string modelId, long started, CancellationToken cancellationToken)
    {
        JsonObject body = new()
        {
            ["model"] = modelId,
            ["input"] = WithStylePreamble(request),
            ["voice"] = request.Voice,
            ["format"] = "wav",
            ["response_format"] = "wav",
        };
        return await PostForAudioAsync(Endpoint("/v1/audio/speech"), body, null, request, started, "x-request-id", null, null, cancellationToken)
            .ConfigureAwait(false);
    }
}
