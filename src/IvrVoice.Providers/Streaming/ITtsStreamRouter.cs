namespace IvrVoice.Providers;

/// <summary>
/// Opens a render whose audio arrives as it is produced: Gemini direct (<c>streamGenerateContent?alt=sse</c>), OpenRouter's
/// raw PCM body and the offline engine's output are read progressively; the asynchronous gateways render whole and deliver
/// the result as one chunk. Routes are tried in <see cref="ITtsRouter.Routes"/> order; a failure before the first audio
/// chunk fails over to the next route, as a whole render does.
/// </summary>
public interface ITtsStreamRouter
{
    /// <summary>
    /// Whether the route that would serve <paramref name="request"/> streams it: the first route in order that serves its
    /// model, has a closed breaker and can voice its speakers, as a whole render would pick, asked about this very request.
    /// </summary>
    bool CanStream(TtsRequest request);

    /// <summary>
    /// Opens the first route that produces audio within the urgency's deadline. Failures before the first chunk come back
    /// in <see cref="TtsStreamResult.Failures"/>; only cancellation of <paramref name="cancellationToken"/> throws.
    /// </summary>
    Task<TtsStreamResult> OpenAsync(TtsRequest request, RenderUrgency urgency, CancellationToken cancellationToken);
}

/// <summary>An opened stream, or every failure met trying to open one.</summary>
public sealed record TtsStreamResult
{
    public TtsAudioStream? Stream { get; init; }

    /// <summary>Failures in the order they happened, before the stream that was opened (if any).</summary>
    public IReadOnlyList<TtsFailure> Failures { get; init; } = [];
}

/// <summary>A stream stopped after its first chunk: the connection was cut, the route reported an error, or generation was truncated.</summary>
public sealed class TtsStreamException(TtsFailure failure) : Exception(failure?.ToString())
{
    public TtsFailure Failure { get; } = failure ?? throw new ArgumentNullException(nameof(failure));
}
