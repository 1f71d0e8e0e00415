namespace IvrVoice.Providers;

/// <summary>The result of a routed render: the audio and the route that served it, plus every failure met on the way.</summary>
public sealed record RoutedTts
{
    public TtsAudio? Audio { get; init; }

    /// <summary>Failures in the order they happened, one or more per route tried (retries included).</summary>
    public IReadOnlyList<TtsFailure> Failures { get; init; } = [];

    public bool Succeeded => Audio is not null;

    /// <summary>The route that produced <see cref="Audio"/>, or null when every route failed.</summary>
    public string? ServedBy => Audio?.Provider;
}
