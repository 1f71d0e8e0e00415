using System.Diagnostics;

namespace IvrVoice.Testing;

/// <summary>
/// A .NET program started as a separate process (<c>dotnet program.dll args</c>), for tests that must kill a writer at
/// an arbitrary moment. Standard output is read line by line so a test can wait for the child to report progress.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly Task<string> _standardError;

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Add(e.Data);
            }

            _lineArrived.Release();
        };
        _process.BeginOutputReadLine();
        _standardError = _process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Runs <paramref name="assemblyPath"/> with the same dotnet host as the current process, configured by its arguments
    /// alone (<see cref="DotnetProcess"/>).
    /// </summary>
    public static ChildProcess StartDotnet(string assemblyPath, params string[] arguments)
    {
        ProcessStartInfo start = DotnetProcess.StartInfo(assemblyPath, arguments, Directory.GetCurrentDirectory());
        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName} {assemblyPath}."));
    }

    /// <summary>Waits until the child has written a line satisfying <paramref name="match"/>; throws with its stderr if it exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using CancellationTokenSource deadline = new(timeout);
        int seen = 0;
        while (true)
        {
            lock (_lines)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen]))
                    {
                        return _lines[seen];
                    }
                }
            }

            if (_process.HasExited && _lineArrived.CurrentCount == 0)
            {
                throw new InvalidOperationException($"The child process exited with {_process.ExitCode} before writing the expected line: {await _standardError.ConfigureAwait(false)}");
            }

            try
            {
                // Poll now and then as well, so an exit without further output is noticed.
                await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The child process wrote no expected line within {timeout}.");
            }
        }
    }

    /// <summary>Ends the child at once (SIGKILL on Unix: no handler, no flush, no cleanup) and waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
        _lineArrived.Dispose();
    }
}
