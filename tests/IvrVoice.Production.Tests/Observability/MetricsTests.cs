extern alias emulator;

using System.Net;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;

namespace IvrVoice.Production.Tests.Observability;

/// <summary>
/// <c>/metrics</c> after real traffic: valid Prometheus text (read by the strict reader), with the cache's hits and misses,
/// renders per provider and outcome, failovers, each route's breaker state, render latency as a histogram, and requests.
/// The values are checked against what the test did.
/// </summary>
public sealed class MetricsTests(ObservableService live) : IClassFixture<ObservableService>
{
    [Fact]
    public async Task Metrics_AfterRendersHitsFailoversAndAnOpenBreaker_ExposesEachInValidPrometheusText()
    {
        TtsEmulator emulator = live.Emulator;

        // A miss that renders on gemini, then hits from memory.
        string key = await RenderAsync("Metrics test, first prompt.", "gemini");
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage audio = await live.Client.GetAsync($"/prompts/{key}.wav");
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        }

        // gemini fails once: the prompt fails over to openrouter, and the breaker (half of two calls failed) opens.
        emulator.Inject("gemini", EmulatorFault.Http(500, times: 1));
        await RenderAsync("Metrics test, second prompt.", "openrouter");
        // With the breaker open, gemini is not even called: the next prompts go straight to openrouter.
        int geminiCalls = emulator.Submissions("gemini");
        await RenderAsync("Metrics test, third prompt.", "openrouter");
        await RenderAsync("Metrics test, fourth prompt.", "openrouter");
        Assert.Equal(geminiCalls, emulator.Submissions("gemini"));

        using HttpResponseMessage response = await live.Client.GetAsync("/metrics");
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        IReadOnlyList<PrometheusSample> samples = PrometheusText.Parse(text);

        Assert.True(Sum(samples, "ivrvoice_cache_hits_total") >= 3, text);
        Assert.True(Sum(samples, "ivrvoice_cache_misses_total") >= 4, text);
        Assert.Equal(1, Sum(samples, "ivrvoice_tts_calls_total", ("provider", "gemini"), ("outcome", "TransientUpstream")));
        Assert.Equal(1, Sum(samples, "ivrvoice_tts_calls_total", ("provider", "gemini"), ("outcome", "success")));
        Assert.Equal(3, Sum(samples, "ivrvoice_tts_calls_total", ("provider", "openrouter"), ("outcome", "success")));
        Assert.Equal(3, Sum(samples, "ivrvoice_tts_failovers_total", ("from", "gemini"), ("to", "openrouter")));
        Assert.Equal(2, Sum(samples, "ivrvoice_tts_breaker_state", ("provider", "gemini")));
        Assert.Equal(0, Sum(samples, "ivrvoice_tts_breaker_state", ("provider", "openrouter")));
        Assert.Equal("gauge", samples.First(s => s.Family == "ivrvoice_tts_breaker_state").Type);
        PrometheusSample latencyCount = samples.Single(s => s.Name == "ivrvoice_tts_latency_count" && s.Label("provider") == "openrouter" && s.Label("outcome") == "success");
        Assert.Equal(3, latencyCount.Value);
        Assert.Equal("histogram", latencyCount.Type);
        Assert.True(Sum(samples, "ivrvoice_cache_renders_total", ("outcome", "success")) >= 4, text);
        Assert.True(Sum(samples, "ivrvoice_server_requests_total", ("route", "/prompts/{key}.wav"), ("status", "200")) >= 3, text);
        Assert.Contains(samples, s => s.Name == "ivrvoice_server_request_duration_bucket");
    }

    private async Task<string> RenderAsync(string text, string expectedProvider)
    {
        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", JsonSerializer.Serialize(new { text, voice = "Kore" }));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Equal(expectedProvider, json.RootElement.GetProperty("provider").GetString());
        return json.RootElement.GetProperty("key").GetString()!;
    }

    private static double Sum(IReadOnlyList<PrometheusSample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Label) == l.Value)).Sum(s => s.Value);
}
