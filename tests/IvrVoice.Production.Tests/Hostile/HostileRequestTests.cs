using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// Hostile and broken requests against the real server process: each gets a clear 4xx (problem+json where the app answers,
/// naming what is wrong), never a 5xx, and renders nothing it should not. Webhooks Twilio signed are the exception by
/// design: Twilio reads any HTTP error as "an application error has occurred", so a signed webhook always gets TwiML.
/// </summary>
public sealed class HostileRequestTests(HostileService live) : IClassFixture<HostileService>
{
    private HttpClient Client => live.Client;

    public static TheoryData<string, int, string> BadPromptBodies => new()
    {
        { """{"text":""}""", 400, "Prompt text is empty" },
        { """{"text":"   \n\t  "}""", 400, "Prompt text is empty" },
        { """{"text":"\u200B\u200B\u200B"}""", 400, "Prompt text is empty" },
        { $$"""{"text":"{{new string('a', 2_001)}}"}""", 400, "the limit is 2000" },
        { """{"text":"Hello.","voice":"Nobody"}""", 400, "Unknown voice 'Nobody'" },
        { """{"text":"Hello.","voice":"../../etc/passwd"}""", 400, "Unknown voice" },
        { """{"text":"Hello.","model":"gpt-4o-mini-tts"}""", 400, "Unknown model" },
        { """{"text":"Hello.","speakers":[{"name":"A","voice":"Kore"}]}""", 400, "exactly two speakers" },
        { """{"text":"Hello.","speakers":[{"name":"A","voice":"Kore"},{"name":"B","voice":"Nobody"}]}""", 400, "Unknown voice 'Nobody'" },
        { """{"text":"Hello.","model":"gemini-3.8-flash-tts","temperature":1.5}""", 400, "does not accept a temperature" },
        { """{"text":"Hello.","voize":"Kore"}""", 400, "voize" },
        { """{"text":"Hello.",""", 400, "Invalid JSON" },
        { "null", 400, "JSON null" },
        { "[1,2,3]", 400, "Invalid JSON" },
        { """{"text":12}""", 400, "Invalid JSON" },
        { new string('[', 5_000) + new string(']', 5_000), 400, "Invalid JSON" },
        { """{"text":"\uD800"}""", 400, "Invalid" },
    };

    [SkippableTheory]
    [MemberData(nameof(BadPromptBodies))]
    public async Task PostPrompt_BadBody_ClearClientError(string body, int status, string detail)
    {
        int before = live.Emulator.Requests.Count;

        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", body);

        await AssertProblemAsync(response, status, detail);
        Assert.Equal(before, live.Emulator.Requests.Count);
    }

    [SkippableFact]
    public async Task PostPrompt_BodyOverTheLimit_Answers413()
    {
        string body = $$"""{"text":"{{new string('x', 70_000)}}"}""";

        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", body);

        await AssertProblemAsync(response, 413, "at most 65536 bytes");
    }

    [SkippableTheory]
    [InlineData("text/plain", 415)]
    [InlineData("application/x-www-form-urlencoded", 415)]
    [InlineData("multipart/form-data; boundary=zz", 415)]
    public async Task PostPrompt_NotJson_Answers415(string contentType, int status)
    {
        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", """{"text":"Hello."}""", contentType: contentType);

        await AssertProblemAsync(response, status, "application/json");
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("api-key-c41f9e08d27b6a3")]     // one character short of the real key
    [InlineData("API-KEY-C41F9E08D27B6A35")]    // the real key in another case
    public async Task PostPrompt_MissingOrWrongApiKey_Answers401(string? key)
    {
        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", """{"text":"Hello."}""", apiKey: key);

        await AssertProblemAsync(response, 401, "X-Api-Key");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
    }

    [SkippableFact]
    public async Task PostPrompt_BadCacheMode_Answers400()
    {
        using HttpRequestMessage request = new(HttpMethod.Post, "/api/prompts?cache=sometimes")
        {
            Content = new StringContent("""{"text":"Hello."}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", ServiceSettings.ApiKey);

        using HttpResponseMessage response = await Client.SendAsync(request);

        await AssertProblemAsync(response, 400, "read-write, read-only or bypass");
    }

    public static TheoryData<string> BadKeys => new()
    {
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "..%5C..%5Cwindows",
        "%2e%2e",
        new string('A', 64),                                       // upper case
        new string('a', 63),
        new string('a', 65),
        Uri.EscapeDataString(new string('\uFF10', 64)),            // full-width zeros
        Uri.EscapeDataString(new string('\u0660', 64)),            // Arabic-Indic zeros
        Uri.EscapeDataString(new string('a', 63) + "\u0301"),      // a combining mark
        Uri.EscapeDataString(new string('a', 62) + "\u200B" + "a"), // zero-width space
        Uri.EscapeDataString(new string('a', 62) + "\U0001F600"),  // an emoji
        new string('a', 63) + "%00",
        new string('0', 64) + "%20",
        "%ef%bc%8e%ef%bc%8e",                                      // full-width dots
    };

    [SkippableTheory]
    [MemberData(nameof(BadKeys))]
    public async Task GetPromptAudio_MalformedKey_ClientErrorNeverServerError(string key)
    {
        using HttpResponseMessage media = await Client.GetAsync($"/prompts/{key}.wav");
        using HttpRequestMessage metadataRequest = new(HttpMethod.Get, $"/api/prompts/{key}");
        metadataRequest.Headers.Add("X-Api-Key", ServiceSettings.ApiKey);
        using HttpResponseMessage metadata = await Client.SendAsync(metadataRequest);

        // 400 when the route matched and the key was refused; 404 when the path itself cannot name a prompt.
        Assert.True(media.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"/prompts/{key}.wav: {(int)media.StatusCode}");
        Assert.True(metadata.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"/api/prompts/{key}: {(int)metadata.StatusCode}");
        if (key.Contains("%00", StringComparison.Ordinal))
        {
            // Kestrel refuses a NUL in the path itself, before any endpoint runs.
            Assert.Equal(HttpStatusCode.BadRequest, media.StatusCode);
        }
        else if (media.StatusCode == HttpStatusCode.BadRequest)
        {
            await AssertProblemAsync(media, 400, "64 lowercase hexadecimal characters");
        }
    }

    [SkippableFact]
    public async Task GetPromptAudio_WellFormedUnknownKey_Answers404()
    {
        using HttpResponseMessage response = await Client.GetAsync($"/prompts/{new string('0', 64)}.wav");

        await AssertProblemAsync(response, 404, "No prompt");
    }

    [SkippableFact]
    public async Task Request_HugeRequestLine_IsRefusedBeforeTheApp()
    {
        using HttpResponseMessage response = await Client.GetAsync("/prompts/" + new string('a', 20_000) + ".wav");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    // ---- webhooks

    [SkippableFact]
    public async Task Webhook_Unsigned_Answers403()
    {
        using HttpRequestMessage request = new(HttpMethod.Post, "/twilio/voice/main") { Content = new FormUrlEncodedContent(Twilio.CallParameters(Twilio.CallSid(7))) };

        using HttpResponseMessage response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [SkippableFact]
    public async Task Webhook_ForgedWithAnotherToken_Answers403()
    {
        using HttpRequestMessage request = Twilio.SignedPost("/twilio/voice/main", Twilio.CallParameters(Twilio.CallSid(8)), token: "not-the-auth-token-0000000000000");

        using HttpResponseMessage response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public static TheoryData<string> Tamperings => new()
    {
        "digits-changed",
        "parameter-added",
        "parameter-removed",
        "caller-changed",
        "query-changed",
        "other-flow",
        "other-scheme",
        "signature-truncated",
        "signature-of-empty-form",
        "multipart",
    };

    [SkippableTheory]
    [MemberData(nameof(Tamperings))]
    public async Task Webhook_SignedThenTampered_Answers403(string tampering)
    {
        const string path = "/twilio/voice/main/gather/language?lang=en-US&noinput=0&invalid=0";
        Dictionary<string, string> form = Twilio.CallParameters(Twilio.CallSid(9), digits: "1");
        string signature = TwilioSignature.Compute(ServiceSettings.AuthToken, ServiceSettings.PublicBaseUrl + path, form);
        string sentPath = path;
        Dictionary<string, string> sent = new(form, StringComparer.Ordinal);
        switch (tampering)
        {
            case "digits-changed": sent["Digits"] = "2"; break;
            case "parameter-added": sent["SpeechResult"] = "billing"; break;
            case "parameter-removed": sent.Remove("Called"); break;
            case "caller-changed": sent["From"] = "+15555550999"; break;
            case "query-changed": sentPath = path.Replace("lang=en-US", "lang=es-US", StringComparison.Ordinal); break;
            case "other-flow": sentPath = path.Replace("/main/", "/after-hours/", StringComparison.Ordinal); break;
            case "other-scheme": signature = TwilioSignature.Compute(ServiceSettings.AuthToken, "http://ivr.example.test" + path, form); break;
            case "signature-truncated": signature = signature[..^2]; break;
            case "signature-of-empty-form": signature = TwilioSignature.Compute(ServiceSettings.AuthToken, ServiceSettings.PublicBaseUrl + path); break;
        }

        using HttpRequestMessage request = new(HttpMethod.Post, sentPath);
        if (tampering == "multipart")
        {
            MultipartFormDataContent multipart = [];
            foreach ((string name, string value) in sent)
            {
                multipart.Add(new StringContent(value), name);
            }

            request.Content = multipart;
        }
        else
        {
            request.Content = new FormUrlEncodedContent(sent);
        }

        request.Headers.Add(TwilioSignature.HeaderName, signature);

        using HttpResponseMessage response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [SkippableFact]
    public async Task Webhook_ReplayedExactly_GetsTheSameAnswer()
    {
        // A Twilio signature has no timestamp or nonce, and Twilio itself retries a webhook with the same signature and
        // I-Twilio-Idempotency-Token. An exact replay is therefore answered like the original: the answer depends only on
        // the signed URL and form, changes no state, and can only play prompts Twilio already asked for.
        const string path = "/twilio/voice/main";
        // Another call first, so the flow's prompts are cached and both answers below see the same state.
        using (HttpResponseMessage warm = await Client.SendAsync(Twilio.SignedPost(path, Twilio.CallParameters(Twilio.CallSid(12)))))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        Dictionary<string, string> form = Twilio.CallParameters(Twilio.CallSid(10));
        string[] answers = new string[2];
        for (int i = 0; i < 2; i++)
        {
            using HttpRequestMessage request = Twilio.SignedPost(path, form);
            request.Headers.Add("I-Twilio-Idempotency-Token", "1c7a4c2e-5c59-4a8e-9d0e-3e0f6b1d2a11");
            using HttpResponseMessage response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers[i] = await response.Content.ReadAsStringAsync();
        }

        Twilio.AssertSpeaks(answers[0]);
        Assert.Equal(Normalize(answers[0]), Normalize(answers[1]));
    }

    [SkippableTheory]
    [InlineData("/twilio/voice/..%2F..%2Fetc%2Fpasswd", true)]
    [InlineData("/twilio/voice/%E2%80%AEniam", true)]                // right-to-left override
    [InlineData("/twilio/voice/m%C3%A1in", true)]                    // a look-alike of main
    [InlineData("/twilio/voice/MAIN", true)]
    [InlineData("/twilio/voice/main/gather/..%2F..%2Fsecret", false)] // a menu that does not exist: the flow starts over
    [InlineData("/twilio/voice/main/gather/%F0%9F%98%80?lang=xx-XX&noinput=999&invalid=-1", false)]
    [InlineData("/twilio/voice/main/menu/%00%01", false)]
    public async Task Webhook_SignedForAFlowOrMenuThatDoesNotExist_StillAnswersSpokenTwiML(string path, bool hangsUp)
    {
        using HttpRequestMessage request = Twilio.SignedPost(path, Twilio.CallParameters(Twilio.CallSid(11), digits: "1"));

        using HttpResponseMessage response = await Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest && body.Length == 0)
        {
            // The path never reached the webhook routes (Kestrel or routing refused it): nothing was answered for a call.
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        XDocument twiml = Twilio.AssertSpeaks(body);
        Assert.Equal(hangsUp, twiml.Root!.Elements().Any(e => e.Name.LocalName == "Hangup"));
    }

    // ---- announcement URLs

    [SkippableFact]
    public async Task Announcement_SignedByTheDocumentedFormat_IsServed()
    {
        // Proves the independent signer below matches the service, so the refusals that follow are about expiry and tampering.
        string path = AnnouncementSigner.PathAndQuery(ServiceSettings.SigningKey, DateTimeOffset.UtcNow.AddMinutes(5), ("a", AnnouncementSigner.TextPayload("Your call is important to us.", "Kore")));

        using HttpResponseMessage response = await Client.GetAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
    }

    [SkippableFact]
    public async Task Announcement_Expired_Answers403SayingSo()
    {
        int before = live.Emulator.Requests.Count;
        string path = AnnouncementSigner.PathAndQuery(ServiceSettings.SigningKey, DateTimeOffset.UtcNow.AddSeconds(-1), ("a", AnnouncementSigner.TextPayload("This offer has ended.", "Kore")));

        using HttpResponseMessage response = await Client.GetAsync(path);

        await AssertProblemAsync(response, 403, "expired");
        Assert.Equal(before, live.Emulator.Requests.Count);
    }

    [SkippableTheory]
    [InlineData("unsigned")]
    [InlineData("other-key")]
    [InlineData("text-changed")]
    [InlineData("expiry-extended")]
    [InlineData("parameter-repeated")]
    [InlineData("signature-garbage")]
    [InlineData("signature-padded")]
    [InlineData("signature-padded-encoded")]
    public async Task Announcement_UnsignedOrTampered_Answers403(string tampering)
    {
        int before = live.Emulator.Requests.Count;
        DateTimeOffset expires = DateTimeOffset.UtcNow.AddMinutes(5);
        string path = AnnouncementSigner.PathAndQuery(ServiceSettings.SigningKey, expires, ("a", AnnouncementSigner.TextPayload("Free speech for everyone.", "Kore")));
        path = tampering switch
        {
            "unsigned" => path[..path.IndexOf("&sig=", StringComparison.Ordinal)],
            "other-key" => AnnouncementSigner.PathAndQuery("another-signing-key-0123456789abcdef0123", expires, ("a", AnnouncementSigner.TextPayload("Free speech for everyone.", "Kore"))),
            "text-changed" => path.Replace(AnnouncementSigner.TextPayload("Free speech for everyone.", "Kore"), AnnouncementSigner.TextPayload("Paid speech for everyone.", "Kore"), StringComparison.Ordinal),
            "expiry-extended" => path.Replace($"exp={expires.ToUnixTimeSeconds()}", $"exp={expires.AddDays(30).ToUnixTimeSeconds()}", StringComparison.Ordinal),
            "parameter-repeated" => path.Replace("&sig=", "&voice=Puck&sig=", StringComparison.Ordinal),
            // The same bytes under another spelling: Base64url decoders accept a trailing '=', the service must not.
            "signature-padded" => path + "=",
            "signature-padded-encoded" => path + "%3D",
            _ => path[..(path.IndexOf("&sig=", StringComparison.Ordinal) + 5)] + "%00%FF..",
        };

        using HttpResponseMessage response = await Client.GetAsync(path);

        await AssertProblemAsync(response, 403, "announcement URL");
        Assert.Equal(before, live.Emulator.Requests.Count);
    }

    private static string Normalize(string xml) => XDocument.Parse(xml).ToString(SaveOptions.DisableFormatting);

    private async Task AssertProblemAsync(HttpResponseMessage response, int status, string detail)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}\n{((int)response.StatusCode >= 500 ? live.Errors() : "")}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(body);
        string text = problem.RootElement.GetProperty("title").GetString() + ": " + (problem.RootElement.TryGetProperty("detail", out JsonElement d) ? d.GetString() : "");
        Assert.Contains(detail, text, StringComparison.OrdinalIgnoreCase);
    }
}
