extern alias emulator;

using System.Net;
using System.Text;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Telephony.Signatures;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// Runs the server as a process with JSON logs at Debug (ASP.NET Core's own logs included), drives every kind of request
/// carrying secrets and a caller's number, and searches the whole console output for them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LogHygieneTests(EmulatorFixture emulatorFixture, PostgresFixture postgres)
    : IClassFixture<EmulatorFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private const string DatabasePassword = "pg-password-9e1b77c4";
    private const string WrongApiKey = "wrong-api-key-31c6d0b2aa";
    private const string SpokenSecret = "the vault code is 8 4 1 9";

    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(emulatorFixture.Emulator);

    public void Dispose() => _library.Dispose();

    [SkippableFact]
    public async Task Logs_AfterRequestsCarryingSecretsAndNumbers_ContainNeitherButOneLinePerRequest()
    {
        await using ServiceProcess server = await ServerProcesses.StartAsync(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Service:LogFormat"] = "Json",
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Serilog:MinimumLevel:Override:Microsoft"] = "Debug",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Debug",
            ["Serilog:MinimumLevel:Override:System.Net.Http.HttpClient"] = "Debug",
            ["Cache:Store"] = "Postgres",
            ["Cache:Postgres:ConnectionString"] = postgres.ConnectionString + $";Password={DatabasePassword}",
        });
        string caller = Uri.EscapeDataString(ServerHost.CallerNumber);
        List<string> signatures = [];

        // A signed form webhook, a signed GET webhook with the numbers in the query, and a forged one.
        Dictionary<string, string> form = VoiceWebhookTests.Answer(digits: "1");
        string gather = VoiceWebhookTests.GatherPath("welcome");
        signatures.Add(TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + gather, form));
        await SendAsync(server, HttpMethod.Post, gather, new FormUrlEncodedContent(form), (TwilioSignature.HeaderName, signatures[^1]), HttpStatusCode.OK);
        string getWebhook = $"/twilio/voice/{TestLibrary.Flow}?CallSid=CA1&From={caller}&Caller={caller}&To=%2B15035550100";
        signatures.Add(TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + getWebhook));
        await SendAsync(server, HttpMethod.Get, getWebhook, null, (TwilioSignature.HeaderName, signatures[^1]), HttpStatusCode.OK);
        await SendAsync(server, HttpMethod.Get, getWebhook + "&Digits=1", null, (TwilioSignature.HeaderName, signatures[^1]), HttpStatusCode.Forbidden);

        // The API with the key, with a wrong key, and text that must stay out of the logs.
        string json = JsonSerializer.Serialize(new { text = SpokenSecret });
        await SendAsync(server, HttpMethod.Post, "/api/prompts", new StringContent(json, Encoding.UTF8, "application/json"), ("X-Api-Key", ServerHost.ApiKey), HttpStatusCode.OK);
        await SendAsync(server, HttpMethod.Post, "/api/prompts", new StringContent(json, Encoding.UTF8, "application/json"), ("X-Api-Key", WrongApiKey), HttpStatusCode.Unauthorized);
        string signed = await SendAsync(server, HttpMethod.Post, "/api/announcements", new StringContent(json, Encoding.UTF8, "application/json"), ("X-Api-Key", ServerHost.ApiKey), HttpStatusCode.OK);
        string announcement = ServerHost.LocalPath(JsonDocument.Parse(signed).RootElement.GetProperty("url").GetString()!);
        string announcementSignature = announcement[(announcement.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        await SendAsync(server, HttpMethod.Get, announcement, null, null, HttpStatusCode.OK);
        await SendAsync(server, HttpMethod.Get, announcement.Replace("sig=", "sig=A", StringComparison.Ordinal), null, null, HttpStatusCode.Forbidden);
        await SendAsync(server, HttpMethod.Get, $"/healthz?token={ServerHost.AuthToken}&phone={caller}", null, null, HttpStatusCode.OK);
        Assert.Equal(0, await server.StopAsync());
        string output = server.Output;

        string[] secrets =
        [
            ServerHost.AuthToken, ServerHost.ApiKey, WrongApiKey, ServerHost.SigningKey, DatabasePassword, TtsEmulator.ApiKey("gemini"),
            ServerHost.CallerNumber, ServerHost.CallerNumber[1..], caller, SpokenSecret, announcementSignature, .. signatures,
        ];
        foreach (string secret in secrets)
        {
            Assert.False(output.Contains(secret, StringComparison.Ordinal), $"The log contains '{secret}':\n{output}");
        }

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        JsonElement[] events = [.. lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        Assert.True(events.Length >= lines.Length - 1, $"Not every line is a JSON event:\n{output}");
        string[] requestLines = [.. events.Where(e => e.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method}", StringComparison.Ordinal))
            .Select(e => e.GetProperty("RenderedMessage").GetString()!)];
        Assert.Equal(9, requestLines.Length);
        Assert.Contains(requestLines, l => l.StartsWith($"HTTP \"GET\" \"/twilio/voice/{TestLibrary.Flow}\" responded 403 in", StringComparison.Ordinal));
        Assert.Contains(requestLines, l => l.StartsWith("HTTP \"POST\" \"/api/prompts\" responded 401 in", StringComparison.Ordinal));
    }

    private static Task<string> SendAsync(ServiceProcess server, HttpMethod method, string pathAndQuery, HttpContent? content, (string Name, string Value)? header, HttpStatusCode expected)
    {
        HttpRequestMessage request = new(method, pathAndQuery) { Content = content };
        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value);
        }

        return server.SendAsync(request, expected);
    }
}
