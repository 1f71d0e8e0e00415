using IvrVoice.Testing;

namespace IvrVoice.Caching.Tests;

public sealed class PromptCacheTests : IDisposable
{
    private readonly TempDirectory _folder = new("ivrvoice-cache-");
    private readonly MetricsCollector _metrics = new();
    private readonly DiskPromptStore _store;

    public PromptCacheTests()
    {
        _store = TestPrompts.CreateDiskStore(_folder.Path, metrics: _metrics.Metrics);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task TryGetAsync_MemoryHit_CompletesWithoutAwaiting()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store, metrics: _metrics.Metrics);
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("hot"));
        await sut.PutAsync(prompt, pinned: false, CancellationToken.None);

        ValueTask<CachedPrompt?> lookup = sut.TryGetAsync(prompt.Metadata.Key, CacheMode.ReadWrite, CancellationToken.None);

        Assert.True(lookup.IsCompletedSuccessfully);
        Assert.Same(prompt.Metadata.Key.ToString(), (await lookup)!.Metadata.Key.ToString());
        Assert.Equal(1, _metrics.Sum("ivrvoice.cache.hits", tier: "memory"));
    }

    [Fact]
    public async Task TryGetAsync_DiskHit_IsPromotedToMemory()
    {
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("on disk"));
        await _store.PutAsync(prompt, CancellationToken.None);
        using PromptCache sut = TestPrompts.CreateCache(_store, metrics: _metrics.Metrics);

        CachedPrompt? first = await sut.TryGetAsync(prompt.Metadata.Key, CacheMode.ReadWrite, CancellationToken.None);
        File.Delete(_store.EntryPath(prompt.Metadata.Key));
        ValueTask<CachedPrompt?> second = sut.TryGetAsync(prompt.Metadata.Key, CacheMode.ReadWrite, CancellationToken.None);

        Assert.NotNull(first);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(prompt.Audio.ToArray(), (await second)!.Audio.ToArray());
        Assert.Equal(1, _metrics.Sum("ivrvoice.cache.hits", tier: "disk"));
        Assert.Equal(1, _metrics.Sum("ivrvoice.cache.hits", tier: "memory"));
    }

    [Fact]
    public async Task TryGetAsync_NothingCached_CountsAMiss()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store, metrics: _metrics.Metrics);

        Assert.Null(await sut.TryGetAsync(TestPrompts.Key("absent"), CacheMode.ReadWrite, CancellationToken.None));

        Assert.Equal(1, _metrics.Sum("ivrvoice.cache.misses"));
    }

    [Fact]
    public async Task GetOrRenderAsync_HundredConcurrentCallersOneKey_RendersOnceAndAllGetTheSameBytes()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store, metrics: _metrics.Metrics);
        PromptKey key = TestPrompts.Key("rush hour");
        RenderProbe render = new(key);

        Task<CachedPrompt>[] callers = Enumerable.Range(0, 100)
            .Select(_ => Task.Run(() => sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.ReadWrite, CancellationToken.None)))
            .ToArray();
        await sut.WaitForWaitersAsync(key, 100);
        render.Release();
        CachedPrompt[] results = await Task.WhenAll(callers);

        Assert.Equal(1, render.Calls);
        Assert.All(results, result => Assert.Equal(render.Audio, result.Audio.ToArray()));
        Assert.True(await _store.ExistsAsync(key, CancellationToken.None));
        Assert.Equal(1, _metrics.Sum("ivrvoice.cache.renders", outcome: "success"));
    }

    [Fact]
    public async Task GetOrRenderAsync_OneWaiterCancels_RenderContinuesForTheOthersAndIsStored()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        PromptKey key = TestPrompts.Key("impatient caller");
        RenderProbe render = new(key);
        using CancellationTokenSource impatient = new();

        Task<CachedPrompt> gaveUp = sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.ReadWrite, impatient.Token);
        await render.Started;
        Task<CachedPrompt> patient = sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.ReadWrite, CancellationToken.None);
        await sut.WaitForWaitersAsync(key, 2);
        await impatient.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        render.Release();
        CachedPrompt result = await patient;

        Assert.Equal(render.Audio, result.Audio.ToArray());
        Assert.Equal(1, render.Calls);
        Assert.False(render.TokenWasCancelled);
        Assert.True(await _store.ExistsAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_OnlyWaiterCancels_RenderFinishesForTheNextCaller()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        PromptKey key = TestPrompts.Key("fallback to say");
        RenderProbe render = new(key);
        using CancellationTokenSource deadline = new();

        Task<CachedPrompt> first = sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.ReadWrite, deadline.Token);
        await render.Started;
        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        render.Release();

        // Joins the render still in flight, or finds its result: either way no second render.
        CachedPrompt next = await sut.GetOrRenderAsync(key, _ => throw new InvalidOperationException("rendered twice"), CacheMode.ReadWrite, CancellationToken.None);

        Assert.Equal(render.Audio, next.Audio.ToArray());
        Assert.Equal(1, render.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_RenderFails_EveryWaiterGetsTheErrorAndNothingIsCached()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store, metrics: _metrics.Metrics);
        PromptKey key = TestPrompts.Key("provider down");
        RenderProbe render = new(key) { Failure = new ProviderDownException() };

        Task<CachedPrompt>[] callers = Enumerable.Range(0, 10)
            .Select(_ => sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.ReadWrite, CancellationToken.None))
            .ToArray();
        await sut.WaitForWaitersAsync(key, 10);
        render.Release();

        foreach (Task<CachedPrompt> caller in callers)
        {
            await Assert.ThrowsAsync<ProviderDownException>(() => caller);
        }

        Assert.Equal(1, render.Calls);
        Assert.False(await _store.ExistsAsync(key, CancellationToken.None));
        Assert.Null(await sut.TryGetAsync(key, CacheMode.ReadWrite, CancellationToken.None));
        Assert.Equal(1, _metrics.Sum("ivrvoice.cache.renders", outcome: "failure"));

        // The failure is not remembered: the next caller renders afresh.
        RenderProbe retry = new(key);
        retry.Release();
        CachedPrompt recovered = await sut.GetOrRenderAsync(key, retry.RenderAsync, CacheMode.ReadWrite, CancellationToken.None);
        Assert.Equal(retry.Audio, recovered.Audio.ToArray());
    }

    [Fact]
    public async Task GetOrRenderAsync_RenderOutlivesRenderTimeout_ThrowsTimeoutAndCancelsTheRender()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store, renderTimeout: TimeSpan.FromMilliseconds(50));
        PromptKey key = TestPrompts.Key("hung provider");
        TaskCompletionSource<bool> renderCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<CachedPrompt> HangAsync(CancellationToken cancellationToken)
        {
            await using CancellationTokenRegistration registration = cancellationToken.Register(() => renderCancelled.TrySetResult(true));
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => sut.GetOrRenderAsync(key, HangAsync, CacheMode.ReadWrite, CancellationToken.None));

        Assert.Contains("Cache:RenderTimeout", error.Message, StringComparison.Ordinal);
        Assert.True(await renderCancelled.Task);
        Assert.False(await _store.ExistsAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_RenderReturnsAnotherKey_ThrowsInvalidOperation()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        PromptKey asked = TestPrompts.Key("asked"), other = TestPrompts.Key("other");

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            sut.GetOrRenderAsync(asked, _ => Task.FromResult(TestPrompts.Create(other)), CacheMode.ReadWrite, CancellationToken.None));

        Assert.False(await _store.ExistsAsync(asked, CancellationToken.None));
        Assert.False(await _store.ExistsAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_RenderMetadataDoesNotMatchAudio_ThrowsInvalidOperation()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        PromptKey key = TestPrompts.Key("bad metadata");
        CachedPrompt good = TestPrompts.Create(key);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            sut.GetOrRenderAsync(key, _ => Task.FromResult(good with { Audio = new byte[good.Audio.Length] }), CacheMode.ReadWrite, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_ReadOnlyMiss_RendersButWritesNoTier()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        PromptKey key = TestPrompts.Key("preview");
        RenderProbe render = new(key);
        render.Release();

        CachedPrompt result = await sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.ReadOnly, CancellationToken.None);

        Assert.Equal(render.Audio, result.Audio.ToArray());
        Assert.False(await _store.ExistsAsync(key, CancellationToken.None));
        Assert.Null(await sut.TryGetAsync(key, CacheMode.ReadWrite, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_ReadOnlyHit_ServesCachedWithoutRendering()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        CachedPrompt cached = TestPrompts.Create(TestPrompts.Key("cached"));
        await _store.PutAsync(cached, CancellationToken.None);

        CachedPrompt result = await sut.GetOrRenderAsync(cached.Metadata.Key, _ => throw new InvalidOperationException("rendered"), CacheMode.ReadOnly, CancellationToken.None);

        Assert.Equal(cached.Audio.ToArray(), result.Audio.ToArray());
    }

    [Fact]
    public async Task TryGetAsync_ReadOnlyDiskHit_IsNotPromotedToMemory()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        CachedPrompt cached = TestPrompts.Create(TestPrompts.Key("read only"));
        await _store.PutAsync(cached, CancellationToken.None);

        Assert.NotNull(await sut.TryGetAsync(cached.Metadata.Key, CacheMode.ReadOnly, CancellationToken.None));
        File.Delete(_store.EntryPath(cached.Metadata.Key));

        Assert.Null(await sut.TryGetAsync(cached.Metadata.Key, CacheMode.ReadWrite, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_Bypass_NeitherReadsNorWrites()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        PromptKey key = TestPrompts.Key("do not cache");
        CachedPrompt cached = TestPrompts.Create(key, seed: 1);
        await sut.PutAsync(cached, pinned: false, CancellationToken.None);
        RenderProbe render = new(key, seed: 99);
        render.Release();

        CachedPrompt result = await sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.Bypass, CancellationToken.None);

        Assert.Equal(render.Audio, result.Audio.ToArray());                 // did not read the cached audio
        Assert.Equal(1, render.Calls);
        CachedPrompt? stored = await _store.GetAsync(key, CancellationToken.None);
        Assert.Equal(cached.Audio.ToArray(), stored!.Audio.ToArray());      // did not overwrite the store
        CachedPrompt? inMemory = await sut.TryGetAsync(key, CacheMode.ReadWrite, CancellationToken.None);
        Assert.Equal(cached.Audio.ToArray(), inMemory!.Audio.ToArray());    // nor the memory tier
        Assert.Null(await sut.TryGetAsync(key, CacheMode.Bypass, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_BypassMissOnEmptyCache_StoresNothing()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        PromptKey key = TestPrompts.Key("bypass new");
        RenderProbe render = new(key);
        render.Release();

        await sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.Bypass, CancellationToken.None);

        Assert.False(await _store.ExistsAsync(key, CancellationToken.None));
        Assert.Null(await sut.TryGetAsync(key, CacheMode.ReadWrite, CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_ManyEntries_MemoryTierStaysWithinItsByteLimit()
    {
        const long Limit = 10_000;
        using PromptCache sut = TestPrompts.CreateCache(_store, memoryLimitBytes: Limit, metrics: _metrics.Metrics);
        List<PromptKey> keys = [];
        for (int i = 0; i < 30; i++)
        {
            CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key($"bulk {i}"), audioLength: 1000, seed: i);
            keys.Add(prompt.Metadata.Key);
            await sut.PutAsync(prompt, pinned: false, CancellationToken.None);
            Assert.InRange(_metrics.StoredBytes("memory"), 0, Limit);
        }

        // With the disk copies gone, only what memory kept can still be found.
        foreach (PromptKey key in keys)
        {
            File.Delete(_store.EntryPath(key));
        }

        int stillInMemory = 0;
        foreach (PromptKey key in keys)
        {
            if (await sut.TryGetAsync(key, CacheMode.ReadWrite, CancellationToken.None) is not null)
            {
                stillInMemory++;
            }
        }

        Assert.InRange(stillInMemory, 1, (int)(Limit / 1000));
    }

    [Fact]
    public async Task PutAsync_Pinned_IsPinnedInTheStore()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("library"));

        await sut.PutAsync(prompt, pinned: true, CancellationToken.None);

        Assert.True((await _store.GetMetadataAsync(prompt.Metadata.Key, CancellationToken.None))!.Pinned);
        Assert.True((await sut.GetMetadataAsync(prompt.Metadata.Key, CancellationToken.None))!.Pinned);
    }

    [Fact]
    public async Task RemoveAsync_CachedPrompt_LeavesEveryTier()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("withdrawn"));
        await sut.PutAsync(prompt, pinned: false, CancellationToken.None);

        Assert.True(await sut.RemoveAsync(prompt.Metadata.Key, CancellationToken.None));

        Assert.Null(await sut.TryGetAsync(prompt.Metadata.Key, CacheMode.ReadWrite, CancellationToken.None));
        Assert.Null(await sut.GetMetadataAsync(prompt.Metadata.Key, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_DefaultKeyOrUnknownMode_ThrowsArgumentErrors()
    {
        using PromptCache sut = TestPrompts.CreateCache(_store);
        RenderProbe render = new(TestPrompts.Key("k"));

        // Argument errors are thrown at the call, not stored in the returned task.
        Assert.Throws<ArgumentException>(() => { _ = sut.GetOrRenderAsync(default, render.RenderAsync, CacheMode.ReadWrite, CancellationToken.None); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = sut.GetOrRenderAsync(TestPrompts.Key("k"), render.RenderAsync, (CacheMode)7, CancellationToken.None); });
        await Assert.ThrowsAsync<ArgumentException>(async () => await sut.TryGetAsync(default, CacheMode.ReadWrite, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrRenderAsync_StoreUnreadable_StillRendersForTheCaller()
    {
        // The store's root is a file, so every read and write fails with an I/O error.
        string notAFolder = _folder.Write("not-a-folder", [0]);
        DiskPromptStore broken = TestPrompts.CreateDiskStore(notAFolder);
        using PromptCache sut = TestPrompts.CreateCache(broken);
        PromptKey key = TestPrompts.Key("store outage");
        RenderProbe render = new(key);
        render.Release();

        CachedPrompt result = await sut.GetOrRenderAsync(key, render.RenderAsync, CacheMode.ReadWrite, CancellationToken.None);

        Assert.Equal(render.Audio, result.Audio.ToArray());
        // A lookup that cannot fall back to a render says the store is unavailable, with the I/O failure inside when it was tried.
        StoreUnavailableException unavailable = await Assert.ThrowsAsync<StoreUnavailableException>(
            async () => await sut.TryGetAsync(TestPrompts.Key("other"), CacheMode.ReadWrite, CancellationToken.None));
        Assert.Contains("disk prompt store", unavailable.Message, StringComparison.Ordinal);
        Assert.True(sut.StoreStatus.Degraded);
        Assert.False(await sut.IsKeptAsync(key, CancellationToken.None));
    }

    private sealed class ProviderDownException() : Exception("every provider route failed");

    /// <summary>A render that blocks until released, counts its calls and records whether its token was cancelled.</summary>
    private sealed class RenderProbe(PromptKey key, int seed = 42)
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public byte[] Audio { get; } = TestPrompts.Create(key, audioLength: 4000, seed: seed).Audio.ToArray();

        public Exception? Failure { get; init; }

        public int Calls => Volatile.Read(ref _calls);

        public bool TokenWasCancelled { get; private set; }

        public Task Started => _started.Task;

        public void Release() => _released.TrySetResult();

        public async Task<CachedPrompt> RenderAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            _started.TrySetResult();
            await _released.Task;
            TokenWasCancelled = cancellationToken.IsCancellationRequested;
            if (Failure is not null)
            {
                throw Failure;
            }

            return TestPrompts.Create(key, audioLength: 4000, seed: seed);
        }
    }
}
