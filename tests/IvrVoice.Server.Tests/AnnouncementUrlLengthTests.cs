extern alias emulator;

using System.Net;
using System.Text;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// Announcement URLs against real Kestrel (the server as its own process): whatever text or values the API accepts, the URL it
/// signs is one Kestrel takes, where a percent-encoded text used to make a request line it refuses with 414.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AnnouncementUrlLengthTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TemplateTestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);
    private readonly HttpClient _client = new();

    public void Dispose()
    {
        _client.Dispose();
        _library.Dispose();
    }

    [Fact]
    public async Task LongestTextsAndValues_SignedUrlsPlayThroughKestrel()
    {
        await using ServiceProcess server = await ServiceProcess.StartAsync(
            ServerHost.Settings(_emulator, _library.Folder, new Dictionary<string, string?> { ["Twilio:RequestValidation"] = "Disabled" }));
        string cjk = string.Concat(Enumerable.Range(0, 2000).Select(i => (char)(0x4E00 + (i * 7919 % 20000))));

        // What the URL used to carry: the text percent-encoded, nine bytes a character.
        using HttpResponseMessage old = await _client.GetAsync(new Uri(server.Url, "/announce.wav?text=" + Uri.EscapeDataString(cjk) + "&sig=x"));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, old.StatusCode);

        string[] bodies =
        [
            JsonSerializer.Serialize(new { text = cjk, language = "cmn-CN" }),
            JsonSerializer.Serialize(new { text = string.Join(' ', Enumerable.Repeat("Please have your policy number and date of birth ready.", 35)) }),
            JsonSerializer.Serialize(new { prompt = "note", language = "en-US", values = new { note = cjk[..500] } }),
        ];
        foreach (string body in bodies)
        {
            using HttpRequestMessage sign = new(HttpMethod.Post, new Uri(server.Url, "/api/announcements")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            sign.Headers.Add("X-Api-Key", ServerHost.ApiKey);
            using HttpResponseMessage signed = await _client.SendAsync(sign);
            string answer = await signed.Content.ReadAsStringAsync();
            Assert.True(signed.StatusCode == HttpStatusCode.OK, answer + "\n" + server.Output);
            Uri url = new(JsonDocument.Parse(answer).RootElement.GetProperty("url").GetString()!);

            using HttpResponseMessage audio = await _client.GetAsync(new Uri(server.Url, url.PathAndQuery));

            Assert.True(audio.StatusCode == HttpStatusCode.OK, $"{(int)audio.StatusCode} for a URL of {url.PathAndQuery.Length} characters");
            Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
        }
    }
}
