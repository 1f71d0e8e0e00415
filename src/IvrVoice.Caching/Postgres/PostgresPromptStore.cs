using System.Buffers.Binary;
using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace IvrVoice.Caching;

/// <summary>
/// Prompts in one PostgreSQL table shared by every node. The render lock is a session advisory lock held on its own
/// connection, so exactly one node renders a missing prompt while the others wait and then read it.
/// </summary>
public sealed partial class PostgresPromptStore : IPromptStore, IAsyncDisposable, IDisposable
{
    internal const string StoreName = "postgres";

    // The first key of the two-key advisory lock space: "IVRV", so the cache's locks stay apart from other users'.
    private const int AdvisoryLockClass = 0x49565256;
    private const long SchemaLockKey = 0x4956525653434845; // "IVRVSCHE"

    private const string MetadataColumns =
        "text, voice, model, language, style, provider, duration_seconds, byte_length, sha256, rendered_at, pinned, format";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _operationTimeout;
    private readonly ILogger _logger;
    private readonly StoreInitialization _initialization;
    private long _storedBytes;

    public PostgresPromptStore(PostgresStoreOptions options, ILogger<PostgresPromptStore> logger, PromptCacheMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(metrics);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Cache:Postgres:ConnectionString is required for the PostgreSQL prompt store.", nameof(options));
        }

        _dataSource = NpgsqlDataSource.Create(WithTimeoutDefaults(options.ConnectionString));
        _operationTimeout = options.OperationTimeout;
        _logger = logger;
        _initialization = new StoreInitialization(ApplySchemaAsync);
        metrics.ObserveStoredBytes(StoreName, () => Volatile.Read(ref _storedBytes));
    }

    public string Name => StoreName;

    /// <summary>The pool every operation of this store uses (the hand-off table shares it).</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>The bound on one operation (<c>Cache:StoreTimeout</c>).</summary>
    internal TimeSpan OperationTimeout => _operationTimeout;

    /// <summary>Completes once the schema (every table of the store) is in place.</summary>
    internal Task EnsureReadyAsync(CancellationToken cancellationToken) => EnsureInitializedAsync(cancellationToken);

    /// <summary>Applies the embedded schema (idempotent, serialised across nodes by an advisory lock).</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureInitializedAsync(cancellationToken);

    public ValueTask<CachedPrompt?> GetAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return new(StoreWait.WithinAsync(GetCoreAsync(key, cancellationToken), cancellationToken));
    }

    public ValueTask<PromptMetadata?> GetMetadataAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return new(StoreWait.WithinAsync(GetMetadataCoreAsync(key, cancellationToken), cancellationToken));
    }

    public ValueTask<bool> ExistsAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return new(StoreWait.WithinAsync(ExistsCoreAsync(key, cancellationToken), cancellationToken));
    }

    public Task PutAsync(CachedPrompt prompt, CancellationToken cancellationToken)
    {
        DiskPromptStore.ValidateForStorage(prompt);
        return StoreWait.WithinAsync(PutCoreAsync(prompt, cancellationToken), cancellationToken);
    }

    public Task<bool> DeleteAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return StoreWait.WithinAsync(DeleteCoreAsync(key, cancellationToken), cancellationToken);
    }

    public Task<bool> SetPinnedAsync(PromptKey key, bool pinned, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return StoreWait.WithinAsync(SetPinnedCoreAsync(key, pinned, cancellationToken), cancellationToken);
    }

    private async Task<CachedPrompt?> GetCoreAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand command = _dataSource.CreateCommand($"SELECT {MetadataColumns}, audio FROM ivrvoice_prompts WHERE key = $1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Value });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                PromptMetadata metadata = ReadMetadata(reader, key);
                byte[] audio = await reader.GetFieldValueAsync<byte[]>(12, cancellationToken).ConfigureAwait(false);
                return new CachedPrompt(metadata, audio);
            }
        }
    }

    private async Task<PromptMetadata?> GetMetadataCoreAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand command = _dataSource.CreateCommand($"SELECT {MetadataColumns} FROM ivrvoice_prompts WHERE key = $1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Value });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadMetadata(reader, key) : null;
            }
        }
    }

    private async Task<bool> ExistsCoreAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand command = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM ivrvoice_prompts WHERE key = $1)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Value });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private async Task PutCoreAsync(CachedPrompt prompt, CancellationToken cancellationToken)
    {
        DiskPromptStore.ValidateForStorage(prompt);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        PromptMetadata metadata = prompt.Metadata;
        const string Sql =
            $"""
            INSERT INTO ivrvoice_prompts (key, {MetadataColumns}, audio)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (key) DO UPDATE SET
                text = EXCLUDED.text, voice = EXCLUDED.voice, model = EXCLUDED.model, language = EXCLUDED.language,
                style = EXCLUDED.style, provider = EXCLUDED.provider, duration_seconds = EXCLUDED.duration_seconds,
                byte_length = EXCLUDED.byte_length, sha256 = EXCLUDED.sha256, rendered_at = EXCLUDED.rendered_at,
                pinned = ivrvoice_prompts.pinned OR EXCLUDED.pinned, format = EXCLUDED.format, audio = EXCLUDED.audio,
                stored_at = now()
            """;
        NpgsqlCommand command = _dataSource.CreateCommand(Sql);
        await using (command.ConfigureAwait(false))
        {
            NpgsqlParameterCollection parameters = command.Parameters;
            parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.Key.Value });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.Text });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.Voice });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.Model });
            parameters.Add(new NpgsqlParameter { Value = (object?)metadata.Language ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            parameters.Add(new NpgsqlParameter { Value = (object?)metadata.Style ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.Provider });
            parameters.Add(new NpgsqlParameter<double> { TypedValue = metadata.DurationSeconds });
            parameters.Add(new NpgsqlParameter<long> { TypedValue = metadata.ByteLength });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.Sha256 });
            parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = metadata.RenderedAt.ToUniversalTime() });
            parameters.Add(new NpgsqlParameter<bool> { TypedValue = metadata.Pinned });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.Format });
            parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = prompt.Audio, NpgsqlDbType = NpgsqlDbType.Bytea });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Approximate between health checks (a replacement counts twice); the checks recount exactly.
        Interlocked.Add(ref _storedBytes, metadata.ByteLength);
    }

    private async Task<bool> DeleteCoreAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand command = _dataSource.CreateCommand("DELETE FROM ivrvoice_prompts WHERE key = $1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Value });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    private async Task<bool> SetPinnedCoreAsync(PromptKey key, bool pinned, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand command = _dataSource.CreateCommand("UPDATE ivrvoice_prompts SET pinned = $2 WHERE key = $1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Value });
            command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = pinned });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    public async IAsyncEnumerable<PromptMetadata> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand command = _dataSource.CreateCommand($"SELECT key, {MetadataColumns} FROM ivrvoice_prompts");
        await using (command.ConfigureAwait(false))
        {
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Rows written by hand may break the key rule the schema enforces only for new rows; skip them.
                    if (PromptKey.TryParse(reader.GetString(0), out PromptKey key))
                    {
                        yield return ReadMetadata(reader, key, firstColumn: 1);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Waits for the cluster-wide advisory lock of <paramref name="key"/> on a connection of its own; disposing the result
    /// unlocks and returns the connection. A node that dies holding it loses its session, and with it the lock. Opening the
    /// connection and a first try of the lock must answer within <see cref="PostgresStoreOptions.OperationTimeout"/> (a
    /// database that does not answer is not waited on as if another node held the lock); only a lock another node holds is
    /// waited for, as long as <paramref name="cancellationToken"/> allows.
    /// </summary>
    public ValueTask<IAsyncDisposable> AcquireRenderLockAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptKey.ThrowIfDefault(key);
        return new(StoreWait.WithinAsync(AcquireRenderLockCoreAsync(key, cancellationToken), cancellationToken, static held => held.DisposeAsync()));
    }

    private async Task<IAsyncDisposable> AcquireRenderLockCoreAsync(PromptKey key, CancellationToken cancellationToken)
    {
        int lockId = LockIdFor(key);
        NpgsqlConnection connection;
        bool acquired;
        using (StoreWait.Deadline probe = StoreWait.Limit(_operationTimeout, TimeProvider.System, cancellationToken))
        {
            try
            {
                await StoreWait.WithinAsync(EnsureInitializedAsync(probe.Token), probe.Token).ConfigureAwait(false);
                connection = await StoreWait.WithinAsync(
                    _dataSource.OpenConnectionAsync(probe.Token).AsTask(), probe.Token, static c => c.DisposeAsync()).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (probe.TimedOut)
            {
                throw new TimeoutException($"PostgreSQL did not answer within Cache:StoreTimeout ({_operationTimeout}).");
            }

            Task<bool> tryLock = ExecuteLockFunctionAsync(connection, "pg_try_advisory_lock", lockId, probe.Token);
            try
            {
                acquired = await StoreWait.WithinAsync(tryLock, probe.Token).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // A connection is never disposed under a command still running on it; closing it also ends its session's locks.
                _ = tryLock.ContinueWith(
                    _ => connection.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
                if (exception is OperationCanceledException && probe.TimedOut)
                {
                    throw new TimeoutException($"PostgreSQL did not answer within Cache:StoreTimeout ({_operationTimeout}).");
                }

                throw;
            }
        }

        try
        {
            if (!acquired)
            {
                // Another node renders this prompt now: wait for it, then read what it stored.
                await ExecuteLockFunctionAsync(connection, "pg_advisory_lock", lockId, cancellationToken).ConfigureAwait(false);
            }

            return new RenderLock(connection, lockId, _logger);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<PromptStoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        using StoreWait.Deadline limit = StoreWait.Limit(_operationTimeout, TimeProvider.System, cancellationToken);
        try
        {
            await StoreWait.WithinAsync(EnsureInitializedAsync(limit.Token), limit.Token).ConfigureAwait(false);
            (long entries, long bytes) = await StoreWait.WithinAsync(CountAsync(limit.Token), limit.Token).ConfigureAwait(false);
            return new PromptStoreHealth(true, "PostgreSQL prompt store answered.", entries, bytes);
        }
        catch (OperationCanceledException) when (limit.TimedOut)
        {
            return new PromptStoreHealth(false, $"PostgreSQL prompt store did not answer within {_operationTimeout.TotalSeconds:0.#} s (Cache:StoreTimeout).");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The exception message names the failure (refused, timeout, auth) and never carries the connection string.
            return new PromptStoreHealth(false, $"PostgreSQL prompt store is unreachable: {exception.Message}");
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// The connection string with Npgsql's waits made sane where it leaves them unset: <c>Timeout</c> (connecting, including
    /// the start-up exchange) 5 s instead of 15, <c>Command Timeout</c> 10 s instead of 30, <c>Cancellation Timeout</c> 2 s, and
    /// TCP keepalives, so a database that stops answering frees the pool's connections. Callers never wait on these: each
    /// operation is bounded by its caller's token; these bound the work left behind.
    /// </summary>
    internal static string WithTimeoutDefaults(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder = new(connectionString);
        System.Data.Common.DbConnectionStringBuilder given = new() { ConnectionString = connectionString };
        HashSet<string> keys = new(given.Keys.Cast<string>().Select(static k => k.Replace(" ", "", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
        if (!keys.Contains("Timeout"))
        {
            builder.Timeout = 5;
        }

        if (!keys.Contains("CommandTimeout"))
        {
            builder.CommandTimeout = 10;
        }

        if (!keys.Contains("CancellationTimeout"))
        {
            builder.CancellationTimeout = 2000;
        }

        if (!keys.Contains("KeepAlive"))
        {
            builder.KeepAlive = 30;
        }

        return builder.ConnectionString;
    }

    internal static int LockIdFor(PromptKey key)
    {
        // Any 32 bits of a SHA-256 spread evenly; two keys sharing them only take turns, which is harmless.
        Span<byte> prefix = stackalloc byte[4];
        Convert.FromHexString(key.Value.AsSpan(0, 8), prefix, out _, out _);
        return BinaryPrimitives.ReadInt32BigEndian(prefix);
    }

    private Task EnsureInitializedAsync(CancellationToken cancellationToken) => _initialization.EnsureAsync(cancellationToken);

    private async Task ApplySchemaAsync()
    {
        string schema = await ReadEmbeddedSchemaAsync().ConfigureAwait(false);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Nodes starting together would otherwise race on CREATE TABLE IF NOT EXISTS.
                NpgsqlCommand lockCommand = new("SELECT pg_advisory_xact_lock($1)", connection, transaction);
                await using (lockCommand.ConfigureAwait(false))
                {
                    lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SchemaLockKey });
                    await lockCommand.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }

                NpgsqlCommand schemaCommand = new(schema, connection, transaction);
                await using (schemaCommand.ConfigureAwait(false))
                {
                    await schemaCommand.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await CountAsync(CancellationToken.None).ConfigureAwait(false);
        Log.SchemaApplied(_logger);
    }

    private async Task<(long Entries, long Bytes)> CountAsync(CancellationToken cancellationToken)
    {
        NpgsqlCommand command = _dataSource.CreateCommand("SELECT count(*), coalesce(sum(byte_length), 0)::bigint FROM ivrvoice_prompts");
        await using (command.ConfigureAwait(false))
        {
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                long entries = reader.GetInt64(0);
                long bytes = reader.GetInt64(1);
                Volatile.Write(ref _storedBytes, bytes);
                return (entries, bytes);
            }
        }
    }

    private static async Task<string> ReadEmbeddedSchemaAsync()
    {
        Stream stream = typeof(PostgresPromptStore).Assembly.GetManifestResourceStream("IvrVoice.Caching.Postgres.Schema.sql")
            ?? throw new InvalidOperationException("The embedded resource IvrVoice.Caching.Postgres.Schema.sql is missing from the build.");
        using StreamReader reader = new(stream);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    private static PromptMetadata ReadMetadata(NpgsqlDataReader reader, PromptKey key, int firstColumn = 0) => new()
    {
        Key = key,
        Text = reader.GetString(firstColumn),
        Voice = reader.GetString(firstColumn + 1),
        Model = reader.GetString(firstColumn + 2),
        Language = reader.IsDBNull(firstColumn + 3) ? null : reader.GetString(firstColumn + 3),
        Style = reader.IsDBNull(firstColumn + 4) ? null : reader.GetString(firstColumn + 4),
        Provider = reader.GetString(firstColumn + 5),
        DurationSeconds = reader.GetDouble(firstColumn + 6),
        ByteLength = reader.GetInt64(firstColumn + 7),
        Sha256 = reader.GetString(firstColumn + 8),
        RenderedAt = reader.GetFieldValue<DateTimeOffset>(firstColumn + 9),
        Pinned = reader.GetBoolean(firstColumn + 10),
        Format = reader.GetString(firstColumn + 11),
    };

    private static async Task<bool> ExecuteLockFunctionAsync(NpgsqlConnection connection, string function, int lockId, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = new($"SELECT {function}($1, $2)", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AdvisoryLockClass });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = lockId });
            // pg_advisory_lock returns void (read as DBNull); the try and unlock functions return whether they succeeded.
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not false;
        }
    }

    private sealed class RenderLock(NpgsqlConnection connection, int lockId, ILogger logger) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                await ExecuteLockFunctionAsync(connection, "pg_advisory_unlock", lockId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException exception)
            {
                // The session is gone, and the lock with it; nothing is left to release.
                Log.UnlockFailed(logger, exception);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 340, Level = LogLevel.Information, Message = "PostgreSQL prompt store schema is in place")]
        public static partial void SchemaApplied(ILogger logger);

        [LoggerMessage(EventId = 341, Level = LogLevel.Warning, Message = "Releasing a render lock failed; the lock ends with its session")]
        public static partial void UnlockFailed(ILogger logger, Exception exception);
    }
}
