using System.Diagnostics;

namespace IvrVoice.Testing;

/// <summary>What one run of the real <c>ivrvoice</c> program did.</summary>
public sealed record CliRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the built <c>ivrvoice</c> (<see cref="BuiltCli"/>) as a child process, in a folder and with settings of the test's
/// choosing (<see cref="DotnetProcess"/>: nothing inherited configures it), to completion or until a test kills it.
/// </summary>
public static class CliProcess
{
    /// <summary>A hang guard, not a timing: a run that takes longer has hung.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(10);

    /// <summary>Runs <c>ivrvoice <paramref name="arguments"/></c> to the end with only <paramref name="settings"/> as configuration.</summary>
    public static async Task<CliRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        using Process process = Start(workingDirectory, settings, arguments);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(HangLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ivrvoice {string.Join(' ', arguments)} did not finish: {await stderr.ConfigureAwait(false)}");
        }

        return new CliRun(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Starts <c>ivrvoice</c> and returns at once; output is redirected (read it or let it go).</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?> settings, params string[] arguments) =>
        Process.Start(DotnetProcess.StartInfo(BuiltCli.Program, arguments, workingDirectory, settings))
            ?? throw new InvalidOperationException("Could not start ivrvoice.");
}
