using System.Text;
using IvrVoice.Telephony.Signatures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Telephony.Tests.Hosting;

/// <summary>The endpoint filter and the middleware over a real Kestrel host on loopback, reached as if through a reverse proxy
/// that publishes the service at https://ivr.example.com/base and strips the /base prefix.</summary>
public sealed class TwilioValidationHostTests : IAsyncLifetime
{
    private const string Token = "0123456789abcdef0123456789abcdef";
    private const string Secondary = "fedcba9876543210fedcba9876543210";
    private const string PublicBase = "https://ivr.example.com/base";
    private const string CallerNumber = "+14155550100";

    private TwilioTestHost _host = null!;

    private static readonly KeyValuePair<string, string>[] Call =
    [
        new("AccountSid", "AC00000000000000000000000000000000"), new("CallSid", "CA11111111111111111111111111111111"),
        new("From", CallerNumber), new("To", "+14155550199"), new("CallStatus", "in-progress"), new("Digits", "2"), new("Confidence", "0.5"),
    ];

    public async Task InitializeAsync() => _host = await TwilioTestHost.StartAsync(new Dictionary<string, string?>
    {
        ["Twilio:AuthToken"] = Token,
        ["Twilio:SecondaryAuthTokens:0"] = Secondary,
        ["Twilio:PublicBaseUrl"] = PublicBase + "/",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IEnumerable<string> Warnings => _host.Logs.Messages(LogLevel.Warning, "IvrVoice.Telephony");

    [Fact]
    public async Task FormPost_SignedForPublicBaseUrl_Returns200WithTwiML()
    {
        const string target = "/twilio/voice/main?attempt=1";
        string signature = TwilioSignature.Compute(Token, PublicBase + target, Call);

        RawHttp.Response response = await RawHttp.PostFormAsync(_host.Port, target, Call, signature);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/xml; charset=utf-8", response.Headers["Content-Type"]);
        Assert.Equal("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>flow main; digits 2; confidence 0.5</Say></Response>", response.Text);
        Assert.Empty(Warnings);
    }

    [Fact]
    public async Task FormPost_SignedWithDefaultPortInUrl_Returns200()
    {
        const string target = "/twilio/voice/main";
        string signature = TwilioSignature.Compute(Token, "https://ivr.example.com:443/base" + target, Call);

        Assert.Equal(200, (await RawHttp.PostFormAsync(_host.Port, target, Call, signature)).StatusCode);
    }

    [Fact]
    public async Task FormPost_SignedWithSecondaryToken_Returns200()
    {
        const string target = "/twilio/voice/main";
        string signature = TwilioSignature.Compute(Secondary, PublicBase + target, Call);

        Assert.Equal(200, (await RawHttp.PostFormAsync(_host.Port, target, Call, signature)).StatusCode);
    }

    [Fact]
    public async Task FormPost_RawTargetWithReorderedEncodedQuery_CheckedAsReceived()
    {
        // The signature covers the query exactly as sent; a re-serialised form (decoded, sorted) must not be what is checked.
        const string target = "/twilio/voice/main?z=%7e1&a=%41+b&a=2";
        string signature = TwilioSignature.Compute(Token, PublicBase + target, Call);
        string normalisedSignature = TwilioSignature.Compute(Token, PublicBase + "/twilio/voice/main?a=A%20b&a=2&z=~1", Call);

        Assert.Equal(200, (await RawHttp.PostFormAsync(_host.Port, target, Call, signature)).StatusCode);
        Assert.Equal(403, (await RawHttp.PostFormAsync(_host.Port, target, Call, normalisedSignature)).StatusCode);
    }

    [Fact]
    public async Task FormPost_TamperedParameter_Returns403AndLogsReasonAndPathOnly()
    {
        const string target = "/twilio/voice/main?from=" + CallerNumber;
        string signature = TwilioSignature.Compute(Token, PublicBase + target, Call);
        KeyValuePair<string, string>[] tampered = [.. Call.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "9") : p)];

        RawHttp.Response response = await RawHttp.PostFormAsync(_host.Port, target, tampered, signature);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("Twilio request validation failed.", response.Text);
        string warning = Assert.Single(Warnings);
        Assert.Equal("Refused request to /twilio/voice/main: signature mismatch", warning);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal));
        // ASP.NET's own request logging prints the query string; the validator's lines never carry it.
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Category.StartsWith("IvrVoice", StringComparison.Ordinal) && e.Message.Contains(CallerNumber, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FormPost_MissingHeader_Returns403AndLogsMissingHeader()
    {
        RawHttp.Response response = await RawHttp.PostFormAsync(_host.Port, "/twilio/voice/main", Call, signature: null);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("Refused request to /twilio/voice/main: missing X-Twilio-Signature header", Assert.Single(Warnings));
    }

    [Fact]
    public async Task FormPost_SignedForLoopbackAddressInsteadOfPublicBase_Returns403()
    {
        // Behind the proxy the service must check the public URL, not the address it was reached on.
        const string target = "/twilio/voice/main";
        string signature = TwilioSignature.Compute(Token, $"http://127.0.0.1:{_host.Port}{target}", Call);

        Assert.Equal(403, (await RawHttp.PostFormAsync(_host.Port, target, Call, signature)).StatusCode);
    }

    [Fact]
    public async Task FormPost_SignedWithoutPathBase_Returns403()
    {
        const string target = "/twilio/voice/main";
        string signature = TwilioSignature.Compute(Token, "https://ivr.example.com" + target, Call);

        Assert.Equal(403, (await RawHttp.PostFormAsync(_host.Port, target, Call, signature)).StatusCode);
    }

    [Fact]
    public async Task GetWebhook_SignedUrlOnly_Returns200AndBindsQuery()
    {
        const string target = "/twilio/voice/main?CallSid=CA1&Digits=7";
        string signature = TwilioSignature.Compute(Token, PublicBase + target);

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "GET", target, RawHttp.Headers(signature));

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("GET main; digits 7", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonBody_ValidBodySha256_Returns200AndEndpointReadsWholeBody()
    {
        string body = TwilioTestHost.Json(new { @event = "call.completed", callSid = "CA1", note = "Grüße" });
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        string target = "/twilio/events?bodySHA256=" + TwilioSignature.ComputeBodySha256(bytes);
        string signature = TwilioSignature.Compute(Token, PublicBase + target);

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "application/json"), bytes);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("echo:" + body, response.Text);
    }

    [Fact]
    public async Task JsonBody_TamperedBody_Returns403AndLogsBadBodySha256()
    {
        byte[] signedBody = Encoding.UTF8.GetBytes("{\"event\":\"call.completed\",\"callSid\":\"CA1\"}");
        string target = "/twilio/events?bodySHA256=" + TwilioSignature.ComputeBodySha256(signedBody);
        string signature = TwilioSignature.Compute(Token, PublicBase + target);
        byte[] sentBody = Encoding.UTF8.GetBytes("{\"event\":\"call.forged\",\"callSid\":\"CA1\"}");

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "application/json"), sentBody);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("Refused request to /twilio/events: bad bodySHA256", Assert.Single(Warnings));
    }

    [Fact]
    public async Task JsonBody_BoundByModelBinding_CheckedBeforeBinding()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"event\":\"call.completed\",\"callSid\":\"CA7\"}");
        string target = "/twilio/bound?bodySHA256=" + TwilioSignature.ComputeBodySha256(body);
        string signature = TwilioSignature.Compute(Token, PublicBase + target);

        RawHttp.Response good = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "application/json"), body);
        RawHttp.Response forged = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "application/json"),
            Encoding.UTF8.GetBytes("{\"event\":\"call.forged\",\"callSid\":\"CA7\"}"));

        Assert.Equal(200, good.StatusCode);
        Assert.Equal("bound:call.completed:CA7", good.Text);
        Assert.Equal(403, forged.StatusCode);
    }

    [Fact]
    public async Task JsonBody_WithoutBodySha256_Returns403AsUnsignedBody()
    {
        const string target = "/twilio/events";
        string signature = TwilioSignature.Compute(Token, PublicBase + target);

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "application/json"),
            Encoding.UTF8.GetBytes("{\"event\":\"x\"}"));

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("Refused request to /twilio/events: body neither a form nor covered by bodySHA256", Assert.Single(Warnings));
    }

    [Fact]
    public async Task MultipartPost_SignedFields_Returns403AsUnsignedBody()
    {
        // The signature would cover the text fields but not an attached file, so multipart is never accepted.
        const string target = "/twilio/voice/main";
        string signature = TwilioSignature.Compute(Token, PublicBase + target, [new("Digits", "1")]);
        const string body = "--b\r\nContent-Disposition: form-data; name=\"Digits\"\r\n\r\n1\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nunsigned\r\n--b--\r\n";

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "multipart/form-data; boundary=b"),
            Encoding.UTF8.GetBytes(body));

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("Refused request to /twilio/voice/main: body neither a form nor covered by bodySHA256", Assert.Single(Warnings));
    }

    [Fact]
    public async Task FormPost_OverFormLimits_Returns400NotServerError()
    {
        // The form reader refuses a key over its limit; such a form is the sender's fault (400), never a crash (500).
        const string target = "/twilio/voice/main";
        KeyValuePair<string, string>[] huge = [new(new string('k', 4096), "1")];
        string signature = TwilioSignature.Compute(Token, PublicBase + target, huge);

        RawHttp.Response response = await RawHttp.PostFormAsync(_host.Port, target, huge, signature);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Refused request to /twilio/voice/main: form body could not be read", Assert.Single(Warnings));
    }

    [Fact]
    public async Task MediaGet_SignedUrl_Returns200()
    {
        const string target = "/media/ab12.wav?v=3";
        string signature = TwilioSignature.Compute(Token, PublicBase + target);

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "GET", target, RawHttp.Headers(signature));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal([1, 2, 3, 4], response.Body);
    }

    [Fact]
    public async Task MediaGet_UnsignedOrForged_Returns403()
    {
        RawHttp.Response unsigned = await RawHttp.SendAsync(_host.Port, "GET", "/media/ab12.wav");
        RawHttp.Response forged = await RawHttp.SendAsync(_host.Port, "GET", "/media/ab12.wav",
            RawHttp.Headers(TwilioSignature.Compute(Token, PublicBase + "/media/other.wav")));

        Assert.Equal(403, unsigned.StatusCode);
        Assert.Equal(403, forged.StatusCode);
        Assert.Equal(
            ["Refused request to /media/ab12.wav: missing X-Twilio-Signature header", "Refused request to /media/ab12.wav: signature mismatch"],
            Warnings.ToArray());
    }

    [Fact]
    public async Task UnprotectedPath_NoSignature_Returns200()
    {
        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "GET", "/open/readme");
        Assert.Equal(200, response.StatusCode);
        Assert.Empty(Warnings);
    }

    [Fact]
    public async Task StartUp_Enabled_LogsPublicBaseUrlButNoToken()
    {
        await Task.Yield();
        Assert.Contains(_host.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(PublicBase, StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal) || e.Message.Contains(Secondary, StringComparison.Ordinal));
    }
}

public sealed class TwilioValidationStartupTests
{
    [Fact]
    public async Task StartAsync_ValidationDisabled_AcceptsUnsignedAndWarnsLoudly()
    {
        await using TwilioTestHost host = await TwilioTestHost.StartAsync(new Dictionary<string, string?> { ["Twilio:RequestValidation"] = "Disabled" });

        RawHttp.Response response = await RawHttp.PostFormAsync(host.Port, "/twilio/voice/main", [new("Digits", "5")], signature: null);

        Assert.Equal(200, response.StatusCode);
        string warning = Assert.Single(host.Logs.Messages(LogLevel.Warning, "IvrVoice.Telephony"));
        Assert.Contains("TWILIO REQUEST VALIDATION IS DISABLED", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_EnabledWithoutToken_FailsNamingTheSetting()
    {
        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TwilioTestHost.StartAsync(new Dictionary<string, string?> { ["Twilio:PublicBaseUrl"] = "https://ivr.example.com" }));

        Assert.Contains("Twilio:AuthToken is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Twilio__AuthToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_BadPublicBaseUrl_FailsNamingTheSetting()
    {
        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TwilioTestHost.StartAsync(new Dictionary<string, string?> { ["Twilio:AuthToken"] = "t", ["Twilio:PublicBaseUrl"] = "ivr.example.com" }));

        Assert.Contains("Twilio:PublicBaseUrl must be an absolute http:// or https:// URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_TokenFromEnvironmentVariable_ValidatesWithIt()
    {
        // The environment form Twilio__AuthToken, read through a private prefix so the test cannot disturb other tests.
        string prefix = $"IVRVOICE_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Twilio__AuthToken", "env-token");
        Environment.SetEnvironmentVariable(prefix + "Twilio__PublicBaseUrl", "https://ivr.example.com");
        try
        {
            await using TwilioTestHost host = await TwilioTestHost.StartAsync(new Dictionary<string, string?>(), prefix);
            string signature = TwilioSignature.Compute("env-token", "https://ivr.example.com/twilio/voice/main", [new("Digits", "1")]);

            Assert.Equal(200, (await RawHttp.PostFormAsync(host.Port, "/twilio/voice/main", [new("Digits", "1")], signature)).StatusCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Twilio__AuthToken", null);
            Environment.SetEnvironmentVariable(prefix + "Twilio__PublicBaseUrl", null);
        }
    }

    [Fact]
    public async Task StartAsync_NoPublicBaseUrl_ChecksRequestHostAndWarns()
    {
        await using TwilioTestHost host = await TwilioTestHost.StartAsync(new Dictionary<string, string?> { ["Twilio:AuthToken"] = "t" });
        // RawHttp sends "Host: ivr.example.com"; with no public base the URL is built from the request's scheme and Host header.
        string signature = TwilioSignature.Compute("t", "http://ivr.example.com/twilio/voice/main", [new("Digits", "1")]);

        Assert.Equal(200, (await RawHttp.PostFormAsync(host.Port, "/twilio/voice/main", [new("Digits", "1")], signature)).StatusCode);
        Assert.Contains(host.Logs.Messages(LogLevel.Warning, "IvrVoice.Telephony"), m => m.Contains("set Twilio:PublicBaseUrl", StringComparison.Ordinal));
    }
}
