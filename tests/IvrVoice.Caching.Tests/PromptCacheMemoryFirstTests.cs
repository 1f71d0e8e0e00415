using IvrVoice.Testing;

namespace IvrVoice.Caching.Tests;

public sealed class PromptCacheMemoryFirstTests : IDisposable
{
    private readonly TempDirectory _folder = new("ivrvoice-cache-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task PutMemoryFirst_Prompt_ServedFromMemoryAtOnceAndOnDiskWhenTheWriteCompletes()
    {
        DiskPromptStore store = TestPrompts.CreateDiskStore(_folder.Path);
        using PromptCache sut = TestPrompts.CreateCache(store);
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("joined"));

        Task write = sut.PutMemoryFirst(prompt);
        ValueTask<CachedPrompt?> lookup = sut.TryGetAsync(prompt.Metadata.Key, CacheMode.ReadWrite, CancellationToken.None);

        Assert.True(lookup.IsCompletedSuccessfully);
        Assert.Equal(prompt.Audio.ToArray(), (await lookup)!.Audio.ToArray());
        await write;
        CachedPrompt? stored = await store.GetAsync(prompt.Metadata.Key, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(prompt.Audio.ToArray(), stored.Audio.ToArray());
    }

    [Fact]
    public async Task PutMemoryFirst_StoreFails_WriteTaskCompletesAndMemoryStillServes()
    {
        DiskPromptStore store = TestPrompts.CreateDiskStore(_folder.Path);
        using PromptCache sut = TestPrompts.CreateCache(store);
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("joined"));
        Directory.Delete(_folder.Path, recursive: true);
        await File.WriteAllTextAsync(_folder.Path, "a file where the cache folder should be");

        await sut.PutMemoryFirst(prompt);

        Assert.NotNull(await sut.TryGetAsync(prompt.Metadata.Key, CacheMode.ReadWrite, CancellationToken.None));
        File.Delete(_folder.Path);
    }
}
