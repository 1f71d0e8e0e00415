extern alias emulator;

using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Testing;

namespace IvrVoice.Production.Tests.Support;

/// <summary>
/// Settings for a service under test: the shared <see cref="ServiceTestSettings"/> (whose secrets are distinctive enough
/// that a test can search the whole log for them) with what the production tests add.
/// </summary>
internal static class ServiceSettings
{
    // The values every test host shares, under the names these tests use.
    public const string PublicBaseUrl = ServiceTestSettings.PublicBaseUrl;
    public const string AuthToken = ServiceTestSettings.AuthToken;
    public const string ApiKey = ServiceTestSettings.ApiKey;
    public const string SigningKey = ServiceTestSettings.SigningKey;
    public const string CallerNumber = ServiceTestSettings.CallerNumber;
    public const string CalledNumber = ServiceTestSettings.CalledNumber;

    /// <summary>
    /// <see cref="ServiceTestSettings.For"/> with JSON logs at Debug, a disk cache in <paramref name="cacheFolder"/>, and the
    /// given emulator routes with short retry delays (the emulator asks for waits of at most 200 ms).
    /// </summary>
    public static Dictionary<string, string?> For(string cacheFolder, string libraryFolder, TtsEmulator? emulator, params string[] routes)
    {
        Dictionary<string, string?> settings = ServiceTestSettings.For(libraryFolder, emulator?.Settings(routes.Length == 0 ? ["gemini"] : routes));
        settings["Service:LogFormat"] = "Json";
        settings["Cache:Store"] = "Disk";
        settings["Cache:Disk:Path"] = cacheFolder;
        // Debug as well: whatever is logged at any level must be free of secrets.
        settings["Serilog:MinimumLevel:Default"] = "Debug";
        settings["Serilog:MinimumLevel:Override:Microsoft"] = "Information";
        if (emulator is not null)
        {
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
