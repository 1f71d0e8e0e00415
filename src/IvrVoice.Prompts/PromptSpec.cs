using IvrVoice.Audio;
using IvrVoice.Caching;

namespace IvrVoice.Prompts;

/// <summary>
/// Everything that changes how a prompt sounds, and nothing else: the route that serves it (gemini directly or
/// a gateway) is deliberately absent, so the same prompt rendered through two gateways shares one cache entry.
/// </summary>
public sealed record PromptSpec
{
    public required string Text { get; init; }

    public required string Voice { get; init; }

    public string? Style { get; init; }

    /// <summary>BCP-47 tag such as en-US; null lets the model detect the language.</summary>
    public string? Language { get; init; }

    /// <summary>Canonical model id, e.g. gemini-3.1-flash-tts or espeak-ng.</summary>
    public required string Model { get; init; }

    public double? Temperature { get; init; }

    /// <summary>Empty for one voice, or exactly two named speakers.</summary>
    public IReadOnlyList<PromptSpeaker> Speakers { get; init; } = [];

    /// <summary>Telephony mastering settings; the key includes their canonical form.</summary>
    public required MasteringOptions Mastering { get; init; }

    /// <summary>Output encoding name, e.g. mulaw-wav.</summary>
    public string OutputFormat { get; init; } = "mulaw-wav";

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

public sealed record PromptSpeaker(string Name, string Voice);
