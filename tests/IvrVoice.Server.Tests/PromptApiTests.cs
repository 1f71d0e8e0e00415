extern alias emulator;

using System.Net;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;

namespace IvrVoice.Server.Tests;

/// <summary><c>/api/prompts</c>: API keys, validation with problem+json, cache modes, metadata and rate limiting.</summary>
public sealed class PromptApiTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Render_ValidRequest_ReturnsKeyUrlDurationAndProvider()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", """{"text":"Your prescription is ready.","voice":"Puck","language":"en-US"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        string key = body.GetProperty("key").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal($"{ServerHost.PublicBaseUrl}/prompts/{key}.wav", body.GetProperty("url").GetString());
        Assert.Equal("gemini", body.GetProperty("provider").GetString());
        Assert.InRange(body.GetProperty("durationSeconds").GetDouble(), 0.2, 30);
        Assert.True(body.GetProperty("stored").GetBoolean());
    }

    [Fact]
    public async Task Render_AudioUrlWithSignaturesOnForMedia_TheApiKeyFetchesItOthersNeedASignature()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", """{"text":"Fetch what you rendered."}""");
        string url = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString()!;

        using HttpRequestMessage withKey = new(HttpMethod.Get, ServerHost.LocalPath(url));
        withKey.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        using HttpResponseMessage fetched = await host.UnsignedClient.SendAsync(withKey);
        using HttpRequestMessage wrongKey = new(HttpMethod.Get, ServerHost.LocalPath(url));
        wrongKey.Headers.Add("X-Api-Key", "not-the-key-0123456789");
        using HttpResponseMessage refused = await host.UnsignedClient.SendAsync(wrongKey);
        using HttpResponseMessage anonymous = await host.UnsignedClient.GetAsync(ServerHost.LocalPath(url));

        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("audio/wav", fetched.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
    }

    [Fact]
    public async Task Render_ModelNoConfiguredRouteServes_502NamingTheSetting()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, routes: ["segmind"]);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", """{"text":"Which route?","model":"gemini-3.8-flash-tts"}""");
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Providers:Gemini:ApiKey", body, StringComparison.Ordinal);
        Assert.DoesNotContain("router: Unavailable", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_SameTextTwice_RendersOnceAndReturnsTheSameKey()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        const string json = """{"text":"The office is closed today."}""";

        string first = await KeyOfAsync(await host.PostJsonAsync("/api/prompts", json));
        string second = await KeyOfAsync(await host.PostJsonAsync("/api/prompts", json));

        Assert.Equal(first, second);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-0123456789abcdef")]
    [InlineData("test-api-key-5f0e6a3b9c2")]   // the real key less its last character
    public async Task Render_MissingOrWrongKey_Answers401AndRendersNothing(string? apiKey)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", """{"text":"Hello."}""", apiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task GetMetadata_MissingKey_Answers401()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.Client.GetAsync($"/api/prompts/{new string('0', 64)}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"text":""}""", "Prompt text is empty")]
    [InlineData("""{"text":"   \n\t "}""", "Prompt text is empty")]
    [InlineData("""{"voice":"Kore"}""", "Prompt text is empty")]
    [InlineData("""{"text":"Hello.","voice":"Nobody"}""", "Unknown voice 'Nobody'")]
    [InlineData("""{"text":"Hello.","model":"gpt-voice-9"}""", "Unknown model 'gpt-voice-9'")]
    [InlineData("""{"text":"Hello.","voise":"Kore"}""", "voise")]
    [InlineData("""{"text":"Hello.",""", "Invalid JSON")]
    [InlineData("""["text"]""", "Invalid JSON")]
    [InlineData("null", "JSON null")]
    public async Task Render_BadRequest_Answers400ProblemSayingWhy(string json, string expected)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Render_OversizeText_Answers400NamingTheLimit()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", JsonSerializer.Serialize(new { text = new string('a', 2001) }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Prompts:MaxTextLength", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Render_NotJson_Answers415()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        using HttpRequestMessage request = new(HttpMethod.Post, "/api/prompts") { Content = new StringContent("text=Hello", System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-Api-Key", ServerHost.ApiKey);

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Render_EveryRouteFails_Answers502NamingTheRoutes()
    {
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.ContentBlocked) { Times = null });
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", """{"text":"This will be refused."}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("gemini", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Render_Bypass_RendersEveryTimeAndStoresNothing()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        const string json = """{"text":"Bypass the cache, please."}""";

        using HttpResponseMessage first = await host.PostJsonAsync("/api/prompts", json, cacheMode: "bypass");
        using HttpResponseMessage second = await host.PostJsonAsync("/api/prompts", json, cacheMode: "bypass");

        JsonElement body = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.GetProperty("stored").GetBoolean());
        Assert.Equal(2, _emulator.Submissions("gemini"));
        // Nothing was kept, so no URL is handed out that would answer 404.
        Assert.Equal(JsonValueKind.Null, body.GetProperty("url").ValueKind);
    }

    [Fact]
    public async Task Render_ReadOnlyQueryParameter_ReadsTheCacheButDoesNotWriteIt()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage uncached = await host.PostJsonAsync("/api/prompts?cache=read-only", """{"text":"Read only, please."}""");
        JsonElement body = JsonDocument.Parse(await uncached.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, uncached.StatusCode);
        Assert.False(body.GetProperty("stored").GetBoolean());

        await KeyOfAsync(await host.PostJsonAsync("/api/prompts", """{"text":"Read only, please."}"""));
        using HttpResponseMessage cached = await host.PostJsonAsync("/api/prompts?cache=read-only", """{"text":"Read only, please."}""");
        Assert.True(JsonDocument.Parse(await cached.Content.ReadAsStringAsync()).RootElement.GetProperty("stored").GetBoolean());
        Assert.Equal(2, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Render_UnknownCacheMode_Answers400()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", """{"text":"Hello."}""", cacheMode: "sometimes");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("read-write, read-only or bypass", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetMetadata_RenderedPrompt_ReturnsWhatWasRendered()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string key = await KeyOfAsync(await host.PostJsonAsync("/api/prompts", """{"text":"Metadata, please.","voice":"Charon","style":"Calm"}"""));

        using HttpRequestMessage request = new(HttpMethod.Get, $"/api/prompts/{key}");
        request.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(key, body.GetProperty("key").GetString());
        Assert.Equal("Metadata, please.", body.GetProperty("text").GetString());
        Assert.Equal("Charon", body.GetProperty("voice").GetString());
        Assert.Equal("Calm", body.GetProperty("style").GetString());
        Assert.Equal("gemini-3.1-flash-tts", body.GetProperty("model").GetString());
        Assert.Equal("mulaw-wav", body.GetProperty("format").GetString());
        byte[] wav = await host.Client.GetByteArrayAsync($"/prompts/{key}.wav");
        Assert.Equal(wav.Length, body.GetProperty("byteLength").GetInt64());
    }

    [Theory]
    [InlineData("0123", HttpStatusCode.BadRequest)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound)]
    public async Task GetMetadata_MalformedOrUnknownKey_AnswersProblem(string key, HttpStatusCode expected)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        using HttpRequestMessage request = new(HttpMethod.Get, $"/api/prompts/{key}");
        request.Headers.Add("X-Api-Key", ServerHost.ApiKey);

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Render_BeyondTheBurst_Answers429WithRetryAfterButWebhooksStillAnswer()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Service:RateLimit:Burst"] = "2",
            ["Service:RateLimit:PermitsPerMinute"] = "1",
        });

        HttpStatusCode[] statuses = new HttpStatusCode[4];
        for (int i = 0; i < statuses.Length; i++)
        {
            using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", """{"text":""}""");
            statuses[i] = response.StatusCode;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        for (int i = 0; i < 3; i++)
        {
            await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");
        }
    }

    private static async Task<string> KeyOfAsync(HttpResponseMessage response)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
        }
    }
}
