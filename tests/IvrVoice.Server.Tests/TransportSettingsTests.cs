extern alias emulator;

using System.Buffers.Binary;
using System.Net;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Telephony.Signatures;
using IvrVoice.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Tests;

/// <summary>The Transport settings reach Kestrel and its socket transport, and a service running with them answers as before.</summary>
public sealed class TransportSettingsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Theory]
    [InlineData("true", "3", 200_000L)]
    [InlineData("false", "0", 4096L)]
    public async Task Settings_GivenInConfiguration_ReachKestrelAndItsSocketTransport(string inline, string ioQueues, long bufferBytes)
    {
        int defaultQueues = new SocketTransportOptions().IOQueueCount;
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Transport:InlineScheduling"] = inline,
            ["Transport:IOQueueCount"] = ioQueues,
            ["Transport:MaxResponseBufferBytes"] = bufferBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        SocketTransportOptions socket = host.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        KestrelServerOptions kestrel = host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.Equal(bool.Parse(inline), socket.UnsafePreferInlineScheduling);
        Assert.Equal(ioQueues == "0" ? defaultQueues : int.Parse(ioQueues, System.Globalization.CultureInfo.InvariantCulture), socket.IOQueueCount);
        Assert.Equal(bufferBytes, kestrel.Limits.MaxResponseBufferSize);
    }

    [SkippableFact]
    public async Task Serve_InlineSchedulingAndASmallResponseBuffer_AnswersWebhooksAndWholePromptsOverKestrel()
    {
        // A 4 KiB buffer makes every prompt's write wait for the client, the path inline scheduling changes most.
        await using ServiceProcess server = await ServerProcesses.StartAsync(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Transport:InlineScheduling"] = "true",
            ["Transport:MaxResponseBufferBytes"] = "4096",
        });
        Dictionary<string, string> call = ServerHost.CallParameters();
        string entry = $"/twilio/voice/{TestLibrary.Flow}";
        HttpRequestMessage webhook = new(HttpMethod.Post, entry) { Content = new FormUrlEncodedContent(call) };
        webhook.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + entry, call));
        string twiml = await server.SendAsync(webhook);
        Assert.Contains("<Gather", twiml, StringComparison.Ordinal);

        string key = (await server.PostApiAsync("/api/prompts", """{"text":"Thank you for calling. Please hold while we connect you."}""")).GetProperty("key").GetString()!;
        byte[][] bodies = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using HttpRequestMessage fetch = new(HttpMethod.Get, $"/prompts/{key}.wav");
            fetch.Headers.Add("X-Api-Key", ServerHost.ApiKey);
            using HttpResponseMessage response = await server.Client.SendAsync(fetch);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(response.Content.Headers.ContentLength, body.Length);
            return body;
        }));

        byte[] first = bodies[0];
        Assert.True(first.Length > 4096, $"The prompt is {first.Length} bytes, not more than the buffer.");
        Assert.Equal("RIFF"u8.ToArray(), first[..4]);
        Assert.Equal(first.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(first.AsSpan(4)));
        Assert.All(bodies, body => Assert.Equal(first, body));
    }

    [Fact]
    public void RuntimeConfig_OfTheBuiltService_StopsIdleThreadPoolWorkersFromSpinning()
    {
        // What every build and publish of the service carries (scripts/run.sh, the image and the systemd install run it).
        string path = Path.ChangeExtension(ServiceProcess.BuiltAssembly, ".runtimeconfig.json");
        using System.Text.Json.JsonDocument config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));

        System.Text.Json.JsonElement properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out System.Text.Json.JsonElement limit), $"{path} does not set the spin limit.");
        Assert.Equal(0, limit.ValueKind == System.Text.Json.JsonValueKind.String ? int.Parse(limit.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : limit.GetInt32());
    }
}
