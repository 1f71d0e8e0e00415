using System.Diagnostics;

namespace IvrVoice.Testing;

/// <summary>
/// How the tests start one of the product's .NET programs (<c>ivrvoice.dll</c>, <c>IvrVoice.Server.dll</c>) as its own
/// process: with the same dotnet host as the test run, output redirected, and configured only by the test. Nothing from the
/// test runner's own environment may configure the program by accident, so inherited configuration variables are removed
/// (every <c>Section__Key</c>, <c>ASPNETCORE_*</c>, <c>URLS</c>, <c>IVRVOICE_ENVIRONMENT</c> and <c>CI</c>, which turns off
/// progress bars) and the test's settings go in as environment variables, the way a deployment sets them
/// (<c>Cache:Store</c> becomes <c>Cache__Store</c>; a null value sets the key empty).
/// </summary>
public static class DotnetProcess
{
    /// <summary>The dotnet host: DOTNET_HOST_PATH when the SDK set it (as <c>dotnet test</c> does), else "dotnet" on the PATH.</summary>
    public static string Host =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>Start information for <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c> configured by <paramref name="settings"/> alone.</summary>
    public static ProcessStartInfo StartInfo(
        string assembly, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ProcessStartInfo start = new(Host)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string inherited in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        return start;
    }

    private static bool IsInheritedSetting(string name) =>
        name.Contains("__", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("URLS", StringComparison.OrdinalIgnoreCase) || name is "IVRVOICE_ENVIRONMENT" or "CI";
}
