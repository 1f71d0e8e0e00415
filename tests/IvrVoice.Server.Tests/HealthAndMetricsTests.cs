extern alias emulator;

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;

namespace IvrVoice.Server.Tests;

/// <summary>Liveness, readiness and the Prometheus text exposition.</summary>
public sealed partial class HealthAndMetricsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Healthz_Always_AnswersOk()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_DiskStoreWritable_AnswersReadyWithTheBreakers()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, routes: ["gemini", "openrouter"]);

        using HttpResponseMessage response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("disk", body.GetProperty("store").GetProperty("name").GetString());
        Assert.True(body.GetProperty("store").GetProperty("healthy").GetBoolean());
        Assert.Equal(["gemini:Closed", "openrouter:Closed"],
            body.GetProperty("routes").EnumerateArray().Select(r => $"{r.GetProperty("name").GetString()}:{r.GetProperty("breaker").GetString()}"));
        Assert.Equal(1, body.GetProperty("flows").GetInt32());
    }

    [Fact]
    public async Task Readyz_PostgresUnreachable_AnswersDegradedNotUnreadyWithoutTheConnectionString()
    {
        // Nothing listens on port 1; the password must never come back. Every node shares the store, so an outage must not
        // make every node unready at once: the node still answers calls, and says the store is degraded.
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=ivr;Password=hunter2-secret;Database=none;Timeout=2",
        });

        using HttpResponseMessage response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        JsonElement root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        Assert.False(root.GetProperty("store").GetProperty("healthy").GetBoolean());
        Assert.DoesNotContain("hunter2", body);
        using HttpResponseMessage metrics = await host.Client.GetAsync("/metrics");
        Assert.Contains("ivrvoice_cache_store_degraded{store=\"postgres\"} 1", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PromptAudio_StoreUnreachable_Answers503WithRetryAfter()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=ivr;Database=none;Timeout=2",
        });

        using HttpResponseMessage response = await host.Client.GetAsync($"/prompts/{new string('c', 64)}.wav");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Readyz_StoreDown_WebhooksStillAnswerWithAudioOrSay()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=ivr;Database=none;Timeout=2",
        });

        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");

        Assert.Equal(1, twiml.PlayUrls.Count + twiml.Says.Count);
    }

    [Fact]
    public async Task Metrics_AfterCallsAndAFallback_ExposesParseableSeriesOfAllThreeMeters()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");
        _emulator.ClearFaults();
        await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer(digits: "1"));
        await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer(digits: "1"));

        using HttpResponseMessage response = await host.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        Dictionary<string, double> samples = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(1, samples["""ivrvoice_server_say_fallbacks_total{reason="render_failed"}"""]);
        Assert.Equal(3, samples["""ivrvoice_server_requests_total{route="/twilio/voice/{flow}",status="200"}"""]
            + samples["""ivrvoice_server_requests_total{route="/twilio/voice/{flow}/gather/{menu}",status="200"}"""]);
        Assert.Equal(1, samples["""ivrvoice_cache_hits_total{tier="memory"}"""]);
        Assert.Equal(1, samples["""ivrvoice_cache_renders_total{outcome="success"}"""]);
        Assert.True(samples["""ivrvoice_cache_renders_total{outcome="failure"}"""] >= 1);
        Assert.Contains(samples.Keys, k => k.StartsWith("ivrvoice_tts_calls_total{", StringComparison.Ordinal));
        Assert.Equal(0, samples["""ivrvoice_tts_breaker_state{provider="gemini"}"""] % 1);
        double count = samples["""ivrvoice_server_request_duration_count{route="/twilio/voice/{flow}/gather/{menu}"}"""];
        Assert.Equal(count, samples["""ivrvoice_server_request_duration_bucket{route="/twilio/voice/{flow}/gather/{menu}",le="+Inf"}"""]);
    }

    /// <summary>
    /// Parses the Prometheus text format strictly: every line is a comment (HELP or TYPE), or a sample with a valid name, an
    /// optional well-formed label set and a number; every sample belongs to a family announced by a TYPE line, and a histogram's
    /// buckets never decrease.
    /// </summary>
    private static Dictionary<string, double> Parse(string text)
    {
        Dictionary<string, double> samples = new(StringComparer.Ordinal);
        Dictionary<string, string> types = new(StringComparer.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Match comment = CommentLine().Match(line);
                Assert.True(comment.Success, $"malformed comment: {line}");
                if (comment.Groups["kind"].Value == "TYPE")
                {
                    Assert.Contains(comment.Groups["rest"].Value, (string[])["counter", "gauge", "histogram"]);
                    types[comment.Groups["name"].Value] = comment.Groups["rest"].Value;
                }

                continue;
            }

            Match sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"malformed sample: {line}");
            string name = sample.Groups["name"].Value;
            string family = types.ContainsKey(name) ? name : HistogramSuffix().Replace(name, "");
            Assert.True(types.ContainsKey(family), $"sample without a TYPE line: {line}");
            string value = sample.Groups["value"].Value;
            samples[name + sample.Groups["labels"].Value] = value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
        }

        foreach (IGrouping<string, KeyValuePair<string, double>> histogram in samples
            .Where(s => s.Key.Contains("_bucket{", StringComparison.Ordinal))
            .GroupBy(s => LeLabel().Replace(s.Key, "")))
        {
            double[] counts = [.. histogram.Select(s => s.Value)];
            Assert.True(counts.Zip(counts.Skip(1)).All(p => p.First <= p.Second), $"buckets decrease in {histogram.Key}");
        }

        return samples;
    }

    [GeneratedRegex("""^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (?<value>-?[0-9.eE+-]+|\+Inf|NaN)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();

    [GeneratedRegex(""",?le="[^"]*"\}""")]
    private static partial Regex LeLabel();
}
