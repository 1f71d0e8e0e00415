namespace IvrVoice.Providers;

/// <summary>One route's audio as it arrives. Implementations read their transport lazily, one chunk per call.</summary>
internal abstract class TtsChunkSource : IAsyncDisposable
{
    public abstract int SampleRate { get; }

    public virtual bool Progressive => true;

    public string? RequestId { get; protected set; }

    /// <summary>The next non-empty chunk, or null at the end.</summary>
    /// <exception cref="TtsStreamException">The route failed (before or after audio).</exception>
    public abstract ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A route that can hand over its audio as it is produced.</summary>
internal interface IStreamingTtsProvider
{
    /// <summary>True when the route streams this request progressively; otherwise the router renders it whole.</summary>
    bool CanStream(TtsRequest request);

    /// <summary>Starts the render and returns once the answer's headers (or the process) are there.</summary>
    /// <exception cref="TtsStreamException">The route refused or failed before any audio.</exception>
    Task<TtsChunkSource> OpenStreamAsync(TtsRequest request, CancellationToken cancellationToken);
}
