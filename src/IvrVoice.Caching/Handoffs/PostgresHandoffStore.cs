using Npgsql;

namespace IvrVoice.Caching;

/// <summary>
/// Hand-offs in the <c>ivrvoice_handoffs</c> table of the PostgreSQL prompt store, created with the store's schema: every node
/// sharing the store reads what any node wrote. Expiry is the writing node's clock plus the lifetime (nodes keep their clocks
/// in step, and lifetimes are minutes); expired rows are never returned and are deleted by the next write after a minute.
/// Each operation is bounded by <c>Cache:StoreTimeout</c> and the caller's token: a database that does not answer costs the
/// caller a <see cref="TimeoutException"/>, never a hang.
/// </summary>
internal sealed class PostgresHandoffStore(PostgresPromptStore store, TimeProvider time) : IHandoffStore
{
    private static readonly TimeSpan s_sweepEvery = TimeSpan.FromMinutes(1);
    private long _nextSweep;

    public bool Shared => true;

    public Task PutAsync(string key, string value, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        HandoffLimits.Check(key, value, lifetime);
        ArgumentNullException.ThrowIfNull(value);
        DateTimeOffset now = time.GetUtcNow();
        long due = Interlocked.Read(ref _nextSweep);
        bool sweep = now.UtcTicks >= due && Interlocked.CompareExchange(ref _nextSweep, (now + s_sweepEvery).UtcTicks, due) == due;
        // One statement (positional parameters allow no second): the sweep, when due, rides along as a CTE, leaving this key
        // to the upsert.
        string sql = (sweep ? "WITH swept AS (DELETE FROM ivrvoice_handoffs WHERE expires_at <= $4 AND key <> $1)\n" : "")
            + """
            INSERT INTO ivrvoice_handoffs (key, value, expires_at) VALUES ($1, $2, $3)
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
            """;
        return RunAsync(async token =>
        {
            NpgsqlCommand command = store.DataSource.CreateCommand(sql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = (now + lifetime).ToUniversalTime() });
                if (sweep)
                {
                    command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
                }

                await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return true;
            }
        }, cancellationToken);
    }

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        HandoffLimits.Check(key);
        return ReadAsync("SELECT value FROM ivrvoice_handoffs WHERE key = $1 AND expires_at > $2", key, cancellationToken);
    }

    public Task<string?> TakeAsync(string key, CancellationToken cancellationToken)
    {
        HandoffLimits.Check(key);
        // One statement: of two nodes taking at once, exactly one gets the row.
        return ReadAsync("DELETE FROM ivrvoice_handoffs WHERE key = $1 RETURNING value, expires_at > $2", key, cancellationToken, checksExpiry: true);
    }

    private Task<string?> ReadAsync(string sql, string key, CancellationToken cancellationToken, bool checksExpiry = false)
    {
        DateTimeOffset now = time.GetUtcNow();
        return RunAsync(async token =>
        {
            NpgsqlCommand command = store.DataSource.CreateCommand(sql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        return null;
                    }

                    // A taken row that had expired is gone either way; its value is not handed out.
                    return !checksExpiry || reader.GetBoolean(1) ? reader.GetString(0) : null;
                }
            }
        }, cancellationToken);
    }

    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using StoreWait.Deadline limit = StoreWait.Limit(store.OperationTimeout, time, cancellationToken);
        try
        {
            await StoreWait.WithinAsync(store.EnsureReadyAsync(limit.Token), limit.Token).ConfigureAwait(false);
            return await StoreWait.WithinAsync(operation(limit.Token), limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.TimedOut && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"PostgreSQL did not answer within Cache:StoreTimeout ({store.OperationTimeout}).");
        }
    }
}
