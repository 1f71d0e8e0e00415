using IvrVoice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Caching.Tests;

/// <summary>Hand-offs between requests: in memory on one node, through the PostgreSQL store's table between nodes.</summary>
[Trait("Category", "Integration")]
public sealed class HandoffStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [SkippableFact]
    public async Task Postgres_WrittenOnOneNode_IsTakenOnceOnAnother()
    {
        await using PostgresPromptStore a = CreatePromptStore();
        await using PostgresPromptStore b = CreatePromptStore();
        PostgresHandoffStore nodeA = new(a, _time);
        PostgresHandoffStore nodeB = new(b, _time);

        await nodeA.PutAsync("outcome:CA1", "digit:12", TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.True(nodeB.Shared);
        Assert.Equal("digit:12", await nodeB.GetAsync("outcome:CA1", CancellationToken.None));
        Assert.Equal("digit:12", await nodeB.TakeAsync("outcome:CA1", CancellationToken.None));
        Assert.Null(await nodeA.TakeAsync("outcome:CA1", CancellationToken.None));
        Assert.Null(await nodeA.GetAsync("outcome:CA1", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Postgres_TwoNodesTakeAtOnce_OnlyOneGetsTheValue()
    {
        await using PostgresPromptStore a = CreatePromptStore();
        await using PostgresPromptStore b = CreatePromptStore();
        PostgresHandoffStore nodeA = new(a, _time);
        PostgresHandoffStore nodeB = new(b, _time);
        for (int i = 0; i < 20; i++)
        {
            string key = $"race:{i}";
            await nodeA.PutAsync(key, "played", TimeSpan.FromMinutes(1), CancellationToken.None);

            string?[] taken = await Task.WhenAll(nodeA.TakeAsync(key, CancellationToken.None), nodeB.TakeAsync(key, CancellationToken.None));

            Assert.Single(taken, t => t == "played");
            Assert.Single(taken, t => t is null);
        }
    }

    [SkippableFact]
    public async Task Postgres_PutAgain_ReplacesTheValueAndItsExpiry()
    {
        await using PostgresPromptStore store = CreatePromptStore();
        PostgresHandoffStore sut = new(store, _time);

        await sut.PutAsync("replace", "first", TimeSpan.FromMinutes(1), CancellationToken.None);
        await sut.PutAsync("replace", "second", TimeSpan.FromMinutes(5), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("second", await sut.GetAsync("replace", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Postgres_Expired_IsNeitherReadNorTakenAndIsSweptByALaterWrite()
    {
        await using PostgresPromptStore store = CreatePromptStore();
        PostgresHandoffStore sut = new(store, _time);
        await sut.PutAsync("short", "v", TimeSpan.FromMinutes(1), CancellationToken.None);
        await sut.PutAsync("taken-late", "v", TimeSpan.FromMinutes(1), CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await sut.GetAsync("short", CancellationToken.None));
        Assert.Null(await sut.TakeAsync("taken-late", CancellationToken.None));
        Assert.Equal("1", PostgresFixture.Query(database.ConnectionString, "SELECT count(*) FROM ivrvoice_handoffs WHERE key = 'short'"));
        await sut.PutAsync("later", "v", TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("0", PostgresFixture.Query(database.ConnectionString, "SELECT count(*) FROM ivrvoice_handoffs WHERE key = 'short'"));
    }

    [SkippableFact]
    public async Task Postgres_DatabaseNeverAnswers_EachOperationTimesOutWithinStoreTimeout()
    {
        await using HangingTcpProxy proxy = new(HangingTcpProxy.TargetOf(database.ConnectionString), hung: true);
        await using PostgresPromptStore store = new(
            new PostgresStoreOptions { ConnectionString = proxy.Redirect(database.ConnectionString), OperationTimeout = TimeSpan.FromMilliseconds(300) },
            NullLogger<PostgresPromptStore>.Instance, new PromptCacheMetrics());
        PostgresHandoffStore sut = new(store, TimeProvider.System);

        await Assert.ThrowsAsync<TimeoutException>(() => sut.PutAsync("hung", "v", TimeSpan.FromMinutes(1), CancellationToken.None));
        await Assert.ThrowsAsync<TimeoutException>(() => sut.TakeAsync("hung", CancellationToken.None));
        await Assert.ThrowsAsync<TimeoutException>(() => sut.GetAsync("hung", CancellationToken.None));
        proxy.Resume();
    }

    [SkippableFact]
    public async Task AddPromptCache_PostgresStore_SharesHandoffsThroughIt()
    {
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptCache(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = database.ConnectionString,
        }).Build());
        await using ServiceProvider provider = services.BuildServiceProvider();

        IHandoffStore handoffs = provider.GetRequiredService<IHandoffStore>();
        await handoffs.PutAsync("di", "through the prompt store's table", TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.True(handoffs.Shared);
        Assert.Equal("through the prompt store's table", PostgresFixture.Query(database.ConnectionString, "SELECT value FROM ivrvoice_handoffs WHERE key = 'di'"));
    }

    [Fact]
    public async Task AddPromptCache_DiskStore_KeepsHandoffsInThisProcess()
    {
        using TempDirectory folder = new("ivrvoice-handoff-");
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptCache(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Disk",
            ["Cache:Disk:Path"] = folder.Path,
        }).Build());
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<IHandoffStore>().Shared);
    }

    [Fact]
    public async Task Memory_PutGetTakeAndExpiry_BehaveAsThePostgresStore()
    {
        MemoryHandoffStore sut = new(_time);

        await sut.PutAsync("k", "v", TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("v", await sut.GetAsync("k", CancellationToken.None));
        Assert.Equal("v", await sut.TakeAsync("k", CancellationToken.None));
        Assert.Null(await sut.TakeAsync("k", CancellationToken.None));

        await sut.PutAsync("old", "v", TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await sut.GetAsync("old", CancellationToken.None));
        Assert.Null(await sut.TakeAsync("old", CancellationToken.None));
    }

    [Theory]
    [InlineData("", "v", 60)]
    [InlineData("k", "v", 0)]
    [InlineData("k", "v", 60 * 60 * 24 * 8)]
    public async Task Memory_BadArguments_AreRefused(string key, string value, int lifetimeSeconds)
    {
        MemoryHandoffStore sut = new(_time);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => sut.PutAsync(key, value, TimeSpan.FromSeconds(lifetimeSeconds), CancellationToken.None));
    }

    private PostgresPromptStore CreatePromptStore() =>
        new(new PostgresStoreOptions { ConnectionString = database.ConnectionString }, NullLogger<PostgresPromptStore>.Instance, new PromptCacheMetrics());
}
