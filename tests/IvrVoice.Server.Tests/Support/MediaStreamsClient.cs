using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IvrVoice.Telephony.Signatures;
using Microsoft.AspNetCore.TestHost;

namespace IvrVoice.Server.Tests.Support;

/// <summary>
/// Plays Twilio's side of a bidirectional Media Stream, from Twilio's published protocol
/// (https://www.twilio.com/docs/voice/media-streams/websocket-messages): it opens the WebSocket with an upgrade request signed
/// like every Twilio request (X-Twilio-Signature: Base64(HMAC-SHA1(auth token, URL)), here the wss:// URL of &lt;Stream url&gt;
/// with no parameters), sends <c>connected</c> then <c>start</c> (streamSid, accountSid, callSid, tracks, mediaFormat and the
/// &lt;Parameter&gt;s as customParameters), and reads what the application sends: <c>media</c> (base64 μ-law), <c>mark</c>
/// and <c>clear</c>. A mark is echoed back once the audio before it "played" (here: once it arrived). It can send <c>dtmf</c> and
/// <c>stop</c>.
/// </summary>
internal sealed class MediaStreamsClient : IAsyncDisposable
{
    public const string StreamSid = "MZ0123456789abcdef0123456789abcdef";
    private readonly WebSocket _socket;
    private int _sequence;

    private MediaStreamsClient(WebSocket socket) => _socket = socket;

    private int _audioCount;

    /// <summary>Every μ-law byte received, in order.</summary>
    public List<byte> Audio { get; } = [];

    /// <summary>How many μ-law bytes have arrived, safe to read while another task reads the socket.</summary>
    public int AudioCount => Volatile.Read(ref _audioCount);

    /// <summary>Every message received, in order, by event name (media messages counted once each).</summary>
    public List<string> Events { get; } = [];

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Opens the socket; <paramref name="signatureUrl"/> and <paramref name="token"/> choose what the signature covers (null: unsigned).</summary>
    public static async Task<MediaStreamsClient> ConnectAsync(ServerHost host, string? signatureUrl = ServerHost.PublicWssStreamUrl, string token = ServerHost.AuthToken)
    {
        WebSocketClient client = host.CreateWebSocketClient();
        if (signatureUrl is not null)
        {
            client.ConfigureRequest = request => request.Headers[TwilioSignature.HeaderName] = TwilioSignature.Compute(token, signatureUrl);
        }

        WebSocket socket = await client.ConnectAsync(new Uri("ws://localhost/twilio/stream"), CancellationToken.None);
        return new MediaStreamsClient(socket);
    }

    /// <summary>
    /// Opens a real WebSocket (TCP, HTTP/1.1 upgrade) to <paramref name="address"/>, signed as Twilio signs it: over the
    /// <c>wss://</c> URL of the &lt;Stream&gt;, <paramref name="signatureUrl"/>, which the service knows from its public base URL.
    /// </summary>
    public static async Task<MediaStreamsClient> ConnectAsync(Uri address, string signatureUrl, string token = ServerHost.AuthToken)
    {
        ClientWebSocket socket = new();
        socket.Options.SetRequestHeader(TwilioSignature.HeaderName, TwilioSignature.Compute(token, signatureUrl));
        try
        {
            await socket.ConnectAsync(address, CancellationToken.None);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new MediaStreamsClient(socket);
    }

    /// <summary>
    /// Opens a signed stream to <paramref name="host"/>, starts it for <paramref name="callSid"/>, waits until audio plays and
    /// presses <paramref name="keys"/> one after another, as a caller interrupting the prompt does.
    /// </summary>
    public static async Task<MediaStreamsClient> PressDuringAudioAsync(ServerHost host, string callSid, IReadOnlyDictionary<string, string> parameters, params string[] keys)
    {
        MediaStreamsClient client = await ConnectAsync(host);
        await client.StartAsync(callSid, parameters);
        Assert.True(await client.ReadAsync(c => c.Events.Contains("media")), "the stream closed before any audio");
        foreach (string key in keys)
        {
            await client.SendDtmfAsync(key);
        }

        return client;
    }

    /// <summary>Sends <c>connected</c> and <c>start</c> for <paramref name="callSid"/> with the parameters of the TwiML's &lt;Stream&gt;.</summary>
    public async Task StartAsync(string callSid, IReadOnlyDictionary<string, string> parameters)
    {
        await SendAsync(new JsonObject { ["event"] = "connected", ["protocol"] = "Call", ["version"] = "1.0.0" });
        JsonObject custom = [];
        foreach ((string name, string value) in parameters)
        {
            custom[name] = value;
        }

        await SendAsync(new JsonObject
        {
            ["event"] = "start",
            ["sequenceNumber"] = Next(),
            ["start"] = new JsonObject
            {
                ["accountSid"] = "AC0123456789abcdef0123456789abcdef",
                ["streamSid"] = StreamSid,
                ["callSid"] = callSid,
                ["tracks"] = new JsonArray("inbound"),
                ["mediaFormat"] = new JsonObject { ["encoding"] = "audio/x-mulaw", ["sampleRate"] = 8000, ["channels"] = 1 },
                ["customParameters"] = custom,
            },
            ["streamSid"] = StreamSid,
        });
    }

    /// <summary>One 20 ms frame of the caller's audio (μ-law silence), as Twilio sends every 20 ms on the inbound track.</summary>
    public Task SendMediaAsync() => SendAsync(new JsonObject
    {
        ["event"] = "media",
        ["streamSid"] = StreamSid,
        ["sequenceNumber"] = Next(),
        ["media"] = new JsonObject
        {
            ["track"] = "inbound",
            ["chunk"] = Next(),
            ["timestamp"] = "0",
            ["payload"] = Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 160).ToArray()),
        },
    });

    public Task SendDtmfAsync(string digit) => SendAsync(new JsonObject
    {
        ["event"] = "dtmf",
        ["streamSid"] = StreamSid,
        ["sequenceNumber"] = Next(),
        ["dtmf"] = new JsonObject { ["track"] = "inbound_track", ["digit"] = digit },
    });

    /// <summary>
    /// Reads until the application closes the socket (echoing marks) or <paramref name="until"/> holds after a message; returns
    /// false when the socket closed first.
    /// </summary>
    public async Task<bool> ReadAsync(Func<MediaStreamsClient, bool>? until = null)
    {
        byte[] buffer = new byte[64 * 1024];
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(60));
        while (_socket.State == WebSocketState.Open)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(length), limit.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                }

                return false;
            }

            JsonNode message = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length))!;
            string kind = message["event"]!.GetValue<string>();
            Assert.Equal(StreamSid, message["streamSid"]?.GetValue<string>());
            Events.Add(kind);
            if (kind == "media")
            {
                byte[] payload = Convert.FromBase64String(message["media"]!["payload"]!.GetValue<string>());
                Audio.AddRange(payload);
                Interlocked.Add(ref _audioCount, payload.Length);
            }
            else if (kind == "mark")
            {
                // Twilio returns a mark once the audio sent before it has played.
                await SendAsync(new JsonObject
                {
                    ["event"] = "mark",
                    ["streamSid"] = StreamSid,
                    ["sequenceNumber"] = Next(),
                    ["mark"] = new JsonObject { ["name"] = message["mark"]!["name"]!.GetValue<string>() },
                });
            }

            if (until?.Invoke(this) == true)
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await SendAsync(new JsonObject
            {
                ["event"] = "stop",
                ["streamSid"] = StreamSid,
                ["sequenceNumber"] = Next(),
                ["stop"] = new JsonObject { ["accountSid"] = "AC0123456789abcdef0123456789abcdef", ["callSid"] = "-" },
            });
        }

        _socket.Dispose();
    }

    private string Next() => (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task SendAsync(JsonObject message) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The &lt;Stream&gt; of a &lt;Connect&gt; answer: its url and its parameters.</summary>
    public static (string Url, Dictionary<string, string> Parameters, string Action) StreamOf(TwiML twiml)
    {
        System.Xml.Linq.XElement connect = twiml.Root.Element("Connect") ?? throw new Xunit.Sdk.XunitException($"no <Connect> in {twiml.Xml}");
        System.Xml.Linq.XElement stream = connect.Element("Stream")!;
        Dictionary<string, string> parameters = stream.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        return (stream.Attribute("url")!.Value, parameters, connect.Attribute("action")!.Value);
    }
}
