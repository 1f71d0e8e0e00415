namespace IvrVoice.Providers;

/// <summary>
/// What a text-to-speech model is asked to say and how: the fields a <see cref="TtsRequest"/> shares with the prompt spec
/// the prompt pipeline keys and caches (which adds mastering and the output format).
/// </summary>
public abstract record TtsSpeech
{
    /// <summary>The text to speak. Inline audio tags use the dialect of <see cref="Model"/> (see <see cref="ModelCatalog.TranslateTags"/>).</summary>
    public required string Text { get; init; }

    /// <summary>The voice, for example <c>Kore</c>. Case is normalised through <see cref="VoiceCatalog.Normalize"/>.</summary>
    public required string Voice { get; init; }

    /// <summary>Optional natural-language style instruction, for example <c>calm, warm</c>.</summary>
    public string? Style { get; init; }

    /// <summary>Optional BCP-47 language code, for example <c>en-US</c>; null lets the model detect the language. Routes that cannot pass it on ignore it.</summary>
    public string? Language { get; init; }

    /// <summary>The canonical model id (see <see cref="ModelCatalog"/>), e.g. gemini-3.1-flash-tts or espeak-ng; each route maps it to its own id.</summary>
    public required string Model { get; init; }

    /// <summary>Sampling temperature where the model accepts one; omitted for models that reject it.</summary>
    public double? Temperature { get; init; }

    /// <summary>Empty for a single voice, or exactly two speakers whose names label the turns in <see cref="Text"/>.</summary>
    public IReadOnlyList<TtsSpeaker> Speakers { get; init; } = [];
}
