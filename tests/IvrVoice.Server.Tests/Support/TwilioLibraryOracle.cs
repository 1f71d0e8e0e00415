using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests.Support;

/// <summary>
/// The official <c>twilio</c> npm package (pinned by tests/interop/package-lock.json), reached through
/// tests/interop/twilio-oracle.js: one JSON request per line on standard input, one JSON answer per line back.
/// </summary>
internal sealed class TwilioLibraryOracle : IAsyncDisposable
{
    private readonly Process _node;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly StringBuilder _errors = new();
    private int _lastId;

    private TwilioLibraryOracle(Process node)
    {
        _node = node;
        _node.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _node.BeginErrorReadLine();
    }

    public static TwilioLibraryOracle Start()
    {
        string folder = RepositoryPaths.Interop;
        ExternalTools.Require(ExternalTools.Node);
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "twilio")))
        {
            ExternalTools.Missing($"the twilio npm package in {folder} (npm ci there)");
        }

        ProcessStartInfo start = new("node", [Path.Combine(folder, "twilio-oracle.js")])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        return new TwilioLibraryOracle(Process.Start(start) ?? throw new InvalidOperationException("Could not start node."));
    }

    /// <summary>The signature the library expects for a form POST to <paramref name="url"/>.</summary>
    public async Task<string> SignAsync(string token, string url, IReadOnlyDictionary<string, string> form)
    {
        JsonObject parameters = [];
        foreach ((string key, string value) in form)
        {
            parameters[key] = value;
        }

        return (await AskAsync(new JsonObject { ["op"] = "sign", ["token"] = token, ["url"] = url, ["params"] = parameters }))!.GetValue<string>();
    }

    /// <summary>
    /// Rebuilds a TwiML document with the library's own VoiceResponse builder: its XML, and every verb, noun or attribute
    /// the library does not know.
    /// </summary>
    public async Task<(string Xml, IReadOnlyList<string> Problems)> RebuildAsync(string twiml)
    {
        JsonNode answer = (await AskAsync(new JsonObject { ["op"] = "twiml", ["tree"] = ToTree(XDocument.Parse(twiml).Root!) }))!;
        return (answer["xml"]!.GetValue<string>(), [.. answer["problems"]!.AsArray().Select(p => p!.GetValue<string>())]);
    }

    public async ValueTask DisposeAsync()
    {
        _node.StandardInput.Close();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        try
        {
            await _node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _node.Kill();
        }

        _node.Dispose();
        _turn.Dispose();
    }

    private async Task<JsonNode?> AskAsync(JsonObject request)
    {
        await _turn.WaitAsync();
        try
        {
            int id = ++_lastId;
            request["id"] = id;
            await _node.StandardInput.WriteLineAsync(request.ToJsonString());
            await _node.StandardInput.FlushAsync();
            using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(60));
            string line = await _node.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"node exited: {Errors()}");
            JsonNode answer = JsonNode.Parse(line)!;
            Assert.Equal(id, answer["id"]!.GetValue<int>());
            Assert.True(answer["ok"]!.GetValue<bool>(), $"twilio-oracle.js failed: {answer["error"]}");
            return answer["result"]?.DeepClone();
        }
        finally
        {
            _turn.Release();
        }
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.ToString();
        }
    }

    /// <summary>The element as the oracle's tree: name, attribute pairs, text (or null) and child elements.</summary>
    private static JsonObject ToTree(XElement element)
    {
        XText[] text = [.. element.Nodes().OfType<XText>()];
        return new JsonObject
        {
            ["name"] = element.Name.LocalName,
            ["attributes"] = new JsonArray([.. element.Attributes().Select(a => (JsonNode?)new JsonArray(a.Name.LocalName, a.Value))]),
            ["text"] = text.Length == 0 ? null : string.Concat(text.Select(t => t.Value)),
            ["children"] = new JsonArray([.. element.Elements().Select(child => (JsonNode?)ToTree(child))]),
        };
    }
}
