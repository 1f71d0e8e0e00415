using System.Diagnostics;
using System.Text.RegularExpressions;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests.Support;

/// <summary>
/// The web app as a separate process (<c>dotnet IvrVoice.Server.dll</c>) on a free loopback port, exactly as it is deployed:
/// its console output is collected line by line, standard error included.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TempDirectory _contentRoot;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, TempDirectory contentRoot)
    {
        _process = process;
        _contentRoot = contentRoot;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Exited += (_, _) =>
        {
            // Exited can run before the last lines are read; WaitForExit() waits for the end of both streams.
            _process.WaitForExit();
            _listening.TrySetException(new ExitedException(_process.ExitCode, Output));
        };
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The folder the server runs in and uses as its content root.</summary>
    public string ContentRoot => _contentRoot.Path;

    /// <summary>The root URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Everything the process has written so far, one line per line.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts the server with <paramref name="settings"/> as command-line configuration and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        string assembly = Path.Combine(AppContext.BaseDirectory, "IvrVoice.Server.dll");
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        TempDirectory contentRoot = new("ivrvoice-server-process-");
        ProcessStartInfo start = new(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = contentRoot.Path,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add($"--contentRoot={contentRoot.Path}");
        foreach ((string key, string? value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        ServerProcess server = new(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host} {assembly}."), contentRoot);
        try
        {
            server.Url = await server._listening.Task.WaitAsync(StartTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the server with <paramref name="settings"/> until it exits by itself (a start-up failure); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string?> settings)
    {
        try
        {
            await using ServerProcess started = await StartAsync(settings);
            throw new InvalidOperationException($"The server started and listens on {started.Url}; it was expected to refuse.\n{started.Output}");
        }
        catch (ExitedException exited)
        {
            return (exited.ExitCode, exited.Output);
        }
    }

    /// <summary>Stops the process as a service manager would (SIGTERM), waits for it, and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        }

        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _contentRoot.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        if (line.Contains("Now listening on", StringComparison.Ordinal) && ListeningAddress().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Value));
        }
    }

    /// <summary>The process ended before it listened.</summary>
    private sealed class ExitedException(int exitCode, string output) : Exception($"The server exited with {exitCode} before listening:\n{output}")
    {
        public int ExitCode { get; } = exitCode;

        public string Output { get; } = output;
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningAddress();
}
