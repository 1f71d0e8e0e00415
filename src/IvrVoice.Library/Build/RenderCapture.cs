using System.Collections.Concurrent;
using IvrVoice.Audio;
using IvrVoice.Providers;

namespace IvrVoice.Library.Build;

/// <summary>
/// Sits in front of the router during builds and keeps each render's decoded audio by prompt key, so the build can
/// master it once more into 16-bit PCM for the linear and A-law exports instead of decoding the μ-law it was stored as.
/// </summary>
internal sealed class RenderCapture(ITtsRouter inner) : ITtsRouter
{
    private readonly ConcurrentDictionary<string, PcmAudio> _sources = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Routes => inner.Routes;

    public string DefaultModel => inner.DefaultModel;

    public bool Supports(string model) => inner.Supports(model);

    public IReadOnlyList<RouteHealth> GetHealth() => inner.GetHealth();

    public async Task<RoutedTts> SynthesizeAsync(TtsRequest request, RenderUrgency urgency, string? onlyProvider, CancellationToken cancellationToken)
    {
        RoutedTts routed = await inner.SynthesizeAsync(request, urgency, onlyProvider, cancellationToken).ConfigureAwait(false);
        // Only batch renders are kept: a build takes each one back at once, while in-call renders are never asked for.
        if (urgency == RenderUrgency.Batch && routed.Audio is { } audio && request.IdempotencyKey is { } key)
        {
            _sources[key] = audio.Pcm;
        }

        return routed;
    }

    /// <summary>The decoded audio of the last render of <paramref name="promptKey"/>, removed from the capture.</summary>
    public PcmAudio? Take(string promptKey) => _sources.TryRemove(promptKey, out PcmAudio? audio) ? audio : null;

    /// <summary>Forgets a render the build will not use (it failed quality checks).</summary>
    public void Forget(string promptKey) => _sources.TryRemove(promptKey, out _);
}
