extern alias emulator;

using System.Net;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Tests.Support;

namespace IvrVoice.Server.Tests;

/// <summary>Dynamic announcement URLs: only URLs the service signed, unchanged and unexpired, make it render.</summary>
public sealed class AnnouncementTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Get_SignedUrlFromTheApi_RendersOnceAndServesTheWav()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await SignAsync(host, """{"text":"Dr. Alder is running 15 minutes late.","voice":"Leda","language":"en-US"}""");

        using HttpResponseMessage first = await host.Client.GetAsync(path);
        using HttpResponseMessage second = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("audio/wav", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, _emulator.Submissions("gemini"));
        TimeSpan maxAge = first.Headers.CacheControl!.MaxAge!.Value;
        Assert.InRange(maxAge, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.DoesNotContain(first.Headers.CacheControl.Extensions, e => e.Name == "immutable");
    }

    [Fact]
    public async Task Get_Unsigned_Answers403AndRendersNothing()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.Client.GetAsync("/announce.wav?text=Free%20speech%20for%20everyone&voice=Kore");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, _emulator.Submissions("gemini"));
        Assert.True(host.Logs.Contains(LogLevel.Warning, "Refused announcement URL: Unsigned"));
    }

    [Theory]
    [InlineData("a=", "a=A")]                                         // the payload changed
    [InlineData("exp=", "exp=9")]                                     // the expiry pushed back
    [InlineData("&sig=", "&voice=Puck&sig=")]                         // a parameter added
    [InlineData("&sig=", "&a=G4MAAI&sig=")]                           // a second payload added
    public async Task Get_Tampered_Answers403(string find, string replace)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await SignAsync(host, """{"text":"Your table is ready.","voice":"Leda"}""");
        string tampered = ReplaceFirst(path, find, replace);
        Assert.NotEqual(path, tampered);

        using HttpResponseMessage response = await host.Client.GetAsync(tampered);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Get_SignedWithAnotherKey_Answers403()
    {
        await using ServerHost other = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Service:UrlSigningKey"] = "another-signing-key-0123456789abcdef0123",
        });
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await SignAsync(other, """{"text":"Signed elsewhere."}""");

        using HttpResponseMessage response = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Get_Expired_Answers403SayingSo()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = host.Service<AnnouncementUrls>().CreatePathAndQuery(new Announcement("Too late."), DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.DoesNotContain("Too", path, StringComparison.Ordinal);

        using HttpResponseMessage response = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Get_SignedButUnrenderable_Answers400()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = host.Service<AnnouncementUrls>().CreatePathAndQuery(new Announcement("Hello.", Voice: "Nobody"));

        using HttpResponseMessage response = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sign_UnknownVoice_Answers400WithoutAUrl()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", """{"text":"Hello.","voice":"Nobody"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnnounceWebhook_RenderedInTime_PlaysThePromptUrlThenRedirects()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string text = Uri.EscapeDataString("Your order 4411 ships tomorrow.");

        TwiML twiml = await host.PostWebhookAsync($"/twilio/announce?text={text}&voice=Puck&next=%2Ftwilio%2Fvoice%2Fclinic");

        Assert.Equal(["Play", "Redirect"], twiml.Verbs);
        string play = twiml.PlayUrls[0];
        Assert.StartsWith($"{ServerHost.PublicBaseUrl}/prompts/", play, StringComparison.Ordinal);
        Assert.Equal($"{ServerHost.PublicBaseUrl}/twilio/voice/clinic", twiml.Root.Element("Redirect")!.Value);
        using HttpResponseMessage audio = await host.Client.GetAsync(ServerHost.LocalPath(play));
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task AnnounceWebhook_ProviderDown_SaysTheText()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync("/twilio/announce?text=Closed%20for%20the%20holiday.%20%5Bsighs%5D&language=en-GB&voice=Charon");

        System.Xml.Linq.XElement say = Assert.Single(twiml.Says);
        Assert.Equal("Closed for the holiday.", say.Value);
        Assert.Equal("Polly.Brian-Neural", say.Attribute("voice")?.Value);
        Assert.Equal("en-GB", say.Attribute("language")?.Value);
    }

    [Fact]
    public async Task Sign_Text_AnswersUrlTwimlStrategyAndSpokenWords()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", """{"text":"Your  table is ready.","voice":"Leda"}""");

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        JsonElement answer = JsonDocument.Parse(body).RootElement;
        string url = answer.GetProperty("url").GetString()!;
        Assert.StartsWith($"{ServerHost.PublicBaseUrl}/announce.wav?a=", url, StringComparison.Ordinal);
        Assert.Equal("render", answer.GetProperty("strategy").GetString());
        Assert.Equal("Your table is ready.", answer.GetProperty("spoken").GetString());
        System.Xml.Linq.XElement twiml = System.Xml.Linq.XElement.Parse(answer.GetProperty("twiml").GetString()!);
        Assert.Equal(url, Assert.Single(twiml.Elements("Play")).Value);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    /// <summary>Text the API accepts in full: 2,000 characters that percent-encode to nine bytes each made an 18 KB URL Kestrel refused with 414.</summary>
    [Fact]
    public async Task Sign_LongestNonAsciiText_UrlStaysShortAndPlays()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string text = string.Concat(Enumerable.Range(0, 2000).Select(i => (char)(0x4E00 + (i * 7919 % 20000))));

        using HttpResponseMessage signed = await host.PostJsonAsync("/api/announcements", JsonSerializer.Serialize(new { text, voice = "Leda", language = "cmn-CN" }));

        string body = await signed.Content.ReadAsStringAsync();
        Assert.True(signed.StatusCode == HttpStatusCode.OK, body);
        string path = ServerHost.LocalPath(JsonDocument.Parse(body).RootElement.GetProperty("url").GetString()!);
        Assert.InRange(path.Length, 1, AnnouncementUrls.MaxInlineLength);
        using HttpResponseMessage audio = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Sign_LongCompressibleText_CarriesItInline()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string text = string.Join(' ', Enumerable.Repeat("Please have your policy number and date of birth ready.", 35));
        Assert.InRange(text.Length, 1500, 2000);

        string path = await SignAsync(host, JsonSerializer.Serialize(new { text }));

        Assert.Contains("?a=", path, StringComparison.Ordinal);
        Assert.InRange(path.Length, 1, 600);
        Assert.Equal(0, _emulator.Submissions("gemini"));
        using HttpResponseMessage audio = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
    }

    [Theory]
    [InlineData("""{"values":{"x":"1"},"text":"Hi."}""", "values")]
    [InlineData("""{"prompt":"reminder","text":"Hi."}""", "template")]
    [InlineData("""{"text":"Hi.","temperature":1.0}""", "temperature")]
    public async Task Sign_MixedOrUnknownMembers_Answers400SayingWhat(string json, string named)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Sign_Ssml_TranslatedToWordsNeverTags()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements",
            """{"text":"<speak>Your code is <say-as interpret-as=\"digits\">123</say-as>.</speak>","language":"en-US"}""");

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        string spoken = JsonDocument.Parse(body).RootElement.GetProperty("spoken").GetString()!;
        Assert.Contains("one two three", spoken, StringComparison.Ordinal);
        Assert.DoesNotContain('<', spoken);
        Assert.DoesNotContain("say-as", spoken, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/announcements")]
    [InlineData("/api/prompts")]
    public async Task Post_UnsupportedSsml_Answers400NamingTheTag(string path)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync(path, """{"text":"<speak><prosody rate=\"slow\">Hello there.</prosody></speak>"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("prosody", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task AnnounceWebhook_Ssml_RendersTheWordsNotTheTags()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string text = Uri.EscapeDataString("<speak>Order <say-as interpret-as=\"digits\">44</say-as> ships <break time=\"500ms\"/> tomorrow.</speak>");

        TwiML twiml = await host.PostWebhookAsync($"/twilio/announce?text={text}&language=en-US");

        Assert.Matches(VoiceWebhookTests.PromptUrl(), Assert.Single(twiml.PlayUrls));
        string sent = Assert.Single(_emulator.RequestsTo("gemini")).Body;
        Assert.Contains("four four", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("say-as", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("<speak", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnnounceWebhook_RefusedSsml_SaysNoTags()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string text = Uri.EscapeDataString("<speak><prosody rate=\"slow\">Closed today.</prosody></speak>");

        TwiML twiml = await host.PostWebhookAsync($"/twilio/announce?text={text}&language=en-US");

        Assert.DoesNotContain("prosody", twiml.Xml, StringComparison.Ordinal);
        Assert.Equal("Closed today.", Assert.Single(twiml.Says).Value.Trim());
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    private static async Task<string> SignAsync(ServerHost host, string json)
    {
        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return ServerHost.LocalPath(JsonDocument.Parse(body).RootElement.GetProperty("url").GetString()!);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }
}
