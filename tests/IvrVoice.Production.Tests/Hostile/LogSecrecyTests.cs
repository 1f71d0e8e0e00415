extern alias emulator;

using System.Net;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// The whole console output of the server process, at Debug, over a session that touches every place a secret or a caller's
/// number passes through: webhooks by POST and by GET (the number then sits in the query), forged and tampered webhooks,
/// the API with right and wrong keys, signed, expired and tampered announcement URLs, provider failures, and a store that
/// cannot be reached. Then the output is searched for each secret and for the caller's number in every spelling.
/// </summary>
public sealed class LogSecrecyTests : IAsyncLifetime
{
    private const string WrongApiKey = "presented-wrong-key-88a1f3c0d9e2";
    private const string ForgedToken = "forged-token-3b9d0e7a5c1f4e2d";

    private readonly HostileService _live = new();

    public Task InitializeAsync() => _live.InitializeAsync();

    public Task DisposeAsync() => _live.DisposeAsync();

    [SkippableFact]
    public async Task Session_OfEveryKindOfRequest_LogsNoSecretAndNoCallerNumber()
    {
        List<string> signatures = [];
        await RunSessionAsync(_live, signatures);
        await ExerciseFailingProvidersAsync();

        string log = _live.Service.Output;
        Assert.Contains("/twilio/voice/main", log, StringComparison.Ordinal);   // the session was logged at all
        AssertAbsent(log, [.. SecretsOf(_live.Settings), HostileService.DatabasePassword, WrongApiKey, ForgedToken, .. signatures]);
        AssertNoCallerNumber(log);
    }

    [SkippableFact]
    public async Task Session_WithTheStoreUnreachable_LogsNoConnectionPassword()
    {
        // A port nothing listens on: every store access fails, and each failure is logged with its exception.
        Dictionary<string, string?> settings = new(_live.Settings, StringComparer.OrdinalIgnoreCase)
        {
            ["Cache:Postgres:ConnectionString"] = $"Host=127.0.0.1;Port=1;Database=ivrvoice;Username=ivrvoice;Password={HostileService.DatabasePassword};Timeout=2",
        };
        await using ServiceProcess service = await ServiceProcess.StartAsync(settings, _live.WorkingFolder);
        using HttpClient client = new() { BaseAddress = service.Url };

        using HttpResponseMessage ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);   // degraded, not unready: every node shares the store
        using HttpResponseMessage webhook = await client.SendAsync(Twilio.SignedPost("/twilio/voice/main", Twilio.CallParameters(Twilio.CallSid(31))));
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        using HttpRequestMessage render = new(HttpMethod.Post, "/api/prompts") { Content = new StringContent("""{"text":"Store down test."}""", System.Text.Encoding.UTF8, "application/json") };
        render.Headers.Add("X-Api-Key", ServiceSettings.ApiKey);
        using HttpResponseMessage rendered = await client.SendAsync(render);
        using HttpResponseMessage media = await client.GetAsync($"/prompts/{new string('a', 64)}.wav");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, media.StatusCode);

        string log = service.Output;
        Assert.Contains("\"Level\":\"Error\"", log, StringComparison.Ordinal);   // the failures were logged, with their exceptions
        AssertAbsent(log, [HostileService.DatabasePassword, .. SecretsOf(settings)]);
        AssertNoCallerNumber(log);
    }

    private static async Task RunSessionAsync(LiveService live, List<string> signatures)
    {
        HttpClient client = live.Client;

        // A call by POST: entry, then a key press that moves on, then silence.
        Dictionary<string, string> call = Twilio.CallParameters(Twilio.CallSid(21));
        using (HttpRequestMessage entry = Twilio.SignedPost("/twilio/voice/main", call))
        {
            signatures.Add(entry.Headers.GetValues(TwilioSignature.HeaderName).Single());
            using HttpResponseMessage answer = await client.SendAsync(entry);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        foreach (string? digits in new[] { "1", null, "7" })
        {
            const string gather = "/twilio/voice/main/gather/language?lang=en-US&noinput=0&invalid=0";
            using HttpRequestMessage request = Twilio.SignedPost(gather, Twilio.CallParameters(Twilio.CallSid(21), digits));
            using HttpResponseMessage answer = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // A call by GET: Twilio puts every parameter, the caller's number too, in the query string.
        Dictionary<string, string> query = Twilio.CallParameters(Twilio.CallSid(22));
        string getPath = "/twilio/voice/main?" + string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        using (HttpRequestMessage get = new(HttpMethod.Get, getPath))
        {
            string signature = TwilioSignature.Compute(ServiceSettings.AuthToken, ServiceSettings.PublicBaseUrl + getPath);
            signatures.Add(signature);
            get.Headers.Add(TwilioSignature.HeaderName, signature);
            using HttpResponseMessage answer = await client.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // Forged and tampered webhooks are refused and logged.
        using (HttpRequestMessage forged = Twilio.SignedPost("/twilio/voice/main", call, ForgedToken))
        {
            signatures.Add(forged.Headers.GetValues(TwilioSignature.HeaderName).Single());
            using HttpResponseMessage answer = await client.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        using (HttpRequestMessage forgedGet = new(HttpMethod.Get, getPath))
        {
            forgedGet.Headers.Add(TwilioSignature.HeaderName, "bm90IGEgc2lnbmF0dXJl");
            using HttpResponseMessage answer = await client.SendAsync(forgedGet);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        // The API with its key, and with a wrong one.
        using (HttpResponseMessage rendered = await live.PostJsonAsync("/api/prompts", """{"text":"Your appointment is confirmed.","voice":"Kore"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        }

        using (HttpResponseMessage refused = await live.PostJsonAsync("/api/prompts", """{"text":"Hello."}""", WrongApiKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // A signed announcement URL from the API, fetched; then expired and tampered ones.
        using (HttpResponseMessage signed = await live.PostJsonAsync("/api/announcements", """{"text":"We are closing early today.","voice":"Kore"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await signed.Content.ReadAsStringAsync());
            string path = Twilio.LocalPath(body.RootElement.GetProperty("url").GetString()!);
            signatures.Add(Uri.UnescapeDataString(path[(path.IndexOf("sig=", StringComparison.Ordinal) + 4)..]));
            using HttpResponseMessage audio = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
            // Another announcement under the same signature: the payload is compressed, so it is swapped whole.
            string payload = System.Text.RegularExpressions.Regex.Match(path, "[?&]a=([^&]+)").Groups[1].Value;
            Assert.NotEmpty(payload);
            using HttpResponseMessage tampered = await client.GetAsync(path.Replace(payload, AnnouncementSigner.TextPayload("We are opening early today.", "Kore"), StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        }

        string expired = AnnouncementSigner.PathAndQuery(ServiceSettings.SigningKey, DateTimeOffset.UtcNow.AddMinutes(-1), ("a", AnnouncementSigner.TextPayload("Old news.")));
        signatures.Add(Uri.UnescapeDataString(expired[(expired.IndexOf("sig=", StringComparison.Ordinal) + 4)..]));
        using (HttpResponseMessage answer = await client.GetAsync(expired))
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        using (HttpResponseMessage ready = await client.GetAsync("/readyz"))
        using (HttpResponseMessage metrics = await client.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }
    }

    /// <summary>Renders while the routes refuse the key, fail, and time out, so every failure path logs.</summary>
    private async Task ExerciseFailingProvidersAsync()
    {
        TtsEmulator emulator = _live.Emulator;
        emulator.Inject("gemini", EmulatorFault.Http(401, times: 3));
        emulator.Inject("openrouter", EmulatorFault.Http(500, times: 10));
        emulator.Inject("gemini", EmulatorFault.Http(429, TimeSpan.FromMilliseconds(50), times: 3));
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage answer = await _live.PostJsonAsync("/api/prompts?cache=bypass", $$"""{"text":"Failure path number {{i}}.","voice":"Kore"}""");
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadGateway, $"{(int)answer.StatusCode}");
        }

        emulator.ClearFaults();
    }

    private static IEnumerable<string> SecretsOf(IReadOnlyDictionary<string, string?> settings) =>
        ServiceSettings.Secrets(settings).SelectMany(secret => new[] { secret, Uri.EscapeDataString(secret) }).Distinct();

    private static void AssertAbsent(string log, IEnumerable<string> secrets)
    {
        foreach (string secret in secrets.Where(s => s.Length >= 8).Distinct())
        {
            int at = log.IndexOf(secret, StringComparison.Ordinal);
            Assert.True(at < 0, $"The log holds a secret ({secret[..4]}…): …{log[Math.Max(0, at - 200)..Math.Min(log.Length, at + 100)]}…");
        }
    }

    private static void AssertNoCallerNumber(string log)
    {
        // The number with and without its plus, percent-encoded, and its national digits.
        string number = ServiceSettings.CallerNumber;
        foreach (string spelling in new[] { number, Uri.EscapeDataString(number), number[1..], number[2..], "%2b" + number[1..] })
        {
            int at = log.IndexOf(spelling, StringComparison.OrdinalIgnoreCase);
            Assert.True(at < 0, $"The log holds the caller's number ({spelling}): …{log[Math.Max(0, at - 200)..Math.Min(log.Length, at + 100)]}…");
        }
    }
}
