extern alias emulator;

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;
using emulator::IvrVoice.ProviderEmulator;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>
/// The shared PostgreSQL store stops answering while it still accepts connections (a SIGSTOP'd server, a half-dead path),
/// reproduced with the real PostgreSQL behind <see cref="HangingTcpProxy"/>, with a connection string that sets no timeouts
/// (as deploy/compose.yaml shipped it). The node starts, every Twilio webhook is answered with TwiML that speaks, the
/// readiness probe says "degraded" instead of taking the node out, the API says what it did not keep, and what it could
/// not keep is written once the store answers again.
/// </summary>
public sealed class HungStoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Routes = ["gemini", "openrouter"];

    private readonly PostgresFixture _postgres = new();
    private HangingTcpProxy _proxy = null!;
    private HungStoreService _live = null!;

    public async Task InitializeAsync()
    {
        _proxy = new HangingTcpProxy(HangingTcpProxy.TargetOf(_postgres.ConnectionString), hung: true);
        _live = new HungStoreService(_proxy.Redirect(StripTimeouts(_postgres.ConnectionString)));
        await _live.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        _proxy.Resume();
        await _live.DisposeAsync();
        await _proxy.DisposeAsync();
        _postgres.Dispose();
    }

    [SkippableFact]
    public async Task Webhooks_StoreAcceptsAndNeverAnswers_EveryAnswerIsTwimlFromTheFallback()
    {
        Stopwatch clock = Stopwatch.StartNew();
        List<(string Route, double Seconds)> timings = [];

        // A new call, a menu answer and an announcement; then the same with the providers hanging too, so the only way to
        // speak is the <Say> fallback.
        foreach (bool providersHang in new[] { false, true })
        {
            if (providersHang)
            {
                foreach (string route in Routes)
                {
                    _live.Emulator.Inject(route, new EmulatorFault(FaultKind.Hang) { Times = null });
                }
            }

            string suffix = providersHang ? "hang" : "ok";
            string[] paths =
            [
                "/twilio/voice/main",
                "/twilio/voice/main/gather/main",
                $"/twilio/announce?text={Uri.EscapeDataString($"Your table is ready ({suffix}).")}",
            ];
            for (int i = 0; i < paths.Length; i++)
            {
                string path = paths[i];
                double started = clock.Elapsed.TotalSeconds;
                Dictionary<string, string> form = Twilio.CallParameters(Twilio.CallSid(i + (providersHang ? 100 : 0)), digits: path.Contains("gather", StringComparison.Ordinal) ? "9" : null);
                using HttpResponseMessage response = await _live.Client.SendAsync(Twilio.SignedPost(path, form));
                string xml = await response.Content.ReadAsStringAsync();
                timings.Add(($"{path} (providers {suffix})", clock.Elapsed.TotalSeconds - started));

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
                XDocument twiml = Twilio.AssertSpeaks(xml);
                if (providersHang && path.StartsWith("/twilio/announce", StringComparison.Ordinal))
                {
                    Assert.Contains(twiml.Descendants(), e => e.Name.LocalName == "Say");
                }

                // Whatever is played is served (from memory) though the store never answered.
                foreach (XElement play in twiml.Descendants().Where(e => e.Name.LocalName == "Play"))
                {
                    using HttpResponseMessage audio = await _live.Client.SendAsync(Twilio.SignedGet(Twilio.LocalPath(play.Value.Trim())));
                    Assert.True(audio.StatusCode == HttpStatusCode.OK, $"<Play> {play.Value} answered {(int)audio.StatusCode}");
                    Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
                }
            }
        }

        _live.Emulator.ClearFaults();

        // The fallback is what answered: the store is reported degraded, its failures counted, <Say> stood in for what the
        // hanging providers could not render in the in-call wait, and no request was answered with a 5xx.
        IReadOnlyList<PrometheusSample> metrics = PrometheusText.Parse(await _live.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Single(s => s.Name == "ivrvoice_cache_store_degraded").Value);
        Assert.True(metrics.Where(s => s.Name == "ivrvoice_cache_store_failures_total").Sum(s => s.Value) >= 1);
        Assert.True(metrics.Where(s => s.Name == "ivrvoice_server_say_fallbacks_total").Sum(s => s.Value) >= 1);
        Assert.Contains("prompt store failed", _live.Service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(metrics, s => s.Name == "ivrvoice_server_requests_total" && s.Label("status")?.StartsWith('5') == true);
        Assert.True(_proxy.Accepted > 0, "The service never tried the store.");

        foreach ((string route, double seconds) in timings)
        {
            output.WriteLine($"{route}: {seconds:0.00} s (reported, not asserted: Service:InCallWait 3 s, Cache:StoreTimeout 2 s)");
        }
    }

    [SkippableFact]
    public async Task Readyz_StoreAcceptsAndNeverAnswers_DegradedNotUnready()
    {
        using HttpResponseMessage response = await _live.Client.GetAsync("/readyz");
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        Assert.False(root.GetProperty("store").GetProperty("healthy").GetBoolean());
    }

    [SkippableFact]
    public async Task RenderApi_StoreHangsThenAnswers_NotStoredWithoutUrlThenWrittenWhenItComesBack()
    {
        using HttpResponseMessage first = await _live.PostJsonAsync("/api/prompts", """{"text":"Kept when the store comes back."}""");
        JsonElement body = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(body.GetProperty("stored").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("url").ValueKind);
        string key = body.GetProperty("key").GetString()!;

        _proxy.Resume();
        await _live.Service.WaitForLineAsync(l => l.Contains("pending prompts to the", StringComparison.Ordinal), "the pending writes landing", TimeSpan.FromSeconds(60));

        // Now in PostgreSQL itself, as every node and a restart see it.
        Assert.Equal("1", PostgresFixture.Query(_postgres.ConnectionString, $"SELECT count(*) FROM ivrvoice_prompts WHERE key = '{key}'"));
        using HttpResponseMessage again = await _live.PostJsonAsync("/api/prompts", """{"text":"Kept when the store comes back."}""");
        JsonElement second = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
        Assert.True(second.GetProperty("stored").GetBoolean());
        Assert.EndsWith($"/prompts/{key}.wav", second.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    private static string StripTimeouts(string connectionString)
    {
        System.Data.Common.DbConnectionStringBuilder builder = new() { ConnectionString = connectionString };
        foreach (string key in new[] { "Timeout", "Command Timeout", "CommandTimeout", "Cancellation Timeout" })
        {
            builder.Remove(key);
        }

        return builder.ConnectionString;
    }

    private sealed class HungStoreService(string connectionString) : LiveService
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Cache:Store"] = "Postgres";
            settings["Cache:Postgres:ConnectionString"] = connectionString;
            settings["Service:InCallWait"] = "00:00:03";
        }
    }
}
