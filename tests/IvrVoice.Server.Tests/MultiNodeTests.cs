extern alias emulator;

using System.Net;
using System.Text;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Telephony.Signatures;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>Two real server processes sharing one PostgreSQL, the emulator behind them: one render across both, one cache for both.</summary>
[Trait("Category", "Integration")]
public sealed class MultiNodeTests(EmulatorFixture emulatorFixture, PostgresFixture postgres)
    : IClassFixture<EmulatorFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(emulatorFixture.Emulator);
    private readonly HttpClient _client = new();

    public void Dispose()
    {
        _client.Dispose();
        _library.Dispose();
    }

    [SkippableFact]
    public async Task TwoNodes_SameMissAtOnce_RenderOnceAndServeEachOthersPrompts()
    {
        Dictionary<string, string?> settings = ServerHost.Settings(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = postgres.ConnectionString,
        });
        ServiceProcess[] nodes = await Task.WhenAll(ServiceProcess.StartAsync(settings), ServiceProcess.StartAsync(settings));
        await using ServiceProcess a = nodes[0];
        await using ServiceProcess b = nodes[1];

        // The API on both nodes at once, while the provider takes its time.
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.Slow) { Delay = TimeSpan.FromSeconds(1), Times = null });
        const string json = """{"text":"Both nodes asked for this at the same moment."}""";
        JsonElement[] rendered = await Task.WhenAll(RenderAsync(a, json), RenderAsync(b, json), RenderAsync(a, json), RenderAsync(b, json));
        Assert.Single(rendered.Select(r => r.GetProperty("key").GetString()).Distinct());
        Assert.Equal(1, _emulator.Submissions("gemini"));
        string audioPath = ServerHost.LocalPath(rendered[0].GetProperty("url").GetString()!);
        Assert.Equal(await FetchAsTwilioAsync(a, audioPath), await FetchAsTwilioAsync(b, audioPath));

        // Calls arriving on both nodes at once for a prompt nobody has rendered yet.
        _emulator.ClearRecords();
        string[][] plays = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => EnterFlowAsync(i % 2 == 0 ? a : b, i)));
        Assert.Single(plays.Select(p => Assert.Single(p)).Distinct());
        Assert.Equal(1, _emulator.Submissions("gemini"));

        // A URL one node signed plays on the other.
        string announcement = await SignAnnouncementAsync(a, """{"text":"Signed on one node, fetched from the other."}""");
        using HttpResponseMessage fromB = await _client.GetAsync(new Uri(b.Url, ServerHost.LocalPath(announcement)));
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);

        Assert.Equal(0, await a.StopAsync());
        Assert.Equal(0, await b.StopAsync());
    }

    /// <summary>GETs prompt audio signed as Twilio's media fetcher signs it (over the public URL).</summary>
    private async Task<byte[]> FetchAsTwilioAsync(ServiceProcess node, string path)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, new Uri(node.Url, path));
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + path));
        using HttpResponseMessage response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<JsonElement> RenderAsync(ServiceProcess node, string json)
    {
        using HttpRequestMessage request = new(HttpMethod.Post, new Uri(node.Url, "/api/prompts")) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        using HttpResponseMessage response = await _client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<string> SignAnnouncementAsync(ServiceProcess node, string json)
    {
        using HttpRequestMessage request = new(HttpMethod.Post, new Uri(node.Url, "/api/announcements")) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", ServerHost.ApiKey);
        using HttpResponseMessage response = await _client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("url").GetString()!;
    }

    private async Task<string[]> EnterFlowAsync(ServiceProcess node, int call)
    {
        string path = $"/twilio/voice/{TestLibrary.Flow}";
        Dictionary<string, string> form = ServerHost.CallParameters($"CA{call:D32}");
        using HttpRequestMessage request = new(HttpMethod.Post, new Uri(node.Url, path)) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + path, form));
        using HttpResponseMessage response = await _client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. TwiML.Parse(body).PlayUrls];
    }
}
