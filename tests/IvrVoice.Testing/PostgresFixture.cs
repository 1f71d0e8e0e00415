using System.Data.Common;
using Xunit;

namespace IvrVoice.Testing;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class (use it as an xunit class fixture), on the private test server:
/// the one named by the environment variable IVRVOICE_TEST_POSTGRES when set (scripts/test.sh sets it), otherwise one
/// started with <c>scripts/postgres.sh start</c>. The database is dropped on dispose. Databases are created with
/// <c>psql</c>, so the test kit needs no database driver. PostgreSQL missing follows <see cref="ExternalTools.Require"/>'s
/// policy: the fixture fails every test of its class naming what to install, or, with
/// <see cref="ExternalTools.AllowMissingVariable"/>=1, each test that reads <see cref="ConnectionString"/> is skipped.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    public const string EnvironmentVariable = "IVRVOICE_TEST_POSTGRES";

    private static readonly Lazy<string> Server = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly List<string> _databases = [];
    private readonly string? _connectionString;
    private readonly SkipException? _missing;

    public PostgresFixture()
    {
        try
        {
            _connectionString = CreateDatabase();
        }
        catch (SkipException missing)
        {
            // Only thrown when missing tools are allowed: each test that needs the database reports the skip itself.
            _missing = missing;
        }
    }

    /// <summary>Npgsql connection string of this fixture's own database.</summary>
    public string ConnectionString => _connectionString ?? throw new SkipException(_missing!.Message);

    /// <summary>Npgsql connection string of the server's default database (shared: create nothing in it).</summary>
    public static string ServerConnectionString => Server.Value;

    /// <summary>Creates one more empty database, dropped with the fixture, and returns its connection string.</summary>
    public string CreateDatabase()
    {
        string name = "ivrvoice_test_" + Guid.NewGuid().ToString("N")[..16];
        RunPsql(ServerConnectionString, $"CREATE DATABASE {name}");
        lock (_databases)
        {
            _databases.Add(name);
        }

        DbConnectionStringBuilder builder = new() { ConnectionString = ServerConnectionString };
        foreach (string alias in new[] { "Database", "DB" })
        {
            builder.Remove(alias);
        }

        builder["Database"] = name;
        return builder.ConnectionString;
    }

    public void Dispose()
    {
        lock (_databases)
        {
            foreach (string name in _databases)
            {
                // FORCE ends the pooled connections tests leave open; a failed drop only leaves an empty database behind.
                ExternalTools.Run("psql", PsqlArguments(ServerConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)"), timeout: TimeSpan.FromSeconds(30));
            }

            _databases.Clear();
        }
    }

    private static string StartServer()
    {
        ExternalTools.Require(ExternalTools.Psql);
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            RequireReachable(configured.Trim());
            return configured.Trim();
        }

        string repositoryRoot = FindRepositoryRoot();
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            ExternalTools.Missing($"the PostgreSQL server (install the Debian package postgresql, or set {EnvironmentVariable} to a connection string)");
        }

        // Test projects run in parallel processes; only one may run initdb at a time.
        using FileStream startLock = AcquireFileLock(Path.Combine(Path.GetTempPath(), "ivrvoice-postgres-start.lock"));
        ToolResult result = ExternalTools.Run("bash", [Path.Combine(repositoryRoot, "scripts", "postgres.sh"), "start"], timeout: TimeSpan.FromMinutes(2))
            .EnsureSuccess();
        string connectionString = result.StandardOutput.Trim().Split('\n')[^1].Trim();
        if (!connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"scripts/postgres.sh start printed no connection string: {result.StandardOutput}");
        }

        return connectionString;
    }

    /// <summary>
    /// A configured server that does not answer is a missing PostgreSQL too: the tests say where they looked and how to start
    /// one, instead of failing later with psql's or Npgsql's connection error.
    /// </summary>
    private static void RequireReachable(string connectionString)
    {
        ToolResult probe = ExternalTools.Run(ExternalTools.Psql, PsqlArguments(connectionString, "SELECT 1"), timeout: TimeSpan.FromSeconds(30));
        if (!probe.Succeeded)
        {
            DbConnectionStringBuilder builder = new() { ConnectionString = connectionString };
            string host = builder.TryGetValue("Host", out object? h) ? Convert.ToString(h, System.Globalization.CultureInfo.InvariantCulture) ?? "?" : "?";
            string port = builder.TryGetValue("Port", out object? p) ? Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture) ?? "5432" : "5432";
            ExternalTools.Missing($"a running PostgreSQL server at {host}:{port}, the one {EnvironmentVariable} names"
                + $" (psql: {probe.StandardError.Trim().Split('\n')[0]}). Start it with scripts/postgres.sh start"
                + " (install the Debian package postgresql first if it is not installed), or point the variable at a running server");
        }
    }

    private static string FindRepositoryRoot()
    {
        // Builds with a private artifacts folder run outside the checkout; then the source path recorded at compile time leads back.
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceFolder() })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "IvrVoice.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"No folder holding IvrVoice.sln above {AppContext.BaseDirectory}; set {EnvironmentVariable} to a PostgreSQL connection string.");
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "") =>
        Path.GetDirectoryName(sourceFile) is { Length: > 0 } folder ? folder : Path.GetTempPath();

    private static FileStream AcquireFileLock(string path)
    {
        DateTime giveUp = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Runs one SQL statement with psql against <paramref name="connectionString"/> and returns its unaligned output.</summary>
    public static string Query(string connectionString, string sql)
    {
        ToolResult result = ExternalTools.Run("psql", PsqlArguments(connectionString, sql), timeout: TimeSpan.FromSeconds(30));
        result.EnsureSuccess();
        return result.StandardOutput.Trim();
    }

    private static void RunPsql(string connectionString, string sql) =>
        ExternalTools.Run("psql", PsqlArguments(connectionString, sql), timeout: TimeSpan.FromSeconds(30)).EnsureSuccess();

    private static string[] PsqlArguments(string connectionString, string sql) =>
        [ToLibpq(connectionString), "-v", "ON_ERROR_STOP=1", "-qAtc", sql];

    /// <summary>Rewrites an Npgsql connection string (Host=...;Port=...) as libpq keywords (host=... port=...) for psql.</summary>
    private static string ToLibpq(string connectionString)
    {
        DbConnectionStringBuilder builder = new() { ConnectionString = connectionString };
        Dictionary<string, string> libpqNames = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = "host", ["Server"] = "host", ["Port"] = "port",
            ["Username"] = "user", ["User ID"] = "user", ["User Id"] = "user", ["UserId"] = "user", ["User"] = "user",
            ["Password"] = "password", ["Database"] = "dbname", ["DB"] = "dbname",
        };
        List<string> parts = [];
        foreach (string key in builder.Keys)
        {
            if (libpqNames.TryGetValue(key, out string? libpqName))
            {
                string value = Convert.ToString(builder[key], System.Globalization.CultureInfo.InvariantCulture) ?? "";
                parts.Add($"{libpqName}='{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'");
            }
        }

        return string.Join(' ', parts);
    }
}
