extern alias emulator;

using System.Globalization;
using System.Net;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Library;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Server.Voice;

namespace IvrVoice.Server.Tests;

/// <summary>
/// Templates with values through the service: the API, signed URLs, call flows and the audition page, with the emulator behind
/// them; joined announcements ask no provider, <c>auto</c> later serves the whole render, bad values are named.
/// </summary>
public sealed class TemplateAnnouncementTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    // The issue's own example of US English currency words.
    private const string BalanceSpoken = "Your balance is twelve dollars and fifty cents.";

    private readonly TemplateTestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Sign_Template_AnswersStrategySpokenWordsAndAUrlThatJoinsWithoutAProvider()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        await BuildPiecesAsync(host, "balance");
        double callsBefore = await TtsCallsAsync(host);

        JsonElement answer = await SignAsync(host, """{"prompt":"balance","language":"en-US","values":{"amount":"12.50"}}""");

        Assert.Equal("join", answer.GetProperty("strategy").GetString());
        Assert.Equal(BalanceSpoken, answer.GetProperty("spoken").GetString());
        string url = answer.GetProperty("url").GetString()!;
        Assert.Contains("/announce.wav?a=", url, StringComparison.Ordinal);
        Assert.Equal(url, Assert.Single(System.Xml.Linq.XElement.Parse(answer.GetProperty("twiml").GetString()!).Elements("Play")).Value);

        using HttpResponseMessage audio = await host.Client.GetAsync(ServerHost.LocalPath(url));

        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
        Assert.True((await audio.Content.ReadAsByteArrayAsync()).Length > 8000, "joined audio of at least a second");
        Assert.Equal(0, _emulator.Submissions("gemini"));
        Assert.Equal(callsBefore, await TtsCallsAsync(host));
    }

    [Fact]
    public async Task Sign_NumberValue_AcceptedAsAJsonNumber()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        JsonElement answer = await SignAsync(host, """{"prompt":"balance","language":"en-US","values":{"amount":12.50}}""");

        Assert.Equal(BalanceSpoken, answer.GetProperty("spoken").GetString());
    }

    [Fact]
    public async Task Fetch_AutoTemplate_JoinsFirstThenServesTheWholeRender()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        await BuildPiecesAsync(host, "debt");
        JsonElement answer = await SignAsync(host, """{"prompt":"debt","language":"en-US","values":{"amount":"21"}}""");
        Assert.Equal("auto", answer.GetProperty("strategy").GetString());
        string wholeKey = answer.GetProperty("key").GetString()!;
        string path = ServerHost.LocalPath(answer.GetProperty("url").GetString()!);

        using HttpResponseMessage first = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        byte[] joined = await first.Content.ReadAsByteArrayAsync();
        // The whole sentence is rendered in the background, once.
        await Wait.UntilAsync(async () =>
        {
            using HttpResponseMessage whole = await host.Client.GetAsync($"/prompts/{wholeKey}.wav");
            return whole.StatusCode == HttpStatusCode.OK;
        }, "the background render of the whole sentence");
        Assert.Equal(1, _emulator.Submissions("gemini"));
        Assert.Contains("You owe twenty-one dollars.", _emulator.RequestsTo("gemini")[0].Body, StringComparison.Ordinal);

        using HttpResponseMessage second = await host.Client.GetAsync(path);
        using HttpResponseMessage wholeAudio = await host.Client.GetAsync($"/prompts/{wholeKey}.wav");

        byte[] served = await second.Content.ReadAsByteArrayAsync();
        Assert.Equal(await wholeAudio.Content.ReadAsByteArrayAsync(), served);
        Assert.NotEqual(joined, served);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Theory]
    [InlineData("reminder", """{"day":"2026-02-30","position":"3"}""", "day")]                 // not a date
    [InlineData("reminder", """{"day":"2026-12-24","position":"99999999999999999999"}""", "position")] // out of range
    [InlineData("reminder", """{"day":"2026-12-24"}""", "position")]                        // missing
    [InlineData("reminder", """{"day":"2026-12-24","position":"3","colour":"red"}""", "colour")] // unknown
    [InlineData("reminder", """{"day":"2026-12-24","position":{"n":3}}""", "position")]     // wrong type
    [InlineData("reminder", """{"day":"2026-12-24","position":"three"}""", "position")]     // not a number
    [InlineData("note", """{"note":"Call us <b>today</b>"}""", "note")]                      // tags
    [InlineData("note", """{"note":"Call us\u0007today"}""", "note")]                        // control character
    public async Task Sign_BadValue_Answers400NamingTheValue(string prompt, string values, string named)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", $$"""{"prompt":"{{prompt}}","language":"en-US","values":{{values}}}""");

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        JsonElement problem = JsonDocument.Parse(body).RootElement;
        Assert.Contains($"'{named}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(named, problem.GetProperty("value").GetString());
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Theory]
    [InlineData("""{"prompt":"nothing-here","language":"en-US","values":{}}""", "nothing-here")]
    [InlineData("""{"prompt":"balance","language":"es-US","values":{"amount":"1"}}""", "es-US")]
    [InlineData("""{"prompt":"welcome","language":"en-US","values":{}}""", "placeholders")]
    public async Task Sign_UnknownTemplate_Answers400SayingWhy(string json, string named)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A free text value as long as the API accepts (500 characters), in characters that percent-encode to nine bytes each.</summary>
    [Fact]
    public async Task Sign_LargeValueSet_UrlStaysShortAndPlays()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string note = string.Concat(Enumerable.Range(0, 500).Select(i => (char)(0x4E00 + (i * 7919 % 20000))));

        JsonElement answer = await SignAsync(host, JsonSerializer.Serialize(new { prompt = "note", language = "en-US", values = new { note } }));

        Assert.Equal("render", answer.GetProperty("strategy").GetString());
        string path = ServerHost.LocalPath(answer.GetProperty("url").GetString()!);
        Assert.InRange(path.Length, 1, AnnouncementUrls.MaxInlineLength);
        using HttpResponseMessage audio = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Fetch_SignedTemplateUrl_Tampered_Answers403()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = ServerHost.LocalPath((await SignAsync(host, """{"prompt":"entered","language":"en-US","values":{"code":"4411"}}""")).GetProperty("url").GetString()!);
        string other = host.Service<AnnouncementUrls>().CreatePathAndQuery(new Announcement("", Language: "en-US") { Prompt = "entered", Values = new Dictionary<string, string> { ["code"] = "9999" } });
        string payload = other[(other.IndexOf("a=", StringComparison.Ordinal) + 2)..other.IndexOf('&', StringComparison.Ordinal)];
        string forged = System.Text.RegularExpressions.Regex.Replace(path, "a=[^&]+", "a=" + payload);

        using HttpResponseMessage response = await host.Client.GetAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Flow_ValueFromTheQuery_PlaysTheJoinedTemplateWithoutAProvider()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        await BuildPiecesAsync(host, "balance");
        await WarmAsync(host, "welcome");
        double callsBefore = await TtsCallsAsync(host);

        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TemplateTestLibrary.Flow}?amount=12.50");

        Assert.Empty(twiml.Says);
        Assert.Equal(2, twiml.PlayUrls.Count);
        Assert.All(twiml.PlayUrls, url => Assert.Matches(VoiceWebhookTests.PromptUrl(), url));
        Assert.Equal(0, _emulator.Submissions("gemini"));
        Assert.Equal(callsBefore, await TtsCallsAsync(host));
        using HttpResponseMessage audio = await host.Client.GetAsync(ServerHost.LocalPath(twiml.PlayUrls[0]));
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        // Later menus still find the value: the action URL carries it, and Twilio signs it.
        Assert.Contains("amount=12.50", twiml.GatherAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?amount=twelve")]   // not an amount
    [InlineData("?amount=%3Cb%3E1")] // a tag
    [InlineData("")]                 // missing
    public async Task Flow_BadOrMissingValue_PlaysTheFallbackPrompt(string query)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string generic = await WarmAsync(host, "balance-generic");

        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TemplateTestLibrary.Flow}{query}");

        Assert.Equal($"{ServerHost.PublicBaseUrl}/prompts/{generic}.wav", twiml.PlayUrls[0]);
        Assert.Equal(2, twiml.PlayUrls.Count + twiml.Says.Count);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "amount"));
    }

    [Fact]
    public async Task Flow_DigitsValue_ReadsBackTheKeysPressed()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        Dictionary<string, string> answer = ServerHost.CallParameters();
        answer["Digits"] = "4411";

        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TemplateTestLibrary.Flow}/gather/main?lang=en-US&noinput=0&invalid=0", answer);

        Assert.Equal(["Play", "Hangup"], twiml.Verbs);
        Assert.Matches(VoiceWebhookTests.PromptUrl(), twiml.PlayUrls[0]);
        RecordedRequest request = Assert.Single(_emulator.RequestsTo("gemini"));
        Assert.Contains("You entered four four one one.", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flow_ProviderDown_SaysTheComposedWordsNotDeadAir()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        Dictionary<string, string> answer = ServerHost.CallParameters();
        answer["Digits"] = "4411";

        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TemplateTestLibrary.Flow}/gather/main?lang=en-US&noinput=0&invalid=0", answer);

        Assert.Equal(["Say", "Hangup"], twiml.Verbs);
        Assert.Equal("You entered four four one one.", twiml.Says[0].Value);
    }

    [Fact]
    public async Task Audition_TemplateForm_ListsPlaceholdersAndSpeaksJoinAndRenderSideBySide()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?> { ["Audition:Access"] = "ApiKey" });
        await BuildPiecesAsync(host, "balance");

        using HttpRequestMessage list = new(HttpMethod.Get, "/audition/api/prompts");
        list.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        using HttpResponseMessage listed = await host.Client.SendAsync(list);
        JsonElement balance = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.GetProperty("prompts").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == "balance");
        JsonElement placeholder = Assert.Single(balance.GetProperty("placeholders").EnumerateArray());
        Assert.Equal("amount", placeholder.GetProperty("name").GetString());
        Assert.Equal("currency", placeholder.GetProperty("type").GetString());
        Assert.Equal("USD", placeholder.GetProperty("options").GetProperty("code").GetString());
        Assert.Equal("join", balance.GetProperty("strategy").GetString());

        using HttpRequestMessage speak = new(HttpMethod.Post, "/audition/api/announce")
        {
            Content = new StringContent("""{"language":"en-US","id":"balance","values":{"amount":"12.50"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        speak.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        using HttpResponseMessage spoken = await host.Client.SendAsync(speak);

        string body = await spoken.Content.ReadAsStringAsync();
        Assert.True(spoken.StatusCode == HttpStatusCode.OK, body);
        JsonElement answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal(BalanceSpoken, answer.GetProperty("spoken").GetString());
        Assert.Equal("joined", answer.GetProperty("join").GetProperty("outcome").GetString());
        Assert.Equal("rendered", answer.GetProperty("render").GetProperty("outcome").GetString());
        Assert.NotEqual(answer.GetProperty("join").GetProperty("key").GetString(), answer.GetProperty("render").GetProperty("key").GetString());
        Assert.Equal(1, _emulator.Submissions("gemini"));
        foreach (string side in (string[])["join", "render"])
        {
            using HttpRequestMessage preview = new(HttpMethod.Get, answer.GetProperty(side).GetProperty("previewUrl").GetString());
            preview.Headers.Add("X-Api-Key", ServerHost.ApiKey);
            using HttpResponseMessage audio = await host.Client.SendAsync(preview);
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        }

        using HttpRequestMessage bad = new(HttpMethod.Post, "/audition/api/announce")
        {
            Content = new StringContent("""{"language":"en-US","id":"balance","values":{"amount":"lots"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        bad.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        using HttpResponseMessage refused = await host.Client.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("'amount'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>What <c>ivrvoice build</c> does for a template: renders its fixed parts and vocabulary, then forgets the requests.</summary>
    private async Task BuildPiecesAsync(ServerHost host, string promptId)
    {
        CallFlows flows = host.Service<CallFlows>();
        PromptRenderer renderer = host.Service<PromptRenderer>();
        LibraryPrompt prompt = flows.Library.Prompts.Single(p => p.Id == promptId && p.Language == "en-US");
        IReadOnlyList<PromptSpec> pieces = TemplateAudioPlan.PrerenderSpecs(prompt.Template!, flows.SpecFor(prompt));
        Assert.NotEmpty(pieces);
        await Parallel.ForEachAsync(pieces, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (spec, token) =>
            await renderer.GetOrRenderAsync(spec, RenderUrgency.Batch, Caching.CacheMode.ReadWrite, token));
        _emulator.ClearRecords();
    }

    private async Task<string> WarmAsync(ServerHost host, string promptId)
    {
        CallFlows flows = host.Service<CallFlows>();
        PromptSpec spec = flows.SpecFor(flows.Library.Prompts.Single(p => p.Id == promptId && p.Language == "en-US"));
        await host.Service<PromptRenderer>().GetOrRenderAsync(spec, RenderUrgency.Batch, Caching.CacheMode.ReadWrite, CancellationToken.None);
        _emulator.ClearRecords();
        return PromptKeys.For(spec).ToString();
    }

    private static async Task<JsonElement> SignAsync(ServerHost host, string json)
    {
        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Every provider attempt the service has counted, from /metrics.</summary>
    private static async Task<double> TtsCallsAsync(ServerHost host)
    {
        string metrics = await host.Client.GetStringAsync("/metrics");
        return metrics.Split('\n')
            .Where(line => line.StartsWith("ivrvoice_tts_calls_total{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
