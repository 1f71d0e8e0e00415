using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Providers;

namespace IvrVoice.Prompts;

/// <summary>
/// Everything that changes how a prompt sounds, and nothing else: the route that serves it (gemini directly or
/// a gateway) is deliberately absent, so the same prompt rendered through two gateways shares one cache entry.
/// What is said and how (text, voice, style, language, model, temperature, speakers) is the <see cref="TtsSpeech"/> a
/// render asks the router for; the spec adds mastering and the output format.
/// </summary>
public sealed record PromptSpec : TtsSpeech
{
    /// <summary>Telephony mastering settings; the key includes their canonical form.</summary>
    public required MasteringOptions Mastering { get; init; }

    /// <summary>Output encoding name, e.g. mulaw-wav.</summary>
    public string OutputFormat { get; init; } = "mulaw-wav";

    /// <summary>
    /// What the cache records with audio rendered from this spec: <paramref name="spokenText"/> (the spec's own text, or
    /// what a template composed from it) in this voice, model, language and style, served by <paramref name="provider"/>.
    /// </summary>
    internal PromptMetadata Metadata(PromptKey key, string spokenText, string provider, double durationSeconds, DateTimeOffset renderedAt) => new()
    {
        Key = key,
        Text = spokenText,
        Voice = Voice,
        Model = Model,
        Language = Language,
        Style = Style,
        Provider = provider,
        DurationSeconds = durationSeconds,
        Sha256 = "",
        RenderedAt = renderedAt,
    };

    // The key, computed once per instance (a flow's specs are cached, and each webhook answer asks for their keys again).
    // Takes no part in equality; a copy made with `with` carries this spec's memo but recomputes, see KeyMemo.
    private KeyMemo _keyMemo;

    /// <summary>This spec's cache key, computed on first use and kept with the spec; <see cref="PromptKeys.For"/> returns it.</summary>
    internal PromptKey Key
    {
        get
        {
            if (_keyMemo.KeyFor(this) is { } key)
            {
                return key;
            }

            PromptKey computed = PromptKeys.Compute(this);
            _keyMemo = new KeyMemo(this, computed);
            return computed;
        }
    }

    /// <summary>
    /// The memoised key and the instance it was computed for. A record's <c>with</c> copies every field, so a copy would
    /// inherit its original's key; the owner check makes a copy compute its own. Equal to every other memo, so a spec's
    /// equality and hash depend on what it says, never on whether its key was asked for yet. One reference: written and
    /// read atomically, and two threads racing compute the same key.
    /// </summary>
    private readonly struct KeyMemo(PromptSpec owner, PromptKey key) : IEquatable<KeyMemo>
    {
        private readonly Entry? _entry = new(owner, key);

        public PromptKey? KeyFor(PromptSpec spec) => _entry is { } entry && ReferenceEquals(entry.Owner, spec) ? entry.Key : null;

        public bool Equals(KeyMemo other) => true;

        public override bool Equals(object? obj) => obj is KeyMemo;

        public override int GetHashCode() => 0;

        private sealed record Entry(PromptSpec Owner, PromptKey Key);
    }
}
