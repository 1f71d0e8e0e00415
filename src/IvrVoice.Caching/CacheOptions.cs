using Microsoft.Extensions.Options;

namespace IvrVoice.Caching;

/// <summary>Where rendered prompts are kept. Bound from the "Cache" section (environment: <c>Cache__Store</c>, ...).</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    public static readonly TimeSpan DefaultRenderTimeout = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan DefaultStoreTimeout = TimeSpan.FromSeconds(2);

    public MemoryTierOptions Memory { get; set; } = new();

    /// <summary>The durable tier: <see cref="PromptStoreKind.Disk"/> (default) or <see cref="PromptStoreKind.Postgres"/>.</summary>
    public PromptStoreKind Store { get; set; } = PromptStoreKind.Disk;

    public DiskStoreOptions Disk { get; set; } = new();

    public PostgresStoreOptions Postgres { get; set; } = new();

    /// <summary>
    /// Upper bound on one shared render (lock wait, provider, store write). A waiting request gives up on its own token;
    /// the render keeps going for the next caller until this limit.
    /// </summary>
    public TimeSpan RenderTimeout { get; set; } = DefaultRenderTimeout;

    /// <summary>
    /// Longest one store read, write, lock attempt or health check may keep a caller waiting. Past it the cache goes on
    /// without the store (renders, serves from memory) and says so; a store that accepts connections and never answers
    /// therefore costs a caller at most this, never the database driver's own timeouts.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = DefaultStoreTimeout;
}

public enum PromptStoreKind
{
    Disk,
    Postgres,
}

public sealed class MemoryTierOptions
{
    public const long DefaultSizeLimitBytes = 256L * 1024 * 1024;

    /// <summary>Bytes of audio the in-process tier may hold.</summary>
    public long SizeLimitBytes { get; set; } = DefaultSizeLimitBytes;
}

public sealed class DiskStoreOptions
{
    public const string DefaultPath = ".ivrvoice/cache";
    public const long DefaultSizeLimitBytes = 10L * 1024 * 1024 * 1024;

    /// <summary>The cache folder; a relative path is resolved against the content root (the current folder for the CLI).</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>Bytes the entry files may occupy; least-recently-used unpinned entries are evicted beyond it.</summary>
    public long SizeLimitBytes { get; set; } = DefaultSizeLimitBytes;

    /// <summary>Check every entry's SHA-256 in the background after start-up and remove corrupt ones (reads always check).</summary>
    public bool VerifyOnStart { get; set; } = true;
}

public sealed class PostgresStoreOptions
{
    /// <summary>Npgsql connection string; required when <c>Cache:Store</c> is Postgres. Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long opening a connection and a first try of a render lock may take (from <c>Cache:StoreTimeout</c>).</summary>
    internal TimeSpan OperationTimeout { get; set; } = CacheOptions.DefaultStoreTimeout;
}

/// <summary>Checks every cache setting and reports all failures at once, each naming its setting.</summary>
internal sealed class CacheOptionsValidator : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.Memory is null || options.Memory.SizeLimitBytes <= 0)
        {
            failures.Add("Cache:Memory:SizeLimitBytes must be a positive number of bytes.");
        }

        if (!Enum.IsDefined(options.Store))
        {
            failures.Add("Cache:Store must be Disk or Postgres.");
        }

        if (options.Store == PromptStoreKind.Disk)
        {
            if (options.Disk is null || string.IsNullOrWhiteSpace(options.Disk.Path))
            {
                failures.Add("Cache:Disk:Path must name a folder.");
            }
            else if (options.Disk.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
            {
                failures.Add("Cache:Disk:Path contains characters that are not valid in a path.");
            }

            if (options.Disk is not null && options.Disk.SizeLimitBytes <= 0)
            {
                failures.Add("Cache:Disk:SizeLimitBytes must be a positive number of bytes.");
            }
        }

        if (options.Store == PromptStoreKind.Postgres)
        {
            string? connectionString = options.Postgres?.ConnectionString;
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                failures.Add("Cache:Postgres:ConnectionString is required when Cache:Store is Postgres.");
            }
            else
            {
                try
                {
                    _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
                }
                catch (ArgumentException)
                {
                    // The message of the parser may quote the string, which can hold a password: report only the setting.
                    failures.Add("Cache:Postgres:ConnectionString is not a valid Npgsql connection string.");
                }
            }
        }

        if (options.RenderTimeout <= TimeSpan.Zero || options.RenderTimeout > TimeSpan.FromDays(1))
        {
            failures.Add("Cache:RenderTimeout must be greater than zero and at most one day (e.g. 00:10:00).");
        }

        if (options.StoreTimeout <= TimeSpan.Zero || options.StoreTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Cache:StoreTimeout must be greater than zero and at most one minute (e.g. 00:00:02).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
