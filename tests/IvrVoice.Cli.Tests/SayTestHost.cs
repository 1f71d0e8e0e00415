using System.Diagnostics;

namespace IvrVoice.Cli.Tests;

/// <summary>What one run of the real <c>ivrvoice</c> program did.</summary>
public sealed record SayRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs the built <c>ivrvoice</c> as a child process, in a folder and with an environment of the test's choosing.</summary>
internal static class SayTestHost
{
    private static string Program => Path.Combine(AppContext.BaseDirectory, "ivrvoice.dll");

    /// <summary>
    /// Runs <c>ivrvoice</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>. Inherited
    /// <c>Providers__*</c> variables are removed, so only <paramref name="environment"/> (<c>Providers:X:Y</c> keys) counts.
    /// </summary>
    public static async Task<SayRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Program);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("Providers__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Serilog__", StringComparison.OrdinalIgnoreCase) || k == "IVRVOICE_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach ((string key, string? value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ivrvoice {string.Join(' ', arguments)} did not finish: {await stderr}");
        }

        return new SayRun(process.ExitCode, await stdout, await stderr);
    }
}
