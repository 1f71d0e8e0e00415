using IvrVoice.Providers.Journal;
using IvrVoice.Testing;

namespace IvrVoice.Providers.Tests;

public sealed class FileJournalTests
{
    [Fact]
    public async Task FindAsync_AfterRecordInAnotherInstance_ReturnsTheJob()
    {
        using TempDirectory folder = new();
        TtsJob job = new("pixazo", "key/with:odd chars", "gemini-flash-tts_0194", "https://gateway.pixazo.ai/v2/requests/status/0194", DateTimeOffset.UnixEpoch);
        await new FileTtsJobJournal(folder.Path).RecordAsync(job, CancellationToken.None);

        TtsJob? found = await new FileTtsJobJournal(folder.Path).FindAsync("pixazo", "key/with:odd chars", CancellationToken.None);

        Assert.Equal(job, found);
        Assert.Null(await new FileTtsJobJournal(folder.Path).FindAsync("segmind", "key/with:odd chars", CancellationToken.None));
    }

    [Fact]
    public async Task RemoveAsync_RecordedJob_IsGoneAndNoTemporaryFilesRemain()
    {
        using TempDirectory folder = new();
        FileTtsJobJournal sut = new(folder.Path);
        await sut.RecordAsync(new TtsJob("vtrix", "k", "task_1", null, DateTimeOffset.UnixEpoch), CancellationToken.None);

        await sut.RemoveAsync("vtrix", "k", CancellationToken.None);

        Assert.Null(await sut.FindAsync("vtrix", "k", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task FindAsync_CorruptRecord_IsTreatedAsNoRecord()
    {
        using TempDirectory folder = new();
        FileTtsJobJournal sut = new(folder.Path);
        await sut.RecordAsync(new TtsJob("vtrix", "k", "task_1", null, DateTimeOffset.UnixEpoch), CancellationToken.None);
        File.WriteAllText(Directory.GetFiles(folder.Path).Single(), "{ not json");

        Assert.Null(await sut.FindAsync("vtrix", "k", CancellationToken.None));
    }
}
