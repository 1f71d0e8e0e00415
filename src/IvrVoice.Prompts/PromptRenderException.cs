using IvrVoice.Caching;
using IvrVoice.Providers;

namespace IvrVoice.Prompts;

/// <summary>Every route failed, or the audio they returned failed quality checks. Nothing was cached.</summary>
public sealed class PromptRenderException : Exception
{
    public PromptRenderException(PromptKey key, IReadOnlyList<TtsFailure> failures)
        : base(Describe(failures))
    {
        Key = key;
        Failures = failures;
    }

    public PromptKey Key { get; }

    public IReadOnlyList<TtsFailure> Failures { get; }

    private static string Describe(IReadOnlyList<TtsFailure> failures) => failures.Count == 0
        ? "No provider route can render this prompt's model."
        : "Every provider route failed: " + string.Join("; ", failures);
}
