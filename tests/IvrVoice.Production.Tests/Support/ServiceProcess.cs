using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IvrVoice.Production.Tests.Support;

/// <summary>
/// The web app as its own process (<c>dotnet IvrVoice.Server.dll</c>) on a free loopback port, configured the way a
/// deployment configures it: environment variables (<c>Section__Key</c>). Everything it writes to standard output and
/// standard error is kept, line by line, so tests can parse its JSON logs and search them for secrets.
/// </summary>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) =>
        {
            _exited.TrySetResult();
            _listening.TrySetException(new InvalidOperationException($"The service exited with {SafeExitCode()} before listening:\n{Output}"));
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The server assembly built next to the tests.</summary>
    public static string BuiltAssembly => Path.Combine(AppContext.BaseDirectory, "IvrVoice.Server.dll");

    public Uri Url { get; private set; } = null!;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

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
    /// Starts <paramref name="assembly"/> (default: the built server) in <paramref name="workingDirectory"/> with
    /// <paramref name="settings"/> as environment variables (<c>Cache:Store</c> becomes <c>Cache__Store</c>), listening on
    /// a free loopback port unless the settings choose the address, and waits until it listens.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        IReadOnlyDictionary<string, string?> settings, string workingDirectory, string? assembly = null, bool chooseAddress = true)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && System.IO.File.Exists(path) ? path : "dotnet";
        ProcessStartInfo start = new(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(assembly ?? BuiltAssembly);
        if (chooseAddress)
        {
            start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        }

        // Nothing from the test runner's own environment may configure the service by accident.
        foreach (string inherited in start.Environment.Keys.Where(IsServiceSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string key, string? value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        ServiceProcess service = new(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}."));
        try
        {
            service.Url = await service._listening.Task.WaitAsync(StartTimeout);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the service has written a line for which <paramref name="match"/> holds, and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? limit = null)
    {
        DateTime giveUp = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            string? found = Lines.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < giveUp, $"Gave up waiting for the service to log {what}. Output:\n{Tail()}");
            Assert.False(HasExited && Lines.FirstOrDefault(match) is null, $"The service exited before logging {what}:\n{Tail()}");
            await Task.Delay(50);
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

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
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

    private static bool IsServiceSetting(string name) =>
        name.Contains("__", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || name is "Urls" or "URLS";

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
