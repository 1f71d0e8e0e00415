extern alias emulator;

using System.Net;
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

    public void Dispose() => _library.Dispose();

    [SkippableFact]
    public async Task TwoNodes_SameMissAtOnce_RenderOnceAndServeEachOthersPrompts()
    {
        Dictionary<string, string?> settings = ServerHost.Settings(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = postgres.ConnectionString,
            // The longest wait Twilio allows: what is asserted is one render shared by both nodes, and on a loaded machine
            // the default 5 s passed before the slowed provider answered, so a caller fell back to <Say>.
            ["Service:InCallWait"] = "00:00:12",
        });
        ServiceProcess[] nodes = await Task.WhenAll(ServiceProcess.StartAsync(settings), ServiceProcess.StartAsync(settings));
        await using ServiceProcess a = nodes[0];
        await using ServiceProcess b = nodes[1];

        // The API on both nodes at once, while the provider takes its time.
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.Slow) { Delay = TimeSpan.FromSeconds(1), Times = null });
        const string json = """{"text":"Both nodes asked for this at the same moment."}""";
        JsonElement[] rendered = await Task.WhenAll(a.PostApiAsync("/api/prompts", json), b.PostApiAsync("/api/prompts", json), a.PostApiAsync("/api/prompts", json), b.PostApiAsync("/api/prompts", json));
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
        string announcement = (await a.PostApiAsync("/api/announcements", """{"text":"Signed on one node, fetched from the other."}""")).GetProperty("url").GetString()!;
        await b.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServerHost.LocalPath(announcement)));

        Assert.Equal(0, await a.StopAsync());
        Assert.Equal(0, await b.StopAsync());
    }

    /// <summary>GETs prompt audio signed as Twilio's media fetcher signs it (over the public URL).</summary>
    private static async Task<byte[]> FetchAsTwilioAsync(ServiceProcess node, string path)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, path);
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + path));
        using HttpResponseMessage response = await node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<string[]> EnterFlowAsync(ServiceProcess node, int call)
    {
        string body = await node.SendAsync(ServerHost.SignedPost($"/twilio/voice/{TestLibrary.Flow}", ServerHost.CallParameters($"CA{call:D32}")));
        return [.. TwiML.Parse(body).PlayUrls];
    }
}
