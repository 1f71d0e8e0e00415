extern alias emulator;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using emulator::IvrVoice.ProviderEmulator;

namespace IvrVoice.Benchmarks.Streaming;

/// <summary>
/// <c>dotnet run -c Release --project tests/IvrVoice.Benchmarks -- streams [--pairs 15] [--concurrency 100,250,500] [--rounds 2]
/// [--server path/to/IvrVoice.Server.dll] [--server-env NAME=VALUE,…]</c>: the built service (src/IvrVoice.Server, Release, or the build given) in its own
/// process against the provider emulator in this one, driven over real sockets by Twilio's side of the Media Streams protocol.
/// Prints, per interleaved pair, the provider's own first-chunk and whole-render times and the service's start→first media
/// frame on a miss; then frame lateness and underruns with many streams at once, each level <c>--rounds</c> times in the same
/// process: the process's first burst meets code the JIT has not compiled or tiered up yet and pools no burst has grown (cold);
/// every later one starts once the service is quiet again (warm).
/// Not a test: figures depend on the machine and its load.
/// </summary>
internal static class StreamBench
{
    private const string Token = "b3c1f0e2d4a59687a1b2c3d4e5f60718";
    private static readonly TimeSpan s_frame = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        int pairs = Option(args, "--pairs", 15);
        int[] levels = [.. (OptionText(args, "--concurrency") ?? "100,250,500").Split(',').Select(int.Parse)];
        int rounds = Option(args, "--rounds", 2);
        TimeSpan firstChunk = TimeSpan.FromMilliseconds(Option(args, "--first-chunk-ms", 300));
        double pace = Option(args, "--pace-percent", 50) / 100.0;

        string root = RepositoryRoot();
        string serverDll = OptionText(args, "--server") is { } given
            ? Path.GetFullPath(given)
            : Path.Combine(root, "src/IvrVoice.Server/bin/Release/net10.0/IvrVoice.Server.dll");
        if (!File.Exists(serverDll))
        {
            Console.Error.WriteLine($"Build the service first: dotnet build src/IvrVoice.Server -c Release ({serverDll} is missing)");
            return 2;
        }

        await using TtsEmulator provider = await TtsEmulator.StartAsync(clipLength: TimeSpan.FromSeconds(6));
        provider.StreamFirstChunkDelay = firstChunk;
        provider.StreamPace = pace;
        provider.StreamChunk = TimeSpan.FromMilliseconds(100);
        int menus = 2 + pairs + (levels.Sum() * rounds);
        string folder = Directory.CreateTempSubdirectory("ivrvoice-streambench-").FullName;
        WriteLibrary(folder, menus);
        int port = FreePort();
        string baseUrl = $"http://127.0.0.1:{port}";
        Dictionary<string, string?> settings = new(provider.Settings("gemini"))
        {
            ["Twilio:AuthToken"] = Token,
            ["Twilio:PublicBaseUrl"] = baseUrl,
            ["Flows:Folder"] = folder,
            ["Cache:Store"] = "Disk",
            ["Cache:Disk:Path"] = Path.Combine(folder, "cache"),
            ["Streaming:Playback"] = "Auto",
            ["Streaming:IdleTimeout"] = "00:01:00",
            // Streams hold one of the route's MaxConcurrency slots each: a node meant to stream N distinct misses at once
            // must allow N concurrent provider requests, as a deployment sized for it would.
            ["Providers:Gemini:MaxConcurrency"] = Math.Max(1000, levels.DefaultIfEmpty(0).Max() * 2).ToString(CultureInfo.InvariantCulture),
            ["Serilog:MinimumLevel:Default"] = "Error",
            ["Service:UrlSigningKey"] = "streambench-url-signing-key-0123456789abcdef",
        };
        // --server-env NAME=VALUE,… sets the service's environment only (a runtime knob or a diagnostic), not this process's.
        string[] serverEnv = OptionText(args, "--server-env")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        using Process server = StartServer(serverDll, baseUrl, folder, settings, serverEnv);
        try
        {
            using HttpClient http = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
            await WaitReadyAsync(http);
            Console.WriteLine($"CPU: {CpuName()}, {Environment.ProcessorCount} logical CPUs; .NET {Environment.Version}");
            Console.WriteLine($"Emulated provider: first chunk after {firstChunk.TotalMilliseconds} ms, then {pace:0.##} s of work per second of audio, 100 ms per event; clip {provider.Clip.Duration.TotalSeconds:0.0} s");
            int menu = 0;

            // Warm-up (JIT, connection pools, the disk cache): two streams not counted.
            for (int w = 0; w < 2; w++)
            {
                await ProviderTimesAsync(provider);
                await RunStreamAsync(http, baseUrl, menu++, $"CAwarm{w:D27}");
            }

            Console.WriteLine();
            Console.WriteLine("pair  provider-first-chunk-ms  start-to-first-frame-ms  difference-ms  whole-render-ms  underruns");
            List<double> providerFirst = [], firstFrame = [], difference = [], whole = [];
            int underruns = 0;
            for (int i = 0; i < pairs; i++)
            {
                (double first, double total) = await ProviderTimesAsync(provider);
                StreamRun run = await RunStreamAsync(http, baseUrl, menu++, $"CAbench{i:D26}");
                providerFirst.Add(first);
                whole.Add(total);
                firstFrame.Add(run.FirstFrameMs);
                difference.Add(run.FirstFrameMs - first);
                underruns += run.Late.Count(l => l > 0);
                Console.WriteLine($"{i + 1,4}  {first,23:0.0}  {run.FirstFrameMs,23:0.0}  {run.FirstFrameMs - first,13:0.0}  {total,15:0.0}  {run.Late.Count(l => l > 0),9}");
            }

            Console.WriteLine($"median (p10–p90): provider first chunk {Summary(providerFirst)} ms; start→first frame {Summary(firstFrame)} ms; "
                + $"difference {Summary(difference)} ms; whole render {Summary(whole)} ms; underruns {underruns} over {pairs} streams");

            bool cold = true;
            for (int round = 1; round <= rounds; round++)
            {
                foreach (int level in levels)
                {
                    if (!cold)
                    {
                        // Warm means the last burst's work is done (its streams stored, its code recompiled by the tiered
                        // JIT): not a burst that lands on the previous one's tail.
                        Console.WriteLine($"(service quiet after {await WaitQuietAsync(server):0.0} s)");
                    }

                    List<Task<StreamRun>> streams = [];
                    for (int s = 0; s < level; s++)
                    {
                        streams.Add(RunStreamAsync(http, baseUrl, menu++, $"CAc{round:D2}{level:D4}{s:D23}"));
                    }

                    StreamRun[] runs = await Task.WhenAll(streams.Select(async t =>
                    {
                        try
                        {
                            return await t;
                        }
                        catch (Exception exception) when (exception is WebSocketException or HttpRequestException or InvalidOperationException or TaskCanceledException)
                        {
                            return new StreamRun(double.NaN, [], false);
                        }
                    }));
                    List<double> late = [.. runs.SelectMany(r => r.Late).Order()];
                    int complete = runs.Count(r => r.Completed);
                    Console.WriteLine($"{level} concurrent streams ({(cold ? "cold" : "warm")}, round {round}): {complete} completed; frames {late.Count}; "
                        + $"lateness p50 {Percentile(late, 0.5):0.0} ms, p99 {Percentile(late, 0.99):0.0} ms, max {(late.Count > 0 ? late[^1] : double.NaN):0.0} ms; "
                        + $"underruns (frames late) {late.Count(l => l > 0)}; start→first frame median {Summary([.. runs.Where(r => r.Completed).Select(r => r.FirstFrameMs)])} ms");
                    cold = false;
                }
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    private sealed record StreamRun(double FirstFrameMs, List<double> Late, bool Completed);

    // One call: the menu's webhook (signed), the signed upgrade, connected + start, then every frame until the socket closes.
    // Lateness of frame i: how long after its play time (first frame's arrival + i × 20 ms) it arrived; above 0 the caller
    // would have heard a gap.
    private static async Task<StreamRun> RunStreamAsync(HttpClient http, string baseUrl, int menu, string callSid)
    {
        string path = $"/twilio/voice/bench/menu/m{menu}";
        Dictionary<string, string> form = new(StringComparer.Ordinal) { ["CallSid"] = callSid, ["AccountSid"] = "ACbench", ["From"] = "+15555550100", ["To"] = "+15555550101" };
        using HttpRequestMessage request = new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", Sign(baseUrl + path, form));
        using HttpResponseMessage answer = await http.SendAsync(request);
        XElement stream = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Root!.Element("Connect")?.Element("Stream")
            ?? throw new InvalidOperationException("the menu did not stream");
        string url = stream.Attribute("url")!.Value;
        JsonObject custom = [];
        foreach (XElement parameter in stream.Elements("Parameter"))
        {
            custom[parameter.Attribute("name")!.Value] = parameter.Attribute("value")!.Value;
        }

        using ClientWebSocket socket = new();
        socket.Options.SetRequestHeader("X-Twilio-Signature", Sign(url, null));
        await socket.ConnectAsync(new Uri(url), CancellationToken.None);
        const string streamSid = "MZbench0123456789abcdef0123456789";
        await SendAsync(socket, new JsonObject { ["event"] = "connected", ["protocol"] = "Call", ["version"] = "1.0.0" });
        long started = Stopwatch.GetTimestamp();
        await SendAsync(socket, new JsonObject
        {
            ["event"] = "start",
            ["sequenceNumber"] = "1",
            ["streamSid"] = streamSid,
            ["start"] = new JsonObject
            {
                ["streamSid"] = streamSid, ["accountSid"] = "ACbench", ["callSid"] = callSid, ["tracks"] = new JsonArray("inbound"),
                ["mediaFormat"] = new JsonObject { ["encoding"] = "audio/x-mulaw", ["sampleRate"] = 8000, ["channels"] = 1 },
                ["customParameters"] = custom,
            },
        });
        byte[] buffer = new byte[16 * 1024];
        long? first = null;
        int frames = 0;
        List<double> late = [];
        bool completed = false;
        while (socket.State == WebSocketState.Open)
        {
            ValueWebSocketReceiveResult result;
            int length = 0;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            long now = Stopwatch.GetTimestamp();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            // Media frames are most of the traffic: recognised by their event name alone, so the client's own parsing adds
            // little to the lateness it measures on a machine the service shares.
            if (EventName(buffer.AsSpan(0, length)) == "media")
            {
                first ??= now;
                TimeSpan due = s_frame * frames++;
                late.Add(Math.Max(0, (Stopwatch.GetElapsedTime(first.Value, now) - due).TotalMilliseconds));
                continue;
            }

            JsonNode message = JsonNode.Parse(buffer.AsSpan(0, length))!;
            switch (message["event"]!.GetValue<string>())
            {
                case "mark":
                    completed = true;
                    await SendAsync(socket, new JsonObject { ["event"] = "mark", ["streamSid"] = streamSid, ["mark"] = new JsonObject { ["name"] = message["mark"]!["name"]!.GetValue<string>() } });
                    break;
            }
        }

        if (socket.State == WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }

        return new StreamRun(first is { } f ? Stopwatch.GetElapsedTime(started, f).TotalMilliseconds : double.NaN, late, completed && first is not null);
    }

    // The value of the message's top-level "event" property, read without building the document.
    private static string? EventName(ReadOnlySpan<byte> json)
    {
        Utf8JsonReader reader = new(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isEvent = reader.ValueTextEquals("event"u8);
            reader.Read();
            if (isEvent)
            {
                return reader.TokenType == JsonTokenType.String ? (reader.ValueTextEquals("media"u8) ? "media" : reader.GetString()) : null;
            }

            reader.Skip();
        }

        return null;
    }

    // The provider measured on its own: time to its first SSE event and to its end, as a direct client sees them.
    private static async Task<(double First, double Total)> ProviderTimesAsync(TtsEmulator provider)
    {
        using HttpClient client = new();
        using HttpRequestMessage request = new(HttpMethod.Post, provider.BaseUrl("gemini") + "/v1beta/models/gemini-3.1-flash-tts-preview:streamGenerateContent?alt=sse")
        {
            Content = new StringContent("""{"contents":[{"parts":[{"text":"Benchmark"}]}],"generationConfig":{"responseModalities":["AUDIO"],"speechConfig":{"voiceConfig":{"prebuiltVoiceConfig":{"voiceName":"Kore"}}}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-goog-api-key", TtsEmulator.ApiKey("gemini"));
        long started = Stopwatch.GetTimestamp();
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        byte[] buffer = new byte[64 * 1024];
        double first = double.NaN;
        while (await body.ReadAsync(buffer) is > 0 and var read)
        {
            if (double.IsNaN(first) && buffer.AsSpan(0, read).IndexOf("data:"u8) >= 0)
            {
                first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        return (first, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // Twilio's documented signature: Base64(HMAC-SHA1(auth token, URL + each POST parameter's name and value, sorted by name)).
    private static string Sign(string url, IReadOnlyDictionary<string, string>? form)
    {
        StringBuilder data = new(url);
        foreach ((string name, string value) in (form ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data.ToString())));
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    private static void WriteLibrary(string folder, int menus)
    {
        File.WriteAllText(Path.Combine(folder, "library.yaml"), "library:\n  name: Stream bench\n  defaults:\n    model: gemini-3.1-flash-tts\n");
        StringBuilder prompts = new("defaults:\n  language: en-US\n  voice: Kore\nprompts:\n");
        StringBuilder flows = new("flows:\n  bench:\n    languages: [en-US]\n    entry: m0\n    menus:\n");
        for (int i = 0; i < menus; i++)
        {
            prompts.Append(CultureInfo.InvariantCulture, $"  - id: p{i}\n    text: Thank you for calling. This is streamed prompt number {i}.\n");
            flows.Append(CultureInfo.InvariantCulture, $"      m{i}:\n        play: [p{i}]\n        input: dtmf\n        choices:\n          - digits: 1\n            hangup: true\n");
        }

        File.WriteAllText(Path.Combine(folder, "en-US.yaml"), prompts.ToString());
        File.WriteAllText(Path.Combine(folder, "flows.yaml"), flows.ToString());
    }

    private static Process StartServer(string dll, string baseUrl, string folder, Dictionary<string, string?> settings, string[] environment)
    {
        ProcessStartInfo start = new("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (string variable in environment)
        {
            string[] pair = variable.Split('=', 2);
            start.Environment[pair[0]] = pair.Length > 1 ? pair[1] : "";
        }

        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--urls={baseUrl}");
        start.ArgumentList.Add($"--contentRoot={folder}");
        foreach ((string key, string? value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Waits until the service uses under a twentieth of a core over a second (at most 60 s); returns the seconds waited.
    private static async Task<double> WaitQuietAsync(Process server)
    {
        long started = Stopwatch.GetTimestamp();
        TimeSpan before = server.TotalProcessorTime;
        for (int i = 0; i < 60; i++)
        {
            await Task.Delay(1000);
            server.Refresh();
            TimeSpan now = server.TotalProcessorTime;
            if (now - before < TimeSpan.FromMilliseconds(50))
            {
                break;
            }

            before = now;
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task WaitReadyAsync(HttpClient http)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                using HttpResponseMessage live = await http.GetAsync("/healthz");
                if (live.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the service did not start");
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IvrVoice.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static string CpuName()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Summary(List<double> values)
    {
        List<double> sorted = [.. values.Where(v => !double.IsNaN(v)).Order()];
        return sorted.Count == 0 ? "n/a" : $"{Percentile(sorted, 0.5):0.0} ({Percentile(sorted, 0.1):0.0}–{Percentile(sorted, 0.9):0.0})";
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
