using System.Text;
using IvrVoice.Telephony.Signatures;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Telephony.Tests.Hosting;

/// <summary>The endpoint filter on its own (no middleware), over a real Kestrel host on loopback.</summary>
public sealed class TwilioSignatureFilterHostTests : IAsyncLifetime
{
    private const string Token = "filter-token";
    private const string PublicBase = "https://ivr.example.com";

    private static readonly KeyValuePair<string, string>[] Call = [new("CallSid", "CA1"), new("From", "+14155550100"), new("Digits", "3")];

    private TwilioTestHost _host = null!;

    public async Task InitializeAsync() => _host = await TwilioTestHost.StartAsync(
        new Dictionary<string, string?> { ["Twilio:AuthToken"] = Token, ["Twilio:PublicBaseUrl"] = PublicBase }, useMiddleware: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task FormPost_Signed_Returns200()
    {
        string signature = TwilioSignature.Compute(Token, PublicBase + "/twilio/voice/main", Call);
        RawHttp.Response response = await RawHttp.PostFormAsync(_host.Port, "/twilio/voice/main", Call, signature);

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("digits 3", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormPost_Forged_Returns403()
    {
        string signature = TwilioSignature.Compute("someone-elses-token", PublicBase + "/twilio/voice/main", Call);
        RawHttp.Response response = await RawHttp.PostFormAsync(_host.Port, "/twilio/voice/main", Call, signature);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("Refused request to /twilio/voice/main: signature mismatch", Assert.Single(_host.Logs.Messages(LogLevel.Warning, "IvrVoice.Telephony")));
    }

    [Theory]
    [InlineData("HMAC_SHA256", TwilioSignatureAlgorithm.HmacSha256, 200)]
    [InlineData("HMAC_SHA256", TwilioSignatureAlgorithm.HmacSha1, 403)]
    [InlineData("HMAC_SHA1", TwilioSignatureAlgorithm.HmacSha1, 200)]
    [InlineData("HMAC_SHA512", TwilioSignatureAlgorithm.HmacSha256, 403)]
    public async Task FormPost_SignatureSettingsHeader_ChoosesTheHmac(string settings, TwilioSignatureAlgorithm signedWith, int expected)
    {
        string signature = TwilioSignature.Compute(Token, PublicBase + "/twilio/voice/main", Call, signedWith);
        Dictionary<string, string> headers = RawHttp.Headers(signature, "application/x-www-form-urlencoded");
        headers[TwilioSignature.SettingsHeaderName] = settings;

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "POST", "/twilio/voice/main", headers, Encoding.UTF8.GetBytes(RawHttp.FormBody(Call)));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task JsonBody_ReadByHandlerAfterFilter_Returns200WithWholeBody()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"event\":\"call.completed\"}");
        string target = "/twilio/events?bodySHA256=" + TwilioSignature.ComputeBodySha256(body);
        string signature = TwilioSignature.Compute(Token, PublicBase + target);

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "application/json"), body);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("echo:{\"event\":\"call.completed\"}", response.Text);
    }

    [Fact]
    public async Task JsonBody_BoundBeforeFilter_RefusedWithErrorNamingTheMiddleware()
    {
        // Without the middleware, [FromBody] binding consumes the body before the filter runs: fail closed and say how to fix it.
        byte[] body = Encoding.UTF8.GetBytes("{\"event\":\"call.completed\",\"callSid\":\"CA7\"}");
        string target = "/twilio/bound?bodySHA256=" + TwilioSignature.ComputeBodySha256(body);
        string signature = TwilioSignature.Compute(Token, PublicBase + target);

        RawHttp.Response response = await RawHttp.SendAsync(_host.Port, "POST", target, RawHttp.Headers(signature, "application/json"), body);

        Assert.Equal(403, response.StatusCode);
        Assert.Contains(_host.Logs.Messages(LogLevel.Error, "IvrVoice.Telephony"), m => m.Contains("app.UseTwilioSignatureValidation()", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MediaGet_WithoutPathMiddleware_NotChecked()
    {
        // Media paths are protected by UseTwilioSignatureValidation("/media"), not by the filter; this host leaves it out.
        Assert.Equal(200, (await RawHttp.SendAsync(_host.Port, "GET", "/media/a.wav")).StatusCode);
    }
}
