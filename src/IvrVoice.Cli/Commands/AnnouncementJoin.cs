using IvrVoice.Audio.Joining;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Cli.Commands;

/// <summary>Joins a composed announcement from the pieces the library build pinned in the cache; never renders.</summary>
internal static class AnnouncementJoin
{
    /// <summary>The joined 8 kHz μ-law WAV, or null when any planned piece is not in the cache (the vocabulary is not built).</summary>
    public static async Task<byte[]?> TryJoinAsync(PromptCache cache, IReadOnlyList<JoinStep> steps, Audio.MasteringOptions mastering, CancellationToken cancellationToken)
    {
        List<WavPiece> pieces = new(steps.Count);
        foreach (JoinStep step in steps)
        {
            CachedPrompt? cached = await cache.TryGetAsync(PromptKeys.For(step.Spec), CacheMode.ReadOnly, cancellationToken);
            if (cached is null)
            {
                return null;
            }

            pieces.Add(new WavPiece(cached.Audio, step.GapBefore == JoinGap.Phrase ? JoinBoundary.Phrase : JoinBoundary.Word));
        }

        return AudioJoiner.JoinWav(pieces, mastering).File;
    }
}
