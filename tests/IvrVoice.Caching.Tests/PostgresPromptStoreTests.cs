using IvrVoice.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace IvrVoice.Caching.Tests;

[Trait("Category", "Integration")]
public sealed class PostgresPromptStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [SkippableFact]
    public async Task PutAsync_ThenGetAsync_RoundTripsAudioAndEveryMetadataField()
    {
        await using PostgresPromptStore sut = CreateStore();
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("pg round trip"), audioLength: 40_000, seed: 3);

        await sut.PutAsync(prompt, CancellationToken.None);
        CachedPrompt? back = await sut.GetAsync(prompt.Metadata.Key, CancellationToken.None);

        Assert.NotNull(back);
        Assert.Equal(prompt.Metadata, back.Metadata);
        Assert.Equal(prompt.Audio.ToArray(), back.Audio.ToArray());
        Assert.Equal(prompt.Metadata, await sut.GetMetadataAsync(prompt.Metadata.Key, CancellationToken.None));
        Assert.True(await sut.ExistsAsync(prompt.Metadata.Key, CancellationToken.None));
    }

    [SkippableFact]
    public async Task PutAsync_NullLanguageAndStyle_RoundTripAsNull()
    {
        await using PostgresPromptStore sut = CreateStore();
        CachedPrompt template = TestPrompts.Create(TestPrompts.Key("pg nulls"));
        CachedPrompt prompt = template with { Metadata = template.Metadata with { Language = null, Style = null } };

        await sut.PutAsync(prompt, CancellationToken.None);

        PromptMetadata? back = await sut.GetMetadataAsync(prompt.Metadata.Key, CancellationToken.None);
        Assert.Null(back!.Language);
        Assert.Null(back.Style);
    }

    [SkippableFact]
    public async Task GetAsync_UnknownKey_ReturnsNull()
    {
        await using PostgresPromptStore sut = CreateStore();

        Assert.Null(await sut.GetAsync(TestPrompts.Key("pg absent"), CancellationToken.None));
        Assert.Null(await sut.GetMetadataAsync(TestPrompts.Key("pg absent"), CancellationToken.None));
        Assert.False(await sut.ExistsAsync(TestPrompts.Key("pg absent"), CancellationToken.None));
    }

    [SkippableFact]
    public async Task PutAsync_Replacement_KeepsPinAndReplacesAudio()
    {
        await using PostgresPromptStore sut = CreateStore();
        PromptKey key = TestPrompts.Key("pg pinned");
        await sut.PutAsync(TestPrompts.Create(key, seed: 1, pinned: true), CancellationToken.None);
        CachedPrompt replacement = TestPrompts.Create(key, seed: 2, pinned: false);

        await sut.PutAsync(replacement, CancellationToken.None);

        CachedPrompt? back = await sut.GetAsync(key, CancellationToken.None);
        Assert.True(back!.Metadata.Pinned);
        Assert.Equal(replacement.Audio.ToArray(), back.Audio.ToArray());
        Assert.True(await sut.SetPinnedAsync(key, false, CancellationToken.None));
        Assert.False((await sut.GetMetadataAsync(key, CancellationToken.None))!.Pinned);
    }

    [SkippableFact]
    public async Task PutAsync_MetadataShaDoesNotMatchAudio_ThrowsArgumentException()
    {
        await using PostgresPromptStore sut = CreateStore();
        CachedPrompt good = TestPrompts.Create(TestPrompts.Key("pg lying"));

        await Assert.ThrowsAsync<ArgumentException>(() =>
            sut.PutAsync(good with { Metadata = good.Metadata with { Sha256 = new string('0', 64) } }, CancellationToken.None));

        Assert.False(await sut.ExistsAsync(good.Metadata.Key, CancellationToken.None));
    }

    [SkippableFact]
    public async Task DeleteAndList_StoredEntries_BehaveLikeTheDiskStore()
    {
        string connectionString = database.CreateDatabase();
        await using PostgresPromptStore sut = CreateStore(connectionString);
        PromptKey keep = TestPrompts.Key("pg keep"), drop = TestPrompts.Key("pg drop");
        await sut.PutAsync(TestPrompts.Create(keep), CancellationToken.None);
        await sut.PutAsync(TestPrompts.Create(drop), CancellationToken.None);

        Assert.True(await sut.DeleteAsync(drop, CancellationToken.None));
        Assert.False(await sut.DeleteAsync(drop, CancellationToken.None));

        List<PromptKey> listed = [];
        await foreach (PromptMetadata metadata in sut.ListAsync(CancellationToken.None))
        {
            listed.Add(metadata.Key);
        }

        Assert.Equal([keep], listed);
        PromptStoreHealth health = await sut.CheckHealthAsync(CancellationToken.None);
        Assert.True(health.IsHealthy, health.Description);
        Assert.Equal(1, health.Entries);
        Assert.Equal(TestPrompts.Create(keep).Audio.Length, health.StoredBytes);
    }

    [SkippableFact]
    public async Task InitializeAsync_ManyStoresAtOnceAndAgain_AppliesSchemaIdempotently()
    {
        string connectionString = database.CreateDatabase();
        PostgresPromptStore[] nodes = Enumerable.Range(0, 4).Select(_ => CreateStore(connectionString)).ToArray();
        try
        {
            await Task.WhenAll(nodes.Select(node => node.InitializeAsync(CancellationToken.None)));
            CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("pg schema"));
            await nodes[0].PutAsync(prompt, CancellationToken.None);

            await using PostgresPromptStore restarted = CreateStore(connectionString);
            await restarted.InitializeAsync(CancellationToken.None);

            CachedPrompt? back = await restarted.GetAsync(prompt.Metadata.Key, CancellationToken.None);
            Assert.Equal(prompt.Audio.ToArray(), back!.Audio.ToArray());
            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
            await using NpgsqlCommand storage = dataSource.CreateCommand(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'ivrvoice_prompts'::regclass AND attname = 'audio'");
            Assert.Equal('e', (char)(await storage.ExecuteScalarAsync())!);
        }
        finally
        {
            foreach (PostgresPromptStore node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task Schema_RowWithMalformedKey_IsRefusedByTheDatabase()
    {
        await using PostgresPromptStore sut = CreateStore();
        await sut.InitializeAsync(CancellationToken.None);
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using NpgsqlCommand insert = dataSource.CreateCommand(
            "INSERT INTO ivrvoice_prompts (key, text, voice, model, provider, duration_seconds, byte_length, sha256, rendered_at, format, audio) " +
            "VALUES ('../../etc/passwd', 't', 'v', 'm', 'p', 0, 1, 's', now(), 'mulaw-wav', '\\x00')");

        PostgresException error = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [SkippableFact]
    public async Task AcquireRenderLockAsync_HeldByOneNode_AnotherNodeWaitsUntilReleased()
    {
        string connectionString = database.CreateDatabase();
        await using PostgresPromptStore nodeA = CreateStore(connectionString);
        await using PostgresPromptStore nodeB = CreateStore(connectionString);
        PromptKey key = TestPrompts.Key("pg lock");

        IAsyncDisposable heldByA = await nodeA.AcquireRenderLockAsync(key, CancellationToken.None);
        Task<IAsyncDisposable> waitingB = nodeB.AcquireRenderLockAsync(key, CancellationToken.None).AsTask();
        await WaitForBlockedAdvisoryLocksAsync(connectionString, 1);

        Assert.False(waitingB.IsCompleted);
        await heldByA.DisposeAsync();
        await using IAsyncDisposable heldByB = await waitingB;
        Assert.Equal(0, await CountBlockedAdvisoryLocksAsync(connectionString));
    }

    [SkippableFact]
    public async Task AcquireRenderLockAsync_WaitCancelled_ThrowsAndLeavesNoLock()
    {
        string connectionString = database.CreateDatabase();
        await using PostgresPromptStore nodeA = CreateStore(connectionString);
        await using PostgresPromptStore nodeB = CreateStore(connectionString);
        PromptKey key = TestPrompts.Key("pg lock cancel");
        IAsyncDisposable heldByA = await nodeA.AcquireRenderLockAsync(key, CancellationToken.None);
        using CancellationTokenSource giveUp = new();

        Task<IAsyncDisposable> waitingB = nodeB.AcquireRenderLockAsync(key, giveUp.Token).AsTask();
        await WaitForBlockedAdvisoryLocksAsync(connectionString, 1);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingB);
        await heldByA.DisposeAsync();
        await using IAsyncDisposable again = await nodeB.AcquireRenderLockAsync(key, CancellationToken.None);
    }

    [SkippableFact]
    public async Task GetOrRenderAsync_TwoNodesRacingOnOneKey_RenderOnceAcrossBoth()
    {
        string connectionString = database.CreateDatabase();
        await using PostgresPromptStore storeA = CreateStore(connectionString);
        await using PostgresPromptStore storeB = CreateStore(connectionString);
        using PromptCache nodeA = TestPrompts.CreateCache(storeA);
        using PromptCache nodeB = TestPrompts.CreateCache(storeB);
        PromptKey key = TestPrompts.Key("pg two nodes");
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int renders = 0;

        async Task<CachedPrompt> RenderAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref renders);
            await release.Task.WaitAsync(cancellationToken);
            return TestPrompts.Create(key, audioLength: 16_000, seed: 5);
        }

        Task<CachedPrompt>[] callers =
        [
            .. Enumerable.Range(0, 20).Select(_ => Task.Run(() => nodeA.GetOrRenderAsync(key, RenderAsync, CacheMode.ReadWrite, CancellationToken.None))),
            .. Enumerable.Range(0, 20).Select(_ => Task.Run(() => nodeB.GetOrRenderAsync(key, RenderAsync, CacheMode.ReadWrite, CancellationToken.None))),
        ];

        // Each node runs one flight; the one that lost the advisory lock is blocked in PostgreSQL.
        await nodeA.WaitForWaitersAsync(key, 20);
        await nodeB.WaitForWaitersAsync(key, 20);
        await WaitForBlockedAdvisoryLocksAsync(connectionString, 1);
        release.SetResult();
        CachedPrompt[] results = await Task.WhenAll(callers);

        Assert.Equal(1, renders);
        byte[] expected = TestPrompts.Create(key, audioLength: 16_000, seed: 5).Audio.ToArray();
        Assert.All(results, result => Assert.Equal(expected, result.Audio.ToArray()));
    }

    [SkippableFact]
    public async Task CheckHealthAsync_NothingListening_IsUnhealthyWithoutLeakingThePassword()
    {
        await using PostgresPromptStore sut = CreateStore("Host=127.0.0.1;Port=1;Username=ivr;Password=hunter2-secret;Database=none;Timeout=3");

        PromptStoreHealth health = await sut.CheckHealthAsync(CancellationToken.None);

        Assert.False(health.IsHealthy);
        Assert.DoesNotContain("hunter2-secret", health.Description, StringComparison.Ordinal);
    }

    private PostgresPromptStore CreateStore(string? connectionString = null) =>
        new(new PostgresStoreOptions { ConnectionString = connectionString ?? database.ConnectionString },
            NullLogger<PostgresPromptStore>.Instance, new PromptCacheMetrics());

    private static async Task WaitForBlockedAdvisoryLocksAsync(string connectionString, int count)
    {
        using CancellationTokenSource giveUp = new(TimeSpan.FromSeconds(60));
        while (await CountBlockedAdvisoryLocksAsync(connectionString) < count)
        {
            await Task.Delay(10, giveUp.Token);
        }
    }

    private static async Task<long> CountBlockedAdvisoryLocksAsync(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder = new(connectionString) { Pooling = false };
        await using NpgsqlConnection connection = new(builder.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlCommand count = new(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
