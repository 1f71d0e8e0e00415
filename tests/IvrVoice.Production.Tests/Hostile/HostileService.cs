namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// A live service on the PostgreSQL store, whose connection string carries a password (the test server trusts loopback, so
/// the password is sent and ignored), so every secret kind is present in its settings.
/// </summary>
public sealed class HostileService : LiveService
{
    public const string DatabasePassword = "pg-password-7c2e91d4";

    private readonly PostgresFixture _postgres = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Cache:Store"] = "Postgres";
        // Open media, so hostile keys reach the key parser rather than stopping at the signature check.
        settings["Service:RequireTwilioSignatureForMedia"] = "false";
        settings["Service:RateLimit:PermitsPerMinute"] = "100000";
        settings["Service:RateLimit:Burst"] = "10000";
        // Last: without PostgreSQL (and IVRVOICE_ALLOW_MISSING_TOOLS=1) this throws the skip, and the settings above are
        // still whole for tests that point the store elsewhere themselves.
        settings["Cache:Postgres:ConnectionString"] = _postgres.ConnectionString + ";Password=" + DatabasePassword;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _postgres.Dispose();
    }
}
