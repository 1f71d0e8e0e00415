extern alias emulator;

using System.Net;
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

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task LongestTextsAndValues_SignedUrlsPlayThroughKestrel()
    {
        await using ServiceProcess server = await ServerProcesses.StartAsync(
            _emulator, _library.Folder, new Dictionary<string, string?> { ["Twilio:RequestValidation"] = "Disabled" });
        string cjk = string.Concat(Enumerable.Range(0, 2000).Select(i => (char)(0x4E00 + (i * 7919 % 20000))));

        // What the URL used to carry: the text percent-encoded, nine bytes a character.
        using HttpResponseMessage old = await server.Client.GetAsync("/announce.wav?text=" + Uri.EscapeDataString(cjk) + "&sig=x");
        Assert.Equal(HttpStatusCode.RequestUriTooLong, old.StatusCode);

        string[] bodies =
        [
            JsonSerializer.Serialize(new { text = cjk, language = "cmn-CN" }),
            JsonSerializer.Serialize(new { text = string.Join(' ', Enumerable.Repeat("Please have your policy number and date of birth ready.", 35)) }),
            JsonSerializer.Serialize(new { prompt = "note", language = "en-US", values = new { note = cjk[..500] } }),
        ];
        foreach (string body in bodies)
        {
            Uri url = new((await server.PostApiAsync("/api/announcements", body)).GetProperty("url").GetString()!);

            using HttpResponseMessage audio = await server.Client.GetAsync(url.PathAndQuery);

            Assert.True(audio.StatusCode == HttpStatusCode.OK, $"{(int)audio.StatusCode} for a URL of {url.PathAndQuery.Length} characters");
            Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
        }
    }
}
