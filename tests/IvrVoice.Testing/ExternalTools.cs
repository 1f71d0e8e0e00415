using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace IvrVoice.Testing;

/// <summary>What an external tool did: exit code and its output, as text and as bytes.</summary>
public sealed record ToolResult(string Tool, IReadOnlyList<string> Arguments, int ExitCode, byte[] StandardOutputBytes, string StandardError)
{
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes);

    public bool Succeeded => ExitCode == 0;

    /// <summary>This result, or an exception that shows the command line and stderr when the tool failed.</summary>
    public ToolResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"{Tool} {string.Join(' ', Arguments)} exited with {ExitCode}: {StandardError}");
}

/// <summary>
/// The external programs the tests use as independent readers, writers and oracles (sox, ffprobe, ffmpeg, espeak-ng, node,
/// Chromium, PostgreSQL's psql), and the one policy for a missing one: <see cref="Require"/> fails the test with a message
/// naming what to install, unless <see cref="AllowMissingVariable"/> is set to 1, in which case the test reports itself
/// skipped (tests that need a tool use <c>[SkippableFact]</c>/<c>[SkippableTheory]</c> so the skip shows as a skip).
/// CI never sets the variable: there, a missing tool is a failure. <see cref="Run"/> applies the same policy, so a test
/// that reaches a tool through a helper fails the same way. Arguments go through
/// <see cref="ProcessStartInfo.ArgumentList"/>, so nothing is shell-parsed.
/// </summary>
public static class ExternalTools
{
    public const string Sox = "sox";
    public const string Ffprobe = "ffprobe";
    public const string Ffmpeg = "ffmpeg";
    public const string EspeakNg = "espeak-ng";
    public const string Node = "node";
    public const string Npm = "npm";
    public const string Psql = "psql";
    public const string Strace = "strace";

    /// <summary>Chromium for the browser tests: the CHROMIUM_PATH environment variable, else the Debian package's path.</summary>
    public static readonly string Chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Set to 1 to report tests whose tools are missing as skipped instead of failed (never set in CI).</summary>
    public const string AllowMissingVariable = "IVRVOICE_ALLOW_MISSING_TOOLS";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, bool> Availability = new(StringComparer.Ordinal);

    /// <summary>The Debian packages that provide each tool (what scripts/setup.sh installs).</summary>
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        [Sox] = "sox libsox-fmt-all",
        [Ffprobe] = "ffmpeg",
        [Ffmpeg] = "ffmpeg",
        [EspeakNg] = "espeak-ng",
        [Node] = "nodejs (20 or later)",
        [Npm] = "nodejs (20 or later, with npm)",
        [Psql] = "postgresql",
        [Strace] = "strace",
        ["pg_ctl"] = "postgresql",
        ["chromium"] = "chromium",
    };

    /// <summary>Whether missing tools are reported as skips (<see cref="AllowMissingVariable"/>=1) rather than failures.</summary>
    public static bool MissingToolsAllowed => Environment.GetEnvironmentVariable(AllowMissingVariable) == "1";

    /// <summary>
    /// Whether <paramref name="tool"/> is on the PATH, or is an existing file when given as a path (checked once per tool).
    /// Tests do not branch on this: they call <see cref="Require"/>.
    /// </summary>
    public static bool IsAvailable(string tool)
    {
        lock (Availability)
        {
            if (!Availability.TryGetValue(tool, out bool found))
            {
                string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
                found = Path.IsPathRooted(tool) ? File.Exists(tool) : folders.Any(folder => File.Exists(Path.Combine(folder, tool)));
                Availability[tool] = found;
            }

            return found;
        }
    }

    /// <summary>
    /// Ends the test unless every one of <paramref name="tools"/> is present: with a failure that names each missing tool and
    /// the package to install, or, when <see cref="AllowMissingVariable"/> is 1, as a skipped test saying the same.
    /// </summary>
    public static void Require(params string[] tools)
    {
        string[] missing = [.. tools.Where(tool => !IsAvailable(tool))];
        if (missing.Length > 0)
        {
            Missing(string.Join(", ", missing.Select(Describe)));
        }
    }

    /// <summary>
    /// Ends the test because <paramref name="what"/> (a tool, package or service, with how to get it) is missing: a failure,
    /// or a skip when <see cref="AllowMissingVariable"/> is 1.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Missing(string what)
    {
        string message = $"Missing {what}. Run scripts/setup.sh, which installs every tool the tests use"
            + $" (or set {AllowMissingVariable}=1 to report such tests as skipped).";
        if (MissingToolsAllowed)
        {
            throw new SkipException(message);
        }

        throw new MissingToolException(message);
    }

    /// <summary>
    /// Ends the test as <see cref="Require"/> does unless the tools a host configured by <paramref name="settings"/> runs are
    /// present: espeak-ng when <c>Providers:Order</c> names the offline engine (the service then refuses to start without it,
    /// and renders with it). The host helpers (<see cref="ServiceProcess"/>, the Server tests' in-process host) call it, so a
    /// test whose host renders offline fails or skips naming espeak-ng instead of failing with the host's start-up error.
    /// </summary>
    public static void RequireForHost(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool offline = settings.Any(setting =>
            (setting.Key.Equals("Providers:Order", StringComparison.OrdinalIgnoreCase) || setting.Key.StartsWith("Providers:Order:", StringComparison.OrdinalIgnoreCase))
            && (setting.Value ?? "").Split(',').Any(route => route.Trim().ToLowerInvariant() is "espeak" or "espeak-ng"));
        if (offline)
        {
            Require(EspeakNg);
        }
    }

    private static string Describe(string tool) =>
        Packages.TryGetValue(Path.GetFileName(tool), out string? package)
            ? $"{tool} (install the Debian package {package})"
            : $"{tool} (not on PATH)";

    /// <summary>Runs <paramref name="tool"/>, feeding <paramref name="standardInput"/> if given, and waits for it to exit.</summary>
    public static ToolResult Run(string tool, IEnumerable<string> arguments, byte[]? standardInput = null, TimeSpan? timeout = null)
    {
        Require(tool);
        List<string> args = [.. arguments];
        ProcessStartInfo start = new(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (string argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        Task<byte[]> stdout = ReadAllAsync(process.StandardOutput.BaseStream);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            try
            {
                process.StandardInput.BaseStream.Write(standardInput);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited without reading all of its input; its exit code tells the test why.
            }
        }

        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in {(timeout ?? DefaultTimeout).TotalSeconds} s.");
        }

        return new ToolResult(tool, args, process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs sox with the given arguments.</summary>
    public static ToolResult RunSox(params string[] arguments) => Run(Sox, arguments);

    /// <summary>Runs ffmpeg quietly (<c>-v error -y</c> prepended).</summary>
    public static ToolResult RunFfmpeg(params string[] arguments) => Run(Ffmpeg, ["-v", "error", "-nostdin", "-y", .. arguments]);

    /// <summary>Runs espeak-ng with the given arguments.</summary>
    public static ToolResult RunEspeakNg(params string[] arguments) => Run(EspeakNg, arguments);

    /// <summary>
    /// The first audio stream as ffprobe reports it (<c>-show_streams</c>): codec_name, sample_rate, channels, ...
    /// <paramref name="inputArguments"/> go before <c>-i</c>, e.g. <c>-f mulaw -ar 8000</c> for raw files.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProbeStream(string path, params string[] inputArguments)
    {
        ToolResult result = Run(Ffprobe, ["-v", "error", .. inputArguments, "-show_streams", "-select_streams", "a:0", "-of", "default=noprint_wrappers=1", path])
            .EnsureSuccess();
        return ParseKeyValues(result.StandardOutput, '=');
    }

    /// <summary>
    /// What <c>sox --i</c> says about a file with a header: keys such as "Channels", "Sample Rate", "Precision",
    /// "Sample Encoding", "Duration". (sox --i takes no type options; read raw files with <see cref="SoxStat"/>.)
    /// </summary>
    public static IReadOnlyDictionary<string, string> SoxInfo(string path)
    {
        ToolResult result = Run(Sox, ["--i", path]).EnsureSuccess();
        return ParseKeyValues(result.StandardOutput, ':');
    }

    /// <summary>
    /// <c>sox FILE -n stat</c> figures ("Samples read", "Maximum amplitude", "RMS amplitude", ...), read from stderr.
    /// <paramref name="typeArguments"/> describe a raw file and go before it, e.g. <c>-t ul -r 8000 -c 1</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, double> SoxStat(string path, params string[] typeArguments)
    {
        ToolResult result = Run(Sox, [.. typeArguments, path, "-n", "stat"]).EnsureSuccess();
        Dictionary<string, double> stats = new(StringComparer.Ordinal);
        foreach ((string key, string value) in ParseKeyValues(result.StandardError, ':'))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                stats[key] = number;
            }
        }

        return stats;
    }

    private static Dictionary<string, string> ParseKeyValues(string text, char separator)
    {
        Dictionary<string, string> values = new(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0)
            {
                values.TryAdd(line[..at].Trim(), line[(at + 1)..].Trim());
            }
        }

        return values;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using MemoryStream buffer = new();
        await stream.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }
}

/// <summary>A tool a test needs is not installed; the message names it and the package that provides it.</summary>
public sealed class MissingToolException(string message) : Exception(message);
