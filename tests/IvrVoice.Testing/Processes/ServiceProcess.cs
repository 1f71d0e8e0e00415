using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IvrVoice.Testing;

/// <summary>
/// The web app as its own process (<c>dotnet IvrVoice.Server.dll</c>) on a free loopback port, configured the way a
/// deployment configures it: environment variables (<c>Section__Key</c>, see <see cref="DotnetProcess"/>), nothing inherited.
/// Everything it writes to standard output and standard error is kept, line by line, so tests can parse its JSON logs and
/// search them for secrets.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly TempDirectory? _ownFolder;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process, TempDirectory? ownFolder)
    {
        _process = process;
        _ownFolder = ownFolder;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) =>
        {
            // Exited can run before the last lines are read; WaitForExit() waits for the end of both streams.
            _process.WaitForExit();
            _exited.TrySetResult();
            _listening.TrySetException(new ServiceExitedException(SafeExitCode(), Output));
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The server assembly built next to the tests.</summary>
    public static string BuiltAssembly => Path.Combine(AppContext.BaseDirectory, "IvrVoice.Server.dll");

    /// <summary>The root URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>A client whose base address is <see cref="Url"/> (paths such as <c>/api/prompts</c> go to this process); disposed with it.</summary>
    public HttpClient Client { get; private set; } = null!;

    public int Id => _process.Id;

    /// <summary>The folder the service runs in and uses as its content root.</summary>
    public string ContentRoot { get; private init; } = "";

    public bool HasExited => _process.HasExited;

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

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="assembly"/> (default: the built server) in <paramref name="workingDirectory"/> (default: a
    /// fresh temporary folder, deleted with the process) with <paramref name="settings"/> as environment variables, listening
    /// on a free loopback port unless the settings choose the address, and waits until it listens.
    /// </summary>
    /// <exception cref="ServiceExitedException">The process ended before it listened.</exception>
    /// <exception cref="MissingToolException">The settings name a route whose tool is missing (<see cref="ExternalTools.RequireForHost"/>).</exception>
    public static Task<ServiceProcess> StartAsync(
        IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null, string? assembly = null, bool chooseAddress = true) =>
        StartAsync(settings, environment: null, workingDirectory, assembly, chooseAddress);

    /// <summary>As above, in a fresh temporary folder, with <paramref name="environment"/> set as given (names kept, e.g. <c>DOTNET_</c> host settings).</summary>
    public static Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string> environment) =>
        StartAsync(settings, environment, workingDirectory: null, assembly: null, chooseAddress: true);

    private static async Task<ServiceProcess> StartAsync(
        IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string>? environment, string? workingDirectory, string? assembly, bool chooseAddress)
    {
        ExternalTools.RequireForHost(settings);
        TempDirectory? ownFolder = workingDirectory is null ? new TempDirectory("ivrvoice-service-") : null;
        ProcessStartInfo start = DotnetProcess.StartInfo(
            assembly ?? BuiltAssembly, chooseAddress ? ["--urls=http://127.0.0.1:0"] : [], workingDirectory ?? ownFolder!.Path, settings);
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        ServiceProcess service = new(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}."), ownFolder)
        {
            ContentRoot = start.WorkingDirectory,
        };
        try
        {
            service.Url = await service._listening.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
            service.Client = new HttpClient { BaseAddress = service.Url };
            return service;
        }
        catch
        {
            await service.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs the server with <paramref name="settings"/> until it exits by itself (a start-up failure); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string?> settings)
    {
        try
        {
            await using ServiceProcess started = await StartAsync(settings).ConfigureAwait(false);
            throw new InvalidOperationException($"The server started and listens on {started.Url}; it was expected to refuse.\n{started.Output}");
        }
        catch (ServiceExitedException exited)
        {
            return (exited.ExitCode, exited.Output);
        }
    }

    /// <summary>Waits until the service has written a line for which <paramref name="match"/> holds, and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? limit = null)
    {
        DateTime giveUp = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"The service exited before logging {what}:\n{Tail()}");
            }

            if (DateTime.UtcNow >= giveUp)
            {
                throw new TimeoutException($"Gave up waiting for the service to log {what}. Output:\n{Tail()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>The JSON log events written so far (lines that parse as a JSON object); other lines are skipped.</summary>
    public IReadOnlyList<JsonElement> JsonEvents() => JsonEvents(Lines);

    /// <summary>The JSON log events among <paramref name="lines"/> (a snapshot of <see cref="Lines"/>).</summary>
    public static IReadOnlyList<JsonElement> JsonEvents(IReadOnlyList<string> lines)
    {
        List<JsonElement> events = [];
        foreach (string line in lines)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                events.Add(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                // A line that only looks like JSON is not an event.
            }
        }

        return events;
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed. Waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        Client?.Dispose();
        _process.Dispose();
        _ownFolder?.Dispose();
    }

    private string Tail() => string.Join('\n', Lines.TakeLast(40));

    private int SafeExitCode()
    {
        try
        {
            return _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
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

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningAddress();
}

/// <summary>The service process ended before it listened; carries its exit code and everything it wrote.</summary>
public sealed class ServiceExitedException(int exitCode, string output) : Exception($"The service exited with {exitCode} before listening:\n{output}")
{
    public int ExitCode { get; } = exitCode;

    public string Output { get; } = output;
}
