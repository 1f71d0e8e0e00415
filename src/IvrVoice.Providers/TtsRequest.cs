namespace IvrVoice.Providers;

/// <summary>One text-to-speech request, independent of the route that will serve it.</summary>
public sealed record TtsRequest
{
    /// <summary>The text to speak. Inline audio tags use the dialect of <see cref="Model"/> (see <see cref="ModelCatalog.TranslateTags"/>).</summary>
    public required string Text { get; init; }

    /// <summary>The voice, for example <c>Kore</c>. Case is normalised through <see cref="VoiceCatalog.Normalize"/>.</summary>
    public required string Voice { get; init; }

    /// <summary>Optional natural-language style instruction, for example <c>calm, warm</c>.</summary>
    public string? Style { get; init; }

    /// <summary>Optional BCP-47 language code, for example <c>en-US</c>. Routes that cannot pass it on ignore it.</summary>
    public string? Language { get; init; }

    /// <summary>The canonical model id (see <see cref="ModelCatalog"/>); each route maps it to its own id.</summary>
    public required string Model { get; init; }

    /// <summary>Sampling temperature where the model accepts one; omitted for models that reject it.</summary>
    public double? Temperature { get; init; }

    /// <summary>Empty for a single voice, or exactly two speakers whose names label the turns in <see cref="Text"/>.</summary>
    public IReadOnlyList<TtsSpeaker> Speakers { get; init; } = [];

    /// <summary>
    /// A stable key for this prompt (the prompt key). Asynchronous routes record (route, key, remote id) in
    /// <see cref="ITtsJobJournal"/> before polling, so a resumed build polls the accepted job instead of paying for it twice.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
