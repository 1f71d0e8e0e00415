extern alias emulator;

using emulator::IvrVoice.ProviderEmulator;

namespace IvrVoice.Production.Tests.Support;

/// <summary>
/// Settings for a service under test, with secrets distinctive enough that a test can search the whole log for them.
/// </summary>
internal static class ServiceSettings
{
    public const string PublicBaseUrl = "https://ivr.example.test";
    public const string AuthToken = "twilio-token-5e1d0c9b7a3f48e2b6d4";
    public const string ApiKey = "api-key-c41f9e08d27b6a35";
    public const string SigningKey = "url-signing-key-0b7e4d2a91c35f86e4d7a2c9";
    public const string CallerNumber = "+15555550187";
    public const string CalledNumber = "+15035550100";

    /// <summary>
    /// JSON logs, Twilio validation on against <see cref="PublicBaseUrl"/>, an API key, a signing key, a disk cache in
    /// <paramref name="cacheFolder"/>, the flows of <paramref name="libraryFolder"/>, and the given emulator routes with
    /// short retry delays (the emulator asks for waits of at most 200 ms).
    /// </summary>
    public static Dictionary<string, string?> For(string cacheFolder, string libraryFolder, TtsEmulator? emulator, params string[] routes)
    {
        Dictionary<string, string?> settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Service:LogFormat"] = "Json",
            ["Service:ApiKeys:0"] = ApiKey,
            ["Service:UrlSigningKey"] = SigningKey,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:PublicBaseUrl"] = PublicBaseUrl,
            ["Twilio:RequestValidation"] = "Enabled",
            ["Cache:Store"] = "Disk",
            ["Cache:Disk:Path"] = cacheFolder,
            ["Flows:Folder"] = libraryFolder,
            // Debug as well: whatever is logged at any level must be free of secrets.
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Serilog:MinimumLevel:Override:Microsoft"] = "Information",
        };
        if (emulator is not null)
        {
            foreach ((string key, string? value) in emulator.Settings(routes.Length == 0 ? ["gemini"] : routes))
            {
                settings[key] = value;
            }

            foreach (string section in new[] { "Gemini", "AIgateway", "OpenRouter", "Vtrix", "Pixazo", "Segmind" })
            {
                settings[$"Providers:{section}:RetryBaseDelay"] = "00:00:00.050";
                settings[$"Providers:{section}:PollInterval"] = "00:00:00.020";
                settings[$"Providers:{section}:MaxPollInterval"] = "00:00:00.100";
            }
        }

        return settings;
    }

    /// <summary>Every secret the settings hold, for log searches.</summary>
    public static IEnumerable<string> Secrets(IReadOnlyDictionary<string, string?> settings) =>
        settings.Where(s => s.Value is { Length: > 0 } && IsSecret(s.Key)).Select(s => s.Value!).Distinct();

    public static bool IsSecret(string key) =>
        key.EndsWith("ApiKey", StringComparison.OrdinalIgnoreCase)
        || key.Contains("ApiKeys", StringComparison.OrdinalIgnoreCase)
        || key.EndsWith("AuthToken", StringComparison.OrdinalIgnoreCase)
        || key.EndsWith("UrlSigningKey", StringComparison.OrdinalIgnoreCase)
        || key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase);
}
