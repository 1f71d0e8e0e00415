using System.Diagnostics;

namespace IvrVoice.Cli.Tests;

/// <summary>What one run of the real <c>ivrvoice</c> program did.</summary>
public sealed record SayRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the built <c>ivrvoice</c> as a child process, in a folder and with an environment of the test's choosing, to completion
/// or until a test kills it. Inherited <c>Providers__*</c>, <c>Cache__*</c>, <c>Serilog__*</c>, <c>IVRVOICE_ENVIRONMENT</c> and
/// <c>CI</c> variables are removed, so only the test's environment (<c>Providers:X:Y</c> keys) counts.
/// </summary>
internal static class IvrVoiceProcess
{
    private static string Program => IvrVoice.Testing.BuiltCli.Program;

    /// <summary>Runs <c>ivrvoice</c> to the end (at most ten minutes: a hang guard, not a timing) with only <paramref name="environment"/> as provider settings.</summary>
    public static async Task<SayRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using Process process = Start(workingDirectory, environment, arguments);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(10));
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

    /// <summary>Starts <c>ivrvoice</c> and returns at once; output is redirected (read it or let it go).</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
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
            || k.StartsWith("Cache__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Serilog__", StringComparison.OrdinalIgnoreCase)
            || k == "IVRVOICE_ENVIRONMENT" || k == "CI").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach ((string key, string? value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start ivrvoice.");
    }
}
