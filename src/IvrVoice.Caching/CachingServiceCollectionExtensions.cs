using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Caching;

public static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PromptCache"/>, the configured <see cref="IPromptStore"/>, <see cref="PromptCacheMetrics"/> and the
    /// <see cref="IHandoffStore"/> (shared through PostgreSQL with that store, in memory otherwise),
    /// with <see cref="CacheOptions"/> bound from the "Cache" section of <paramref name="configuration"/> and validated at
    /// start-up. In a host, the store is initialised (and the disk cache verified) when the host starts. Logging must be
    /// registered too (hosts do; a bare <see cref="IServiceCollection"/> needs <c>AddLogging()</c>).
    /// </summary>
    public static IServiceCollection AddPromptCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CacheOptions>().Bind(configuration.GetSection(CacheOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CacheOptions>, CacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => new PromptCacheMetrics(provider.GetService<IMeterFactory>()));
        services.TryAddSingleton<IPromptStore>(CreateStore);
        services.TryAddSingleton<PromptCache>();
        services.TryAddSingleton<IHandoffStore>(static provider => provider.GetRequiredService<IPromptStore>() is PostgresPromptStore postgres
            ? new PostgresHandoffStore(postgres, provider.GetRequiredService<TimeProvider>())
            : new MemoryHandoffStore(provider.GetRequiredService<TimeProvider>()));
        services.AddHostedService<PromptStoreStartup>();
        return services;
    }

    private static IPromptStore CreateStore(IServiceProvider provider)
    {
        CacheOptions options = provider.GetRequiredService<IOptions<CacheOptions>>().Value;
        PromptCacheMetrics metrics = provider.GetRequiredService<PromptCacheMetrics>();
        return options.Store switch
        {
            PromptStoreKind.Postgres => new PostgresPromptStore(
                new PostgresStoreOptions { ConnectionString = options.Postgres?.ConnectionString, OperationTimeout = options.StoreTimeout }, provider.GetRequiredService<ILogger<PostgresPromptStore>>(), metrics),
            _ => new DiskPromptStore(
                new DiskStoreOptions
                {
                    Path = ResolveAgainstContentRoot(options.Disk.Path, provider.GetService<IHostEnvironment>()?.ContentRootPath),
                    SizeLimitBytes = options.Disk.SizeLimitBytes,
                    VerifyOnStart = options.Disk.VerifyOnStart,
                },
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<DiskPromptStore>>(),
                metrics),
        };
    }

    internal static string ResolveAgainstContentRoot(string path, string? contentRoot) =>
        System.IO.Path.GetFullPath(path, contentRoot ?? Directory.GetCurrentDirectory());
}

/// <summary>
/// Initialises the store when the host starts: the disk index (with crash leftovers removed) or the PostgreSQL schema.
/// Full SHA-256 verification of a disk cache then runs in the background, since reads check each entry anyway.
/// </summary>
/// <remarks>
/// Resolves the store in <see cref="StartAsync"/>, not in its constructor: the host builds hosted services before it
/// validates options, and a store built then would throw for the Cache section alone, hiding every other bad setting.
/// </remarks>
internal sealed partial class PromptStoreStartup(
    IServiceProvider services,
    IOptions<CacheOptions> options,
    ILogger<PromptStoreStartup> logger) : IHostedService
{
    /// <summary>Longest the host's start waits for the store before it starts serving without it.</summary>
    internal static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _verification;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IPromptStore store = services.GetRequiredService<IPromptStore>();
        try
        {
            // A store that does not answer must not hold the node's start-up (and its health endpoints) hostage: the
            // attempt goes on in the background and every store call retries it.
            await store.InitializeAsync(cancellationToken).WaitAsync(StartupWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.InitializationSlow(logger, store.Name, StartupWait.TotalSeconds);
            return;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not fatal: the store retries on first use and /readyz reports it meanwhile.
            Log.InitializationFailed(logger, exception, store.Name);
            return;
        }

        if (store is DiskPromptStore disk && options.Value.Disk.VerifyOnStart)
        {
            _verification = Task.Run(() => VerifyAsync(disk, _stopping.Token), CancellationToken.None);
        }
    }

    private int _stopped;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Hosts may stop a service twice (test hosts do); the second call has nothing left to do.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_verification is not null)
        {
            await _verification.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task VerifyAsync(DiskPromptStore disk, CancellationToken cancellationToken)
    {
        try
        {
            PromptStoreRepairReport report = await disk.VerifyAndRepairAsync(cancellationToken).ConfigureAwait(false);
            Log.Verified(logger, report.EntriesVerified, report.CorruptEntriesRemoved.Count, report.TempFilesDeleted);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping; the next start verifies again.
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.VerificationFailed(logger, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 360, Level = LogLevel.Error, Message = "The {Store} prompt store could not be initialised at start-up; it will retry on first use")]
        public static partial void InitializationFailed(ILogger logger, Exception exception, string store);

        [LoggerMessage(EventId = 363, Level = LogLevel.Error, Message = "The {Store} prompt store did not answer within {Seconds} s at start-up; serving without it and retrying on use")]
        public static partial void InitializationSlow(ILogger logger, string store, double seconds);

        [LoggerMessage(EventId = 361, Level = LogLevel.Information, Message = "Disk cache verified: {Verified} entries intact, {Corrupt} corrupt entries removed, {TempFiles} temporary files deleted")]
        public static partial void Verified(ILogger logger, int verified, int corrupt, int tempFiles);

        [LoggerMessage(EventId = 362, Level = LogLevel.Warning, Message = "Disk cache verification stopped early")]
        public static partial void VerificationFailed(ILogger logger, Exception exception);
    }
}
