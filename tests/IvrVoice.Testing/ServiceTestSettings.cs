namespace IvrVoice.Testing;

/// <summary>
/// The one set of settings every service under test starts from, whether it runs on the in-memory test server, as its
/// own process or as the published app: Twilio validation on against <see cref="PublicBaseUrl"/>, an API key, a URL
/// signing key and a library of flows. The secrets are distinctive enough that a test can search a whole log for them.
/// Each test host adds what it is about (log format, cache, retry delays) on top.
/// </summary>
public static class ServiceTestSettings
{
    public const string PublicBaseUrl = "https://ivr.example.test";
    public const string AuthToken = "d41c8f0e2b7a49c6a1f3e5b8c9d02e7f";
    public const string ApiKey = "test-api-key-5f0e6a3b9c21";
    public const string SigningKey = "test-url-signing-key-7d41c2a9e8b3f6054d1c";
    public const string CallerNumber = "+15555550123";
    public const string CalledNumber = "+15035550100";

    /// <summary>
    /// The base settings with <paramref name="libraryFolder"/> as the flows, then <paramref name="routes"/> (a provider
    /// emulator's route settings, or none).
    /// </summary>
    public static Dictionary<string, string?> For(string libraryFolder, IEnumerable<KeyValuePair<string, string?>>? routes = null)
    {
        Dictionary<string, string?> settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:PublicBaseUrl"] = PublicBaseUrl,
            ["Twilio:RequestValidation"] = "Enabled",
            ["Service:ApiKeys:0"] = ApiKey,
            ["Service:UrlSigningKey"] = SigningKey,
            ["Flows:Folder"] = libraryFolder,
        };
        foreach ((string key, string? value) in routes ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }
}
