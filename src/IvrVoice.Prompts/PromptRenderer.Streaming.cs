using System.Diagnostics;
using IvrVoice.Caching;
using IvrVoice.Prompts.Telemetry;
using IvrVoice.Providers;

namespace IvrVoice.Prompts;

public sealed partial class PromptRenderer
{
    /// <summary>The provider request a spec renders from (its prompt key as the idempotency key).</summary>
    public static TtsRequest CreateTtsRequest(PromptSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new TtsRequest(spec) { IdempotencyKey = PromptKeys.For(spec).ToString() };
    }

    /// <summary>
    /// Stores audio that was streamed to a caller as it rendered: the same quality checks, full mastering and transcoding as
    /// a whole render, then the cache, so the next caller gets it at once.
    /// </summary>
    /// <exception cref="PromptRenderException">The audio failed the quality checks or could not be transcoded; nothing is stored.</exception>
    public async Task<CachedPrompt> StoreStreamedAsync(PromptSpec spec, TtsAudio audio, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(audio);
        long started = Stopwatch.GetTimestamp();
        using Activity? activity = PromptsTracing.Source.StartActivity("prompt.store_streamed");
        activity?.SetTag("ivrvoice.prompt.model", spec.Model);
        CachedPrompt prompt = Finish(spec, PromptKeys.For(spec), audio, [], activity, started);
        await _cache.PutAsync(prompt, pinned: false, cancellationToken).ConfigureAwait(false);
        return prompt;
    }
}
