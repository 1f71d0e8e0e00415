using IvrVoice.Audio;
using IvrVoice.Audio.Joining;
using IvrVoice.Caching;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Tests.Announcements;

public sealed class AnnouncementKeysTests
{
    private static readonly PromptKey A = PromptKey.Parse(new string('a', 64));
    private static readonly PromptKey B = PromptKey.Parse(new string('b', 64));

    private static PromptKey Key((PromptKey, JoinGap)[] pieces, JoinOptions? options = null, MasteringOptions? mastering = null) =>
        AnnouncementKeys.ForJoin(pieces, options ?? JoinOptions.Default, mastering ?? MasteringOptions.Default);

    [Fact]
    public void ForJoin_SameInputs_SameKey()
    {
        Assert.Equal(Key([(A, JoinGap.None), (B, JoinGap.Word)]), Key([(A, JoinGap.None), (B, JoinGap.Word)]));
    }

    [Fact]
    public void ForJoin_AnythingThatChangesTheSound_ChangesTheKey()
    {
        PromptKey[] keys =
        [
            Key([(A, JoinGap.None), (B, JoinGap.Word)]),
            Key([(B, JoinGap.None), (A, JoinGap.Word)]),
            Key([(A, JoinGap.None), (B, JoinGap.Phrase)]),
            Key([(A, JoinGap.None), (B, JoinGap.Word), (B, JoinGap.Word)]),
            Key([(A, JoinGap.None), (B, JoinGap.Word)], JoinOptions.Default with { WordGapMilliseconds = 61 }),
            Key([(A, JoinGap.None), (B, JoinGap.Word)], mastering: MasteringOptions.Default with { TargetLevelDbfs = -24 }),
            Key([(A, JoinGap.None)]),
        ];

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void ForJoin_DefaultPieceKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => Key([(default, JoinGap.None)]));
    }
}
