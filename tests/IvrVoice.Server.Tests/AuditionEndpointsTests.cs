extern alias emulator;

using System.Net;
using System.Text;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// The audition endpoints in the test host (whose requests have no loopback address, like a caller on the network):
/// access modes, the library listing, previews, takes with another voice, and the checks on requests that render.
/// </summary>
public sealed class AuditionEndpointsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly Dictionary<string, string?> ApiKeyAccess = new() { ["Audition:Access"] = "ApiKey" };
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);
    private readonly TempDirectory _library = WriteLibrary();

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Page_DefaultAccessWithAPublicBaseUrl_IsOffUntilConfigured()
    {
        // A public base URL means a reverse proxy may stand in front: nothing is inferred from the connection or Host.
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path);

        using HttpResponseMessage page = await host.Client.GetAsync("/audition");
        using HttpResponseMessage preview = await Get(host, $"/audition/preview/{new string('a', 64)}.wav");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, preview.StatusCode);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "Set Audition:Access"));
    }

    [Fact]
    public async Task Page_LoopbackAccess_RefusesARequestFromTheNetwork()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, new Dictionary<string, string?> { ["Audition:Access"] = "Loopback" });

        using HttpResponseMessage page = await host.Client.GetAsync("/audition");
        using HttpResponseMessage prompts = await Get(host, "/audition/api/prompts");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, prompts.StatusCode);
        Assert.Contains("Audition:Access", await prompts.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_AccessOff_AnswersNotFound()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, new Dictionary<string, string?> { ["Audition:Access"] = "Off" });

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/audition")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(host, "/audition/api/prompts")).StatusCode);
    }

    [Fact]
    public async Task Page_AccessMisspelt_IsOffAndTheLogNamesTheSetting()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, new Dictionary<string, string?> { ["Audition:Access"] = "Everyone" });

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/audition")).StatusCode);
        Assert.True(host.Logs.Contains(LogLevel.Error, "Audition:Access must be Loopback, ApiKey or Off"));
    }

    [Fact]
    public async Task Page_ApiKeyAccess_ServesThePageToAnyoneButItsDataOnlyWithAKey()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);

        using HttpResponseMessage page = await host.Client.GetAsync("/audition");
        using HttpResponseMessage withoutKey = await Get(host, "/audition/api/prompts", apiKey: null);
        using HttpResponseMessage wrongKey = await Get(host, "/audition/api/prompts", apiKey: "not-the-key-at-all");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/audition/app.js")).StatusCode);
    }

    [Fact]
    public async Task Prompts_NothingCached_ListsTheLibraryAsNotRendered()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);

        JsonElement body = await JsonAsync(await Get(host, "/audition/api/prompts"));

        Assert.Equal("Audition clinic", body.GetProperty("name").GetString());
        Assert.Equal("ApiKey", body.GetProperty("access").GetString());
        Assert.Equal(30, body.GetProperty("voices").GetArrayLength());
        JsonElement[] prompts = [.. body.GetProperty("prompts").EnumerateArray()];
        Assert.Equal(["en-US/welcome", "en-US/goodbye", "en-US/chat"], prompts.Select(p => $"{p.GetProperty("language").GetString()}/{p.GetProperty("id").GetString()}"));
        Assert.All(prompts, p => Assert.False(p.GetProperty("rendered").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, prompts[0].GetProperty("previewUrl").ValueKind);
        Assert.Equal("gemini-3.1-flash-tts", prompts[0].GetProperty("model").GetString());
        Assert.Equal(2, prompts[2].GetProperty("speakers").GetArrayLength());
    }

    [Fact]
    public async Task RenderTake_LibrarysOwnVoice_IsThePromptTheServicePlaysSoTheListShowsItRendered()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);

        JsonElement take = await JsonAsync(await PostTake(host, """{"language":"en-US","id":"welcome","voice":"kore"}"""));
        JsonElement welcome = (await JsonAsync(await Get(host, "/audition/api/prompts"))).GetProperty("prompts")[0];

        Assert.Equal("Kore", take.GetProperty("voice").GetString());
        Assert.True(welcome.GetProperty("rendered").GetBoolean());
        Assert.Equal(take.GetProperty("key").GetString(), welcome.GetProperty("key").GetString());
        Assert.Equal("gemini", welcome.GetProperty("provider").GetString());
        Assert.Equal(take.GetProperty("durationSeconds").GetDouble(), welcome.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(160, welcome.GetProperty("peaks").GetArrayLength());
        Assert.Contains(welcome.GetProperty("peaks").EnumerateArray(), p => p.GetInt32() > 10);
    }

    [Fact]
    public async Task RenderTake_AnotherVoice_RendersItAndItsPreviewIsA16kHzWavOfTheSameLength()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);

        using HttpResponseMessage response = await PostTake(host, """{"language":"en-US","id":"welcome","voice":"Puck"}""");
        JsonElement take = await JsonAsync(response);
        using HttpResponseMessage preview = await Get(host, take.GetProperty("previewUrl").GetString()!);

        Assert.Equal("Puck", take.GetProperty("voice").GetString());
        Assert.Contains("\"Puck\"", _emulator.RequestsTo("gemini").Single().Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("audio/wav", preview.Content.Headers.ContentType?.MediaType);
        PcmAudio audio = AudioDecoder.Decode(await preview.Content.ReadAsByteArrayAsync());
        Assert.Equal(16_000, audio.SampleRate);
        Assert.Equal(take.GetProperty("durationSeconds").GetDouble(), audio.Duration.TotalSeconds, 2);
        // A take is not the library prompt: the listing still says the prompt itself is not rendered.
        JsonElement welcome = (await JsonAsync(await Get(host, "/audition/api/prompts"))).GetProperty("prompts")[0];
        Assert.False(welcome.GetProperty("rendered").GetBoolean());
        Assert.NotEqual(take.GetProperty("key").GetString(), welcome.GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("""{"language":"en-US","id":"welcome","voice":"Nobody"}""", HttpStatusCode.BadRequest, "has no voice 'Nobody'")]
    [InlineData("""{"language":"en-US","id":"missing","voice":"Puck"}""", HttpStatusCode.NotFound, "no prompt 'missing' in en-US")]
    [InlineData("""{"language":"en-US","id":"chat","voice":"Puck"}""", HttpStatusCode.BadRequest, "takes its voices from its speakers")]
    [InlineData("""{"language":"en-US","id":"welcome"}""", HttpStatusCode.BadRequest, "the voice to render it with")]
    [InlineData("""{"language":"en-US","id":"welcome","voice":"Puck","style":"loud"}""", HttpStatusCode.BadRequest, "Invalid JSON")]
    [InlineData("""{ not json""", HttpStatusCode.BadRequest, "Invalid JSON")]
    public async Task RenderTake_BadRequest_IsRefusedWithAReasonAndRendersNothing(string json, HttpStatusCode status, string reason)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);

        using HttpResponseMessage response = await PostTake(host, json);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_emulator.RequestsTo("gemini"));
    }

    [Fact]
    public async Task RenderTake_FormPostOrForeignOrigin_IsRefusedAsCrossSite()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);
        const string Body = """{"language":"en-US","id":"welcome","voice":"Puck"}""";

        using HttpResponseMessage form = await PostTake(host, "language=en-US&id=welcome&voice=Puck", contentType: "application/x-www-form-urlencoded");
        using HttpResponseMessage foreign = await PostTake(host, Body, origin: "https://attacker.example");
        using HttpResponseMessage crossSite = await PostTake(host, Body, fetchSite: "cross-site");
        using HttpResponseMessage sameOrigin = await PostTake(host, Body, origin: "http://localhost", fetchSite: "same-origin");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        Assert.Single(_emulator.RequestsTo("gemini"));
    }

    [Fact]
    public async Task RenderTake_EveryRouteFails_AnswersBadGatewayWithTheReasons()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(400));
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);

        using HttpResponseMessage response = await PostTake(host, """{"language":"en-US","id":"welcome","voice":"Puck"}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("gemini: InvalidRequest", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/audition/preview/not-a-key.wav", HttpStatusCode.BadRequest)]
    [InlineData("/audition/preview/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.wav", HttpStatusCode.NotFound)]
    public async Task Preview_MalformedOrUnknownKey_IsRefused(string path, HttpStatusCode status)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Path, ApiKeyAccess);

        Assert.Equal(status, (await Get(host, path)).StatusCode);
    }

    private static async Task<HttpResponseMessage> Get(ServerHost host, string path, string? apiKey = ServerHost.ApiKey)
    {
        HttpRequestMessage request = new(HttpMethod.Get, path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return await host.Client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostTake(ServerHost host, string body, string contentType = "application/json", string? origin = null, string? fetchSite = null)
    {
        HttpRequestMessage request = new(HttpMethod.Post, "/audition/api/render") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return host.Client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static TempDirectory WriteLibrary()
    {
        TempDirectory folder = new("ivrvoice-audition-library-");
        File.WriteAllText(folder.File("library.yaml"), """
            library:
              name: Audition clinic
              defaults:
                model: gemini-3.1-flash-tts
                style: Calm and clear
            """);
        File.WriteAllText(folder.File("en-US.yaml"), """
            defaults:
              language: en-US
              voice: Kore
            prompts:
              - id: welcome
                text: Welcome to the audition clinic.
              - id: goodbye
                text: Goodbye, and thank you for calling.
              - id: chat
                text: |
                  Maya: Did you brush today?
                  Leo: Twice, for two full minutes.
                speakers:
                  - { name: Maya, voice: Kore }
                  - { name: Leo, voice: Puck }
            """);
        return folder;
    }
}
