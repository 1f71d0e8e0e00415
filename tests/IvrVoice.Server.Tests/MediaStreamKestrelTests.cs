extern alias emulator;

using System.Net.WebSockets;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// A Media Stream over a real socket: the service in its own process on Kestrel (loopback), a ClientWebSocket doing the
/// HTTP/1.1 upgrade with Twilio's signature over the public <c>wss://</c> URL, the whole protocol, then the action.
/// </summary>
public sealed class MediaStreamKestrelTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string CallSid = "CA8000000000000000000000000000000d";
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);
    private readonly HttpClient _client = new();

    public void Dispose()
    {
        _client.Dispose();
        _library.Dispose();
    }

    [Fact]
    public async Task Stream_OverKestrel_SignedUpgradePlaysTheMissAndTheActionGoesOn()
    {
        _emulator.StreamPace = 0.05;
        _emulator.StreamChunk = TimeSpan.FromMilliseconds(100);
        await using ServiceProcess server = await ServiceProcess.StartAsync(ServerHost.Settings(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Streaming:Playback"] = "Auto",
            ["Streaming:LevelControl"] = "false",
        }));
        TwiML twiml = await PostAsync(server, $"/twilio/voice/{TestLibrary.Flow}/menu/billing");
        (string url, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(twiml);
        Assert.Equal(ServerHost.PublicWssStreamUrl, url);
        Uri socketAddress = new($"ws://{server.Url.Authority}/twilio/stream");

        // Signed for another URL: refused at the upgrade, as Twilio's forged or misdirected requests would be.
        WebSocketException refused = await Assert.ThrowsAsync<WebSocketException>(() => MediaStreamsClient.ConnectAsync(socketAddress, "wss://ivr.example.test/twilio/other"));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(socketAddress, url);
        await client.StartAsync(CallSid, parameters);
        Assert.False(await client.ReadAsync());

        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal("mark", client.Events[^1]);
        byte[] expected = Transcoder.ToTelephony(new PcmAudio([.. _emulator.Clip.Samples.Select(s => (float)s)], 24_000), OutputFormat.RawMuLaw, MasteringOptions.Disabled);
        Assert.Equal(expected, client.Audio);
        TwiML next = await PostAsync(server, ServerHost.LocalPath(action));
        Assert.Equal(["Gather", "Redirect"], next.Verbs);
        Assert.Empty(next.PlayUrls);
    }

    private async Task<TwiML> PostAsync(ServiceProcess server, string pathAndQuery)
    {
        using HttpRequestMessage request = ServerHost.SignedPost(pathAndQuery, ServerHost.CallParameters(CallSid));
        request.RequestUri = new Uri(server.Url, pathAndQuery);
        using HttpResponseMessage response = await _client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return TwiML.Parse(body);
    }
}
