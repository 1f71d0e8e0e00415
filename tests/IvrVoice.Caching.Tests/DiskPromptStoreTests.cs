using IvrVoice.Testing;

namespace IvrVoice.Caching.Tests;

public sealed class DiskPromptStoreTests : IDisposable
{
    private readonly TempDirectory _folder = new("ivrvoice-disk-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task PutAsync_ThenGetAsync_ReturnsSameAudioAndMetadata()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("welcome"), audioLength: 12_345);

        await sut.PutAsync(prompt, CancellationToken.None);
        CachedPrompt? back = await sut.GetAsync(prompt.Metadata.Key, CancellationToken.None);

        Assert.NotNull(back);
        Assert.Equal(prompt.Metadata, back.Metadata);
        Assert.Equal(prompt.Audio.ToArray(), back.Audio.ToArray());
        Assert.Equal(prompt.Metadata, await sut.GetMetadataAsync(prompt.Metadata.Key, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(prompt.Metadata.Key, CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_Entry_SurvivesReopeningTheFolder()
    {
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("persist"), audioLength: 4000, seed: 7);
        await TestPrompts.CreateDiskStore(_folder.Path).PutAsync(prompt, CancellationToken.None);

        DiskPromptStore reopened = TestPrompts.CreateDiskStore(_folder.Path);
        CachedPrompt? back = await reopened.GetAsync(prompt.Metadata.Key, CancellationToken.None);

        Assert.NotNull(back);
        Assert.Equal(prompt.Audio.ToArray(), back.Audio.ToArray());
        Assert.Equal(TestPrompts.Sha256Hex(back.Audio.Span), back.Metadata.Sha256);
    }

    [Fact]
    public async Task PutAsync_Entry_IsOneFileInAFanOutFolderWithNoTemporaryLeft()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptKey key = TestPrompts.Key("layout");

        await sut.PutAsync(TestPrompts.Create(key), CancellationToken.None);

        string expected = Path.Combine(_folder.Path, key.ToString()[..2], key + ".prompt");
        string[] files = Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories);
        Assert.Equal([expected], files);
    }

    [Fact]
    public async Task GetAsync_UnknownKey_ReturnsNull()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);

        Assert.Null(await sut.GetAsync(TestPrompts.Key("never stored"), CancellationToken.None));
        Assert.Null(await sut.GetMetadataAsync(TestPrompts.Key("never stored"), CancellationToken.None));
        Assert.False(await sut.ExistsAsync(TestPrompts.Key("never stored"), CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_MetadataShaDoesNotMatchAudio_ThrowsAndStoresNothing()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        CachedPrompt good = TestPrompts.Create(TestPrompts.Key("lying"));
        CachedPrompt lying = good with { Metadata = good.Metadata with { Sha256 = new string('0', 64) } };

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => sut.PutAsync(lying, CancellationToken.None));

        Assert.Contains("Sha256", error.Message, StringComparison.Ordinal);
        Assert.False(await sut.ExistsAsync(good.Metadata.Key, CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_MetadataLengthDoesNotMatchAudio_Throws()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        CachedPrompt good = TestPrompts.Create(TestPrompts.Key("short"));

        await Assert.ThrowsAsync<ArgumentException>(() => sut.PutAsync(good with { Audio = good.Audio[..10] }, CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_UnpinnedOverPinned_StaysPinned()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptKey key = TestPrompts.Key("library prompt");
        await sut.PutAsync(TestPrompts.Create(key, pinned: true), CancellationToken.None);

        await sut.PutAsync(TestPrompts.Create(key, seed: 2, pinned: false), CancellationToken.None);

        PromptMetadata? metadata = await sut.GetMetadataAsync(key, CancellationToken.None);
        Assert.True(metadata!.Pinned);
        Assert.True(await sut.SetPinnedAsync(key, false, CancellationToken.None));
        Assert.False((await sut.GetMetadataAsync(key, CancellationToken.None))!.Pinned);
    }

    [Fact]
    public async Task DeleteAsync_StoredEntry_RemovesFileAndBytes()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptKey key = TestPrompts.Key("to delete");
        await sut.PutAsync(TestPrompts.Create(key), CancellationToken.None);

        Assert.True(await sut.DeleteAsync(key, CancellationToken.None));

        Assert.False(await sut.DeleteAsync(key, CancellationToken.None));
        Assert.Null(await sut.GetAsync(key, CancellationToken.None));
        Assert.Equal(0, sut.StoredBytes);
        Assert.False(await sut.SetPinnedAsync(key, true, CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_ThreeEntries_ListsEachOnce()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptKey[] keys = [TestPrompts.Key("one"), TestPrompts.Key("two"), TestPrompts.Key("three")];
        foreach (PromptKey key in keys)
        {
            await sut.PutAsync(TestPrompts.Create(key), CancellationToken.None);
        }

        List<PromptKey> listed = [];
        await foreach (PromptMetadata metadata in TestPrompts.CreateDiskStore(_folder.Path).ListAsync(CancellationToken.None))
        {
            listed.Add(metadata.Key);
        }

        Assert.Equal(keys.Order(KeyOrder.Instance), listed.Order(KeyOrder.Instance));
    }

    [Fact]
    public async Task VerifyAndRepairAsync_CrashLeftoversAndDamagedEntries_RemovesThemAndKeepsGoodOnes()
    {
        DiskPromptStore writer = TestPrompts.CreateDiskStore(_folder.Path);
        PromptKey good = TestPrompts.Key("good"), flipped = TestPrompts.Key("flipped"), truncated = TestPrompts.Key("truncated");
        foreach (PromptKey key in new[] { good, flipped, truncated })
        {
            await writer.PutAsync(TestPrompts.Create(key, audioLength: 5000), CancellationToken.None);
        }

        // A write interrupted before its rename, by an earlier process.
        string leftover = Path.Combine(_folder.Path, good.ToString()[..2], $"{good}.0123456789ab.1.tmp");
        File.WriteAllBytes(leftover, new byte[777]);
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow - TimeSpan.FromHours(1));

        // Bit rot in the audio, and a file cut short.
        string flippedPath = writer.EntryPath(flipped);
        byte[] bytes = File.ReadAllBytes(flippedPath);
        bytes[^100] ^= 0x40;
        File.WriteAllBytes(flippedPath, bytes);
        string truncatedPath = writer.EntryPath(truncated);
        File.WriteAllBytes(truncatedPath, File.ReadAllBytes(truncatedPath)[..^1000]);

        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptStoreRepairReport report = await sut.VerifyAndRepairAsync(CancellationToken.None);

        Assert.Equal(1, report.TempFilesDeleted);
        Assert.Equal(1, report.EntriesVerified);
        Assert.Equal(new[] { flipped, truncated }.Order(KeyOrder.Instance), report.CorruptEntriesRemoved.Order(KeyOrder.Instance));
        Assert.False(File.Exists(leftover));
        Assert.False(File.Exists(flippedPath));
        Assert.False(File.Exists(truncatedPath));
        Assert.NotNull(await sut.GetAsync(good, CancellationToken.None));
        Assert.Equal(new FileInfo(sut.EntryPath(good)).Length, sut.StoredBytes);
    }

    [Fact]
    public async Task InitializeAsync_YoungTemporaryFileOfAnotherWriter_IsLeftAlone()
    {
        PromptKey key = TestPrompts.Key("in flight elsewhere");
        string folder = Path.Combine(_folder.Path, key.ToString()[..2]);
        Directory.CreateDirectory(folder);
        string liveTemp = Path.Combine(folder, $"{key}.ba9876543210.1.tmp");
        File.WriteAllBytes(liveTemp, new byte[10]);

        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptStoreRepairReport report = await sut.VerifyAndRepairAsync(CancellationToken.None);

        Assert.Equal(0, report.TempFilesDeleted);
        Assert.True(File.Exists(liveTemp));
        Assert.Null(await sut.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_AudioCorruptedAfterStart_ReturnsNullAndRemovesEntry()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptKey key = TestPrompts.Key("rot");
        await sut.PutAsync(TestPrompts.Create(key, audioLength: 3000), CancellationToken.None);
        byte[] bytes = File.ReadAllBytes(sut.EntryPath(key));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(sut.EntryPath(key), bytes);

        Assert.Null(await sut.GetAsync(key, CancellationToken.None));

        Assert.False(File.Exists(sut.EntryPath(key)));
        Assert.Equal(0, sut.StoredBytes);
    }

    [Fact]
    public async Task GetAsync_EntryFileNamedForAnotherKey_IsNotServed()
    {
        // A file copied under another key's name must not answer for that key.
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        PromptKey real = TestPrompts.Key("real"), other = TestPrompts.Key("other");
        await sut.PutAsync(TestPrompts.Create(real), CancellationToken.None);
        Directory.CreateDirectory(Path.GetDirectoryName(sut.EntryPath(other))!);
        File.Copy(sut.EntryPath(real), sut.EntryPath(other));

        Assert.Null(await sut.GetAsync(other, CancellationToken.None));
        Assert.NotNull(await sut.GetAsync(real, CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_OverSizeLimit_EvictsLeastRecentlyUsed()
    {
        ManualTimeProvider clock = new(DateTimeOffset.UtcNow);
        using MetricsCollector metrics = new();
        PromptKey a = TestPrompts.Key("a"), b = TestPrompts.Key("b"), c = TestPrompts.Key("c"), d = TestPrompts.Key("d");
        long entrySize = await MeasureEntrySizeAsync(TestPrompts.Create(a, audioLength: 10_000));
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path, sizeLimitBytes: (3 * entrySize) + 10, timeProvider: clock, metrics: metrics.Metrics);
        foreach (PromptKey key in new[] { a, b, c })
        {
            await sut.PutAsync(TestPrompts.Create(key, audioLength: 10_000), CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.NotNull(await sut.GetAsync(a, CancellationToken.None)); // a is now the most recent; b the least
        clock.Advance(TimeSpan.FromSeconds(1));
        await sut.PutAsync(TestPrompts.Create(d, audioLength: 10_000), CancellationToken.None);

        Assert.False(await sut.ExistsAsync(b, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(a, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(c, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(d, CancellationToken.None));
        Assert.Equal(3 * entrySize, sut.StoredBytes);
        Assert.Equal(1, metrics.Sum("ivrvoice.cache.evictions", tier: "disk"));
        Assert.Equal(3 * entrySize, metrics.StoredBytes("disk"));
    }

    [Fact]
    public async Task PutAsync_OverSizeLimit_NeverEvictsPinnedEvenWhenOldest()
    {
        ManualTimeProvider clock = new(DateTimeOffset.UtcNow);
        PromptKey pinned = TestPrompts.Key("pinned"), u1 = TestPrompts.Key("u1"), u2 = TestPrompts.Key("u2"), u3 = TestPrompts.Key("u3");
        // A pinned entry's metadata is one byte shorter ("true" against "false"): measure the larger and leave slack.
        long entrySize = await MeasureEntrySizeAsync(TestPrompts.Create(u1, audioLength: 8_000));
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path, sizeLimitBytes: (3 * entrySize) + 10, timeProvider: clock);
        await sut.PutAsync(TestPrompts.Create(pinned, audioLength: 8_000, pinned: true), CancellationToken.None);
        foreach (PromptKey key in new[] { u1, u2, u3 })
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await sut.PutAsync(TestPrompts.Create(key, audioLength: 8_000), CancellationToken.None);
        }

        Assert.True(await sut.ExistsAsync(pinned, CancellationToken.None));
        Assert.False(await sut.ExistsAsync(u1, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(u2, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(u3, CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_PinnedAloneOverLimit_KeepsEveryPinnedEntry()
    {
        PromptKey p1 = TestPrompts.Key("p1"), p2 = TestPrompts.Key("p2"), u = TestPrompts.Key("u");
        long entrySize = await MeasureEntrySizeAsync(TestPrompts.Create(p1, audioLength: 8_000, pinned: true));
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path, sizeLimitBytes: entrySize + (entrySize / 2));

        await sut.PutAsync(TestPrompts.Create(p1, audioLength: 8_000, pinned: true), CancellationToken.None);
        await sut.PutAsync(TestPrompts.Create(p2, audioLength: 8_000, pinned: true), CancellationToken.None);
        await sut.PutAsync(TestPrompts.Create(u, audioLength: 8_000), CancellationToken.None);

        Assert.True(await sut.ExistsAsync(p1, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(p2, CancellationToken.None));
        Assert.False(await sut.ExistsAsync(u, CancellationToken.None));
    }

    [Fact]
    public async Task InitializeAsync_ExistingFolder_CountsStoredBytesFromFiles()
    {
        DiskPromptStore writer = TestPrompts.CreateDiskStore(_folder.Path);
        for (int i = 0; i < 5; i++)
        {
            await writer.PutAsync(TestPrompts.Create(TestPrompts.Key($"entry {i}"), audioLength: 1000 * (i + 1)), CancellationToken.None);
        }

        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        await sut.InitializeAsync(CancellationToken.None);

        long onDisk = Directory.GetFiles(_folder.Path, "*.prompt", SearchOption.AllDirectories).Sum(path => new FileInfo(path).Length);
        Assert.Equal(onDisk, sut.StoredBytes);
    }

    [Fact]
    public async Task CheckHealthAsync_WritableFolder_IsHealthy()
    {
        DiskPromptStore sut = TestPrompts.CreateDiskStore(_folder.Path);
        await sut.PutAsync(TestPrompts.Create(TestPrompts.Key("x")), CancellationToken.None);

        PromptStoreHealth health = await sut.CheckHealthAsync(CancellationToken.None);

        Assert.True(health.IsHealthy, health.Description);
        Assert.Equal(1, health.Entries);
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task CheckHealthAsync_RootIsAFile_IsUnhealthy()
    {
        string notAFolder = _folder.Write("occupied", [1, 2, 3]);
        DiskPromptStore sut = TestPrompts.CreateDiskStore(notAFolder);

        PromptStoreHealth health = await sut.CheckHealthAsync(CancellationToken.None);

        Assert.False(health.IsHealthy);
        Assert.StartsWith("Disk store cannot be written", health.Description, StringComparison.Ordinal);
        // Health output is read by whoever reaches the endpoint: it names no path.
        Assert.DoesNotContain(notAFolder, health.Description, StringComparison.Ordinal);
    }

    private async Task<long> MeasureEntrySizeAsync(CachedPrompt prompt)
    {
        using TempDirectory scratch = new();
        DiskPromptStore store = TestPrompts.CreateDiskStore(scratch.Path);
        await store.PutAsync(prompt, CancellationToken.None);
        return new FileInfo(store.EntryPath(prompt.Metadata.Key)).Length;
    }
}

internal sealed class KeyOrder : IComparer<PromptKey>
{
    public static readonly KeyOrder Instance = new();

    public int Compare(PromptKey x, PromptKey y) => string.CompareOrdinal(x.ToString(), y.ToString());
}
