namespace IvrVoice.Providers;

/// <summary>One route to a text-to-speech engine. A single attempt: retries, breakers and failover belong to <see cref="ITtsRouter"/>.</summary>
public interface ITtsProvider
{
    /// <summary>The route name: gemini, aigateway, openrouter, vtrix, pixazo, segmind or espeak.</summary>
    string Name { get; }

    /// <summary>True when this route can render the canonical model id.</summary>
    bool Supports(string model);

    /// <summary>Synthesizes once. Expected failures are returned as values; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    Task<TtsOutcome> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken);
}
