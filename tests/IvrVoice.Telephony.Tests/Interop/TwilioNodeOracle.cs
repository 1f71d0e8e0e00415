using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IvrVoice.Testing;

namespace IvrVoice.Telephony.Tests.Interop;

/// <summary>
/// The official <c>twilio</c> npm package as a test oracle: one Node process per test class (an xunit class fixture), driven by
/// line-delimited JSON through tests/interop/twilio-oracle.js. Missing Node follows the test kit's policy
/// (<see cref="ExternalTools.Require"/>): every test that asks the oracle fails naming what to install, or is skipped when
/// IVRVOICE_ALLOW_MISSING_TOOLS=1.
/// </summary>
public sealed class TwilioNodeOracle : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);
    private static readonly object InstallLock = new();

    private readonly Process? _node;
    private readonly SkipException? _missing;
    private readonly string? _version;
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();
    private int _nextId;

    public TwilioNodeOracle()
    {
        try
        {
            _node = Start();
        }
        catch (SkipException missing)
        {
            // Only thrown when missing tools are allowed: each test that asks the oracle reports the skip itself.
            _missing = missing;
            return;
        }

        _version = Call(new JsonObject { ["op"] = "version" })!.GetValue<string>();
    }

    /// <summary>The version of the twilio package answering.</summary>
    public string Version => _version ?? throw new SkipException(_missing!.Message);

    private Process Start()
    {
        string directory = InteropDirectory();
        EnsurePackagesInstalled(directory);
        ProcessStartInfo start = new(FindExecutable("node"), [Path.Combine(directory, "twilio-oracle.js")])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        Process node = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for the interop tests.");
        node.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        node.BeginErrorReadLine();
        return node;
    }

    public string Sign(string token, string url, IReadOnlyDictionary<string, string[]>? parameters = null) =>
        Call(new JsonObject { ["op"] = "sign", ["token"] = token, ["url"] = url, ["params"] = Params(parameters) })!.GetValue<string>();

    public bool Validate(string token, string signature, string url, IReadOnlyDictionary<string, string[]>? parameters = null) =>
        Call(new JsonObject { ["op"] = "validate", ["token"] = token, ["signature"] = signature, ["url"] = url, ["params"] = Params(parameters) })!.GetValue<bool>();

    public bool ValidateWithBody(string token, string signature, string url, string body) =>
        Call(new JsonObject { ["op"] = "validateWithBody", ["token"] = token, ["signature"] = signature, ["url"] = url, ["body"] = body })!.GetValue<bool>();

    public string BodyHash(string body) => Call(new JsonObject { ["op"] = "bodyHash", ["body"] = body })!.GetValue<string>();

    /// <summary>Rebuilds <paramref name="xml"/> with the library's VoiceResponse; returns its XML and any unknown verbs or attributes.</summary>
    public (string Xml, IReadOnlyList<string> Problems) Rebuild(string xml)
    {
        XDocument document = XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
        JsonNode result = Call(new JsonObject { ["op"] = "twiml", ["tree"] = Tree(document.Root!) })!;
        return (result["xml"]!.GetValue<string>(), result["problems"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray());
    }

    /// <summary>The <c>SayVoice</c> and <c>SayLanguage</c> unions from the library's typings.</summary>
    public (ISet<string> Voices, ISet<string> Languages) SayVocabulary()
    {
        JsonNode result = Call(new JsonObject { ["op"] = "sayVocabulary" })!;
        return (result["voices"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal),
                result["languages"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        if (_node is null) return;
        try
        {
            _node.StandardInput.Close();
            if (!_node.WaitForExit(5000)) _node.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        _node.Dispose();
    }

    private JsonNode? Call(JsonObject request)
    {
        if (_node is null) throw new SkipException(_missing!.Message);
        lock (_gate)
        {
            int id = ++_nextId;
            request["id"] = id;
            _node.StandardInput.WriteLine(request.ToJsonString());
            _node.StandardInput.Flush();
            Task<string?> line = _node.StandardOutput.ReadLineAsync();
            if (!line.Wait(ReplyTimeout) || line.Result is null)
                throw new InvalidOperationException($"The Node interop oracle did not answer. stderr:\n{StandardError()}");
            JsonNode reply = JsonNode.Parse(line.Result)!;
            if (reply["id"]?.GetValue<int>() != id) throw new InvalidOperationException($"Out-of-order reply from the Node oracle: {line.Result}");
            if (!reply["ok"]!.GetValue<bool>()) throw new InvalidOperationException($"The Node oracle failed: {reply["error"]}");
            return reply["result"]?.DeepClone();
        }
    }

    private string StandardError()
    {
        lock (_stderr) return _stderr.ToString();
    }

    private static JsonObject Params(IReadOnlyDictionary<string, string[]>? parameters)
    {
        JsonObject result = [];
        foreach ((string key, string[] values) in parameters ?? new Dictionary<string, string[]>())
            result[key] = values.Length == 1 ? JsonValue.Create(values[0]) : new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        return result;
    }

    private static JsonObject Tree(XElement element) => new()
    {
        ["name"] = element.Name.LocalName,
        ["attributes"] = new JsonArray([.. element.Attributes().Select(a => (JsonNode?)new JsonArray(a.Name.LocalName, a.Value))]),
        ["text"] = element.Nodes().OfType<XText>().Any() ? string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value)) : null,
        ["children"] = new JsonArray([.. element.Elements().Select(e => (JsonNode?)Tree(e))]),
    };

    private static string InteropDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("IVRVOICE_INTEROP_DIR");
        string? recorded = typeof(TwilioNodeOracle).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "InteropDirectory")?.Value;
        foreach (string? candidate in new[] { configured, recorded })
        {
            if (candidate is not null && File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException(
            $"Cannot find tests/interop (looked at IVRVOICE_INTEROP_DIR='{configured}' and '{recorded}'). Set IVRVOICE_INTEROP_DIR to the folder holding package.json.");
    }

    private static void EnsurePackagesInstalled(string directory)
    {
        string marker = Path.Combine(directory, "node_modules", "twilio", "package.json");
        if (File.Exists(marker)) return;
        lock (InstallLock)
        {
            // Another test process (or scripts/setup.sh) may be installing at the same time; an exclusive lock file serialises npm ci.
            using FileStream gate = AcquireLockFile(Path.Combine(directory, ".npm-ci.lock"));
            if (File.Exists(marker)) return;
            ProcessStartInfo npm = new(FindExecutable("npm"), ["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm.");
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"'npm ci' in {directory} did not finish in 5 minutes.");
            }
            if (process.ExitCode != 0 || !File.Exists(marker))
            {
                throw new InvalidOperationException(
                    $"'npm ci' in {directory} failed (exit {process.ExitCode}); the interop tests need the twilio package. Output:\n{output.Result}\n{errors.Result}");
            }
        }
    }

    private static FileStream AcquireLockFile(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(500);
            }
        }
    }

    private static string FindExecutable(string name)
    {
        string? overridePath = Environment.GetEnvironmentVariable($"IVRVOICE_{name.ToUpperInvariant()}");
        if (!string.IsNullOrEmpty(overridePath) && File.Exists(overridePath)) return overridePath;
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate)) return candidate;
        }
        ExternalTools.Require(name);   // fails (or skips) naming the package to install
        throw new InvalidOperationException($"'{name}' is not on PATH.");
    }
}
