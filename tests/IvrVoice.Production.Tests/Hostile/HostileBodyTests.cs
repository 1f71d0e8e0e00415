using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IvrVoice.Telephony.Signatures;
using Xunit.Abstractions;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// Oversized and hostile bodies sent to the Twilio webhooks of the real server process without valid credentials: each is
/// refused with 400, 403 or 413 before it is parsed or hashed, with one warning line and never an ERROR line or a 5xx. The
/// memory the process holds under a flood of them is reported (not asserted: the machine is shared).
/// </summary>
public sealed class HostileBodyTests(HostileService live, ITestOutputHelper output) : IClassFixture<HostileService>
{
    private const string Webhook = "/twilio/voice/main";

    public static TheoryData<string, int> OversizedForms => new()
    {
        { "28 MB form", 28 * 1024 * 1024 },
        { "one 10 MB field", 10 * 1024 * 1024 },
        { "20,001 fields", 20_001 },
    };

    [SkippableTheory]
    [MemberData(nameof(OversizedForms))]
    public async Task Webhook_OversizedFormWithGarbageSignature_Answers413WithoutReadingIt(string name, int size)
    {
        byte[] body = name.Contains("fields", StringComparison.Ordinal) ? ManyFields(size) : OneField(size);

        using HttpResponseMessage response = await PostAsync(Webhook, body, chunked: false);

        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{name}: {(int)response.StatusCode}");
        AssertNoErrorLines();
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Webhook_OversizedChunkedForm_Answers413(bool signed)
    {
        byte[] body = OneField(8 * 1024 * 1024);

        using HttpResponseMessage response = await PostAsync(Webhook, body, chunked: true, signature: signed ? "garbage" : null);

        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.Forbidden, $"{(int)response.StatusCode}");
        AssertNoErrorLines();
    }

    [SkippableFact]
    public async Task Webhook_FormOverTheFieldLimitWithinTheByteCap_Answers400()
    {
        // 600 short fields: well under the byte cap, over the form reader's field limit.
        byte[] body = ManyFields(600);

        using HttpResponseMessage response = await PostAsync(Webhook, body, chunked: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertNoErrorLines();
    }

    [SkippableTheory]
    [InlineData("/twilio/voice/main?bodySHA256=x")]
    [InlineData("/twilio/announce?bodySHA256=0123&text=hi")]
    public async Task Webhook_BodyHashWithoutCredentials_403AndNoErrorLine(string path)
    {
        using HttpResponseMessage unsigned = await PostAsync(path, Encoding.UTF8.GetBytes("""{"a":1}"""), chunked: false, signature: null, contentType: "application/json");
        using HttpResponseMessage forged = await PostAsync(path, Encoding.UTF8.GetBytes("""{"a":1}"""), chunked: false, signature: "garbage", contentType: "application/json");
        using HttpResponseMessage form = await PostAsync(path, Encoding.UTF8.GetBytes("Digits=1"), chunked: false, signature: "garbage");

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        AssertNoErrorLines();
    }

    [SkippableFact]
    public async Task Webhook_SignedFormWithBodyHashOfAnotherBody_Refused()
    {
        // A URL signed for one JSON body (bodySHA256 in the signed URL), replayed with other form fields: the raw body is
        // hashed before anything binds it, so the fields cannot ride along unverified.
        string json = """{"CallSid":"CA1"}""";
        string path = $"{Webhook}?bodySHA256={TwilioSignature.ComputeBodySha256(Encoding.UTF8.GetBytes(json))}";
        string signature = TwilioSignature.Compute(ServiceSettings.AuthToken, ServiceSettings.PublicBaseUrl + path);

        using HttpResponseMessage response = await PostAsync(path, Encoding.UTF8.GetBytes("Digits=9&From=%2B15555550100"), chunked: false, signature: signature);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        AssertNoErrorLines();
    }

    [SkippableFact]
    public async Task Webhook_FloodOfHostileBodies_NoServerErrorAndMemoryReported()
    {
        long before = ResidentBytes();
        byte[] body = OneField(28 * 1024 * 1024);
        int[] statuses = new int[48];
        for (int round = 0; round < 4; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
            {
                using HttpResponseMessage response = await PostAsync(Webhook, body, chunked: i % 2 == 0);
                statuses[(round * 12) + i] = (int)response.StatusCode;
            }));
        }

        long after = ResidentBytes();

        Assert.All(statuses, status => Assert.True(status is 403 or 413, $"answered {status}"));
        AssertNoErrorLines();
        output.WriteLine($"48 hostile 28 MB bodies (12 at a time, half chunked): resident memory {before / 1048576.0:0} MB before, {after / 1048576.0:0} MB after (reported, not asserted)");
    }

    [SkippableTheory]
    [InlineData("""{"text":"Hello.","voize":"Kore"}""", "voize")]
    [InlineData("""{"text":12}""", "wrong type")]
    [InlineData("[1,2,3]", "wrong type")]
    [InlineData("""{"text":"Hello.",""", "not valid JSON")]
    public async Task PromptApi_BadJson_NamesThePathNeverADotNetType(string json, string expected)
    {
        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", json);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.DoesNotContain("IvrVoice.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("Hello\\u0000 world.")]
    [InlineData("Bell\\u0007.")]
    public async Task PromptApi_ControlCharacter_400NamingTheCodePoint(string text)
    {
        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", $$"""{"text":"{{text}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control character U+00", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("xx-!!", "did you mean en-US")]
    [InlineData("es_mx!", "did you mean es-US")]
    public async Task PromptApi_InvalidLanguageTag_400WithASuggestion(string language, string suggestion)
    {
        using HttpResponseMessage response = await live.PostJsonAsync("/api/prompts", $$"""{"text":"Hello.","language":"{{language}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(suggestion, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Announce_FiveThousandCharactersOrANul_NoSayBeyondThePromptLimit()
    {
        string path = $"/twilio/announce?text={Uri.EscapeDataString(new string('a', 5_000))}&next=%2Ftwilio%2Fvoice%2Fmain";
        using HttpResponseMessage response = await live.Client.SendAsync(Twilio.SignedPost(path, Twilio.CallParameters(Twilio.CallSid(5000))));
        string xml = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(new string('a', 2_001), xml, StringComparison.Ordinal);
        Assert.Contains("<Redirect", xml, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body, bool chunked, string? signature = "garbage", string contentType = "application/x-www-form-urlencoded")
    {
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        HttpRequestMessage request = new(HttpMethod.Post, path) { Content = content };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        if (signature is not null)
        {
            request.Headers.Add(TwilioSignature.HeaderName, signature);
        }

        try
        {
            return await live.Client.SendAsync(request);
        }
        catch (HttpRequestException exception) when (exception.InnerException is IOException)
        {
            // The server may answer 413 and close the connection while the client is still sending: read as that answer.
            return new HttpResponseMessage(HttpStatusCode.RequestEntityTooLarge);
        }
    }

    private void AssertNoErrorLines()
    {
        string errors = live.Errors();
        Assert.True(errors.Length == 0, $"Unauthenticated requests wrote ERROR lines:\n{errors}");
    }

    private long ResidentBytes()
    {
        string status = File.ReadAllText($"/proc/{live.Service.Id}/status");
        string line = status.Split('\n').First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static byte[] OneField(int bytes)
    {
        byte[] body = new byte[bytes];
        Array.Fill(body, (byte)'a');
        "Digits=".Select(c => (byte)c).ToArray().CopyTo(body, 0);
        return body;
    }

    private static byte[] ManyFields(int count)
    {
        StringBuilder form = new();
        for (int i = 0; i < count; i++)
        {
            form.Append(i == 0 ? "" : "&").Append('f').Append(i.ToString(CultureInfo.InvariantCulture)).Append("=1");
        }

        return Encoding.ASCII.GetBytes(form.ToString());
    }
}
