using IvrVoice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Caching.Tests;

public sealed class CachingServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _contentRoot = new("ivrvoice-host-");

    public void Dispose() => _contentRoot.Dispose();

    [Fact]
    public async Task AddPromptCache_Defaults_UsesADiskStoreUnderTheContentRoot()
    {
        using IHost host = BuildHost([]);
        await host.StartAsync();

        PromptCache cache = host.Services.GetRequiredService<PromptCache>();
        DiskPromptStore store = Assert.IsType<DiskPromptStore>(cache.Store);
        Assert.Equal(Path.Combine(_contentRoot.Path, ".ivrvoice", "cache"), store.RootPath);
        Assert.True(Directory.Exists(store.RootPath));
        CacheOptions options = host.Services.GetRequiredService<IOptions<CacheOptions>>().Value;
        Assert.Equal(256L * 1024 * 1024, options.Memory.SizeLimitBytes);
        Assert.Equal(10L * 1024 * 1024 * 1024, options.Disk.SizeLimitBytes);
        Assert.Equal(TimeSpan.FromMinutes(10), options.RenderTimeout);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddPromptCache_ConfiguredValues_AreBound()
    {
        string absolute = Path.Combine(_contentRoot.Path, "elsewhere");
        using IHost host = BuildHost(new()
        {
            ["Cache:Memory:SizeLimitBytes"] = "1048576",
            ["Cache:Disk:Path"] = absolute,
            ["Cache:Disk:SizeLimitBytes"] = "2097152",
            ["Cache:RenderTimeout"] = "00:00:30",
        });

        await host.StartAsync();

        CacheOptions options = host.Services.GetRequiredService<IOptions<CacheOptions>>().Value;
        Assert.Equal(1_048_576, options.Memory.SizeLimitBytes);
        Assert.Equal(2_097_152, options.Disk.SizeLimitBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RenderTimeout);
        Assert.Equal(absolute, Assert.IsType<DiskPromptStore>(host.Services.GetRequiredService<IPromptStore>()).RootPath);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_DiskCacheWithCrashLeftovers_RepairsBeforeServing()
    {
        string root = Path.Combine(_contentRoot.Path, ".ivrvoice", "cache");
        DiskPromptStore earlier = TestPrompts.CreateDiskStore(root);
        PromptKey good = TestPrompts.Key("host good"), cut = TestPrompts.Key("host cut");
        await earlier.PutAsync(TestPrompts.Create(good), CancellationToken.None);
        await earlier.PutAsync(TestPrompts.Create(cut), CancellationToken.None);
        File.WriteAllBytes(earlier.EntryPath(cut), File.ReadAllBytes(earlier.EntryPath(cut))[..100]);
        string leftover = earlier.EntryPath(good) + ".abcdef012345.9.tmp";
        File.WriteAllBytes(leftover, [1, 2, 3]);
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow - TimeSpan.FromHours(2));

        using IHost host = BuildHost([]);
        await host.StartAsync();

        Assert.False(File.Exists(earlier.EntryPath(cut)));
        Assert.False(File.Exists(leftover));
        PromptCache cache = host.Services.GetRequiredService<PromptCache>();
        Assert.NotNull(await cache.TryGetAsync(good, CacheMode.ReadWrite, CancellationToken.None));
        await host.StopAsync();
    }

    [Fact]
    public async Task StopAsync_CalledTwice_SecondCallDoesNothing()
    {
        using IHost host = BuildHost([]);
        await host.StartAsync();
        IHostedService startup = host.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "PromptStoreStartup");

        await host.StopAsync();
        await startup.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StartAsync_PostgresWithoutConnectionString_FailsNamingTheSetting()
    {
        using IHost host = BuildHost(new() { ["Cache:Store"] = "Postgres" });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Cache:Postgres:ConnectionString is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SeveralBadSettings_ReportsEveryOne()
    {
        using IHost host = BuildHost(new()
        {
            ["Cache:Memory:SizeLimitBytes"] = "0",
            ["Cache:Disk:SizeLimitBytes"] = "-5",
            ["Cache:RenderTimeout"] = "00:00:00",
        });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Cache:Memory:SizeLimitBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cache:Disk:SizeLimitBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cache:RenderTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MalformedConnectionString_FailsWithoutEchoingIt()
    {
        using IHost host = BuildHost(new()
        {
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = "Host=db;Password=s3cret-value;NoSuchSetting=1",
        });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Cache:Postgres:ConnectionString is not a valid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownStoreName_FailsNamingTheSetting()
    {
        using IHost host = BuildHost(new() { ["Cache:Store"] = "Redis" });

        // The binder rejects the value before validation runs; either way the setting is named.
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Store", error.Message, StringComparison.Ordinal);
    }

    private IHost BuildHost(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = _contentRoot.Path,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddPromptCache(builder.Configuration);
        return builder.Build();
    }
}

[Trait("Category", "Integration")]
public sealed class PostgresRegistrationTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [SkippableFact]
    public async Task AddPromptCache_PostgresStore_AppliesSchemaAtStartAndServesPrompts()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cache:Store"] = "postgres",
            ["Cache:Postgres:ConnectionString"] = database.ConnectionString,
        });
        builder.Services.AddLogging();
        builder.Services.AddPromptCache(builder.Configuration);
        using IHost host = builder.Build();

        await host.StartAsync();
        PromptCache cache = host.Services.GetRequiredService<PromptCache>();
        CachedPrompt prompt = TestPrompts.Create(TestPrompts.Key("hosted pg"));
        await cache.PutAsync(prompt, pinned: true, CancellationToken.None);

        Assert.IsType<PostgresPromptStore>(cache.Store);
        Assert.True((await cache.Store.CheckHealthAsync(CancellationToken.None)).IsHealthy);
        Assert.True((await cache.Store.GetMetadataAsync(prompt.Metadata.Key, CancellationToken.None))!.Pinned);
        await host.StopAsync();
    }
}
