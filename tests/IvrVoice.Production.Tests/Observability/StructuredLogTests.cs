using System.Net;
using System.Text.Json;

namespace IvrVoice.Production.Tests.Observability;

/// <summary>
/// Logs are structured JSON when the settings say so, one event per line with its template and typed properties; both
/// through <c>Service:LogFormat</c> and through Serilog's own <c>Serilog:WriteTo</c> section; and levels follow the settings.
/// </summary>
public sealed class StructuredLogTests : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("ivrvoice-logs-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task LogFormatJson_EveryLineIsAnEventWithTemplateAndProperties()
    {
        await using ServiceProcess service = await StartAsync(new() { ["Service:LogFormat"] = "Json" });
        await ExerciseAsync(service);

        // One snapshot: the service may log more while the test reads.
        IReadOnlyList<string> lines = [.. service.Lines.Where(l => l.Length > 0)];
        IReadOnlyList<JsonElement> events = ServiceProcess.JsonEvents(lines);
        Assert.Equal(lines.Count, events.Count);
        Assert.All(events, e =>
        {
            Assert.True(DateTimeOffset.TryParse(e.GetProperty("Timestamp").GetString(), CultureInfo.InvariantCulture, out _));
            Assert.Contains(e.GetProperty("Level").GetString(), new[] { "Debug", "Information", "Warning", "Error" });
            Assert.False(string.IsNullOrEmpty(e.GetProperty("MessageTemplate").GetString()));
        });

        // The request log: one event per request, with the values as typed properties, not only in the text.
        JsonElement request = events.First(e => e.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method} {Path}", StringComparison.Ordinal)
            && e.GetProperty("Properties").GetProperty("Path").GetString() == "/readyz");
        JsonElement properties = request.GetProperty("Properties");
        Assert.Equal("GET", properties.GetProperty("Method").GetString());
        Assert.Equal(200, properties.GetProperty("StatusCode").GetInt32());
        Assert.Equal(JsonValueKind.Number, properties.GetProperty("ElapsedMs").ValueKind);
        Assert.Contains("responded 200", request.GetProperty("RenderedMessage").GetString(), StringComparison.Ordinal);
        Assert.Contains(events, e => e.GetProperty("Properties").TryGetProperty("SourceContext", out JsonElement source)
            && source.GetString() == "IvrVoice.Server.Hosting.RequestLoggingMiddleware");
    }

    [SkippableFact]
    public async Task SerilogWriteToInSettings_JsonFormatterAndLevels_AreHonoured()
    {
        await using ServiceProcess service = await StartAsync(new()
        {
            ["Service:LogFormat"] = "Text",
            ["Serilog:WriteTo:0:Name"] = "Console",
            ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Json.JsonFormatter, Serilog",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Information",
        });
        await ExerciseAsync(service, waitForRequestLog: false);
        using (HttpClient client = new() { BaseAddress = service.Url })
        using (HttpResponseMessage forged = await client.PostAsync("/twilio/voice/main", new FormUrlEncodedContent(Twilio.CallParameters(Twilio.CallSid(41)))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        await service.WaitForLineAsync(l => l.Contains("\"Level\":\"Warning\"", StringComparison.Ordinal), "the refused webhook's warning");
        IReadOnlyList<string> lines = [.. service.Lines.Where(l => l.Length > 0)];
        IReadOnlyList<JsonElement> events = ServiceProcess.JsonEvents(lines);
        Assert.Equal(lines.Count, events.Count);
        // Information from the app is below the configured Warning; the lifetime override still lets "Now listening" through.
        Assert.DoesNotContain(events, e => e.GetProperty("Level").GetString() is "Information" or "Debug"
            && e.GetProperty("Properties").GetProperty("SourceContext").GetString()!.StartsWith("IvrVoice", StringComparison.Ordinal));
        Assert.Contains(events, e => e.GetProperty("Properties").GetProperty("SourceContext").GetString() == "Microsoft.Hosting.Lifetime");
    }

    [SkippableFact]
    public async Task RequestLogOverriddenToWarning_DropsOnlyTheRequestLines()
    {
        // docs/performance.md's advice for nodes that need every cycle: requests stay counted in /metrics.
        await using ServiceProcess service = await StartAsync(new()
        {
            ["Service:LogFormat"] = "Json",
            ["Serilog:MinimumLevel:Override:IvrVoice.Server.Hosting.RequestLoggingMiddleware"] = "Warning",
        });
        await ExerciseAsync(service, waitForRequestLog: false);
        using HttpClient client = new() { BaseAddress = service.Url };
        string metrics = await client.GetStringAsync("/metrics");

        IReadOnlyList<JsonElement> events = service.JsonEvents();
        Assert.DoesNotContain(events, e => e.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method} {Path}", StringComparison.Ordinal));
        Assert.Contains(events, e => e.GetProperty("Level").GetString() == "Information"
            && e.GetProperty("Properties").GetProperty("SourceContext").GetString()!.StartsWith("IvrVoice", StringComparison.Ordinal));
        Assert.Contains(PrometheusText.Parse(metrics), s => s.Name == "ivrvoice_server_requests_total" && s.Label("route") == "/readyz");
    }

    [SkippableFact]
    public async Task LogFormatText_IsNotJson()
    {
        await using ServiceProcess service = await StartAsync(new() { ["Service:LogFormat"] = "Text" });
        await ExerciseAsync(service);

        Assert.NotEmpty(service.Lines);
        Assert.Empty(service.JsonEvents());
    }

    private async Task<ServiceProcess> StartAsync(Dictionary<string, string?> overrides)
    {
        Dictionary<string, string?> settings = ServiceSettings.For(Path.Combine(_folder.Path, Guid.NewGuid().ToString("N")), Repository.SamplePrompts, null);
        settings["Providers:Order"] = "espeak";
        settings.Remove("Serilog:MinimumLevel:Default");
        settings.Remove("Serilog:MinimumLevel:Override:Microsoft");
        foreach ((string key, string? value) in overrides)
        {
            settings[key] = value;
        }

        return await ServiceProcess.StartAsync(settings, _folder.Path);
    }

    private static async Task ExerciseAsync(ServiceProcess service, bool waitForRequestLog = true)
    {
        using HttpClient client = new() { BaseAddress = service.Url };
        using HttpResponseMessage ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using HttpResponseMessage missing = await client.GetAsync($"/prompts/{new string('0', 64)}.wav");
        if (!waitForRequestLog)
        {
            return;
        }

        await service.WaitForLineAsync(l => l.Contains("/readyz", StringComparison.Ordinal), "the request log line of /readyz");
    }
}
