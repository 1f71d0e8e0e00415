using System.Text;
using IvrVoice.Telephony.Signatures;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Telephony.Tests.Interop;

/// <summary>The official twilio library (Node) signs requests; our validator must accept them, and both must refuse tampered ones.</summary>
public sealed class SignatureInteropTests(TwilioNodeOracle node) : IClassFixture<TwilioNodeOracle>
{
    private const string Token = "f4c1d5a2b9e8437a8d1c2b3a4f5e6d7c";

    public static TheoryData<string> Urls => new()
    {
        "https://ivr.example.com/twilio/voice/main",
        "https://ivr.example.com/twilio/voice/main?flow=main&attempt=2",
        "https://ivr.example.com:443/twilio/voice/main?b=2&a=1",
        "https://ivr.example.com:8443/twilio/voice/main",
        "http://127.0.0.1:5080/twilio/voice/main?x=%20y&y=a+b",
        "http://ivr.example.com:80/twilio/voice/main",
        "https://example.com/ivr/twilio/voice/main?name=J%C3%BCrgen&empty=",
        "https://[::1]:8443/twilio/voice/main?z=1",
        "https://IVR.Example.com/Twilio/Voice/Main",
    };

    private static Dictionary<string, string[]> VoiceWebhook() => new(StringComparer.Ordinal)
    {
        ["AccountSid"] = ["AC00000000000000000000000000000000"], ["CallSid"] = ["CA11111111111111111111111111111111"],
        ["From"] = ["+14155550100"], ["To"] = ["+14155550199"], ["CallStatus"] = ["in-progress"], ["Direction"] = ["inbound"],
        ["Digits"] = ["1#"], ["SpeechResult"] = ["Grüße, zoë — 日本 "], ["Confidence"] = ["0.91"], ["ApiVersion"] = ["2010-04-01"],
        ["caller"] = ["lowercase key"], ["Empty"] = [""], ["a b&c=d"] = ["x&y=z"],
    };

    private static KeyValuePair<string, StringValues>[] Form(Dictionary<string, string[]> parameters) =>
        [.. parameters.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value))];

    [SkippableTheory]
    [MemberData(nameof(Urls))]
    public void Validate_NodeSignedFormPost_Valid(string url)
    {
        Dictionary<string, string[]> parameters = VoiceWebhook();
        string signature = node.Sign(Token, url, parameters);

        Assert.Equal(TwilioSignatureCheck.Valid, new TwilioRequestValidator(Token).Validate(url, signature, Form(parameters)));
        Assert.Equal(signature, TwilioSignature.Compute(Token, url, parameters.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v)))));
    }

    [SkippableTheory]
    [MemberData(nameof(Urls))]
    public void Validate_NodeSignedGet_Valid(string url)
    {
        string signature = node.Sign(Token, url);
        Assert.Equal(TwilioSignatureCheck.Valid, new TwilioRequestValidator(Token).Validate(url, signature));
        Assert.True(node.Validate(Token, signature, url));
    }

    [SkippableTheory]
    [MemberData(nameof(Urls))]
    public void Validate_TamperedParameter_RefusedByBoth(string url)
    {
        Dictionary<string, string[]> parameters = VoiceWebhook();
        string signature = node.Sign(Token, url, parameters);
        parameters["Digits"] = ["9"];

        Assert.False(node.Validate(Token, signature, url, parameters));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, new TwilioRequestValidator(Token).Validate(url, signature, Form(parameters)));
    }

    [SkippableTheory]
    [MemberData(nameof(Urls))]
    public void Validate_TamperedUrl_RefusedByBoth(string url)
    {
        Dictionary<string, string[]> parameters = VoiceWebhook();
        string signature = node.Sign(Token, url, parameters);
        string tampered = url.Replace("/main", "/admin", StringComparison.OrdinalIgnoreCase);

        Assert.False(node.Validate(Token, signature, tampered, parameters));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, new TwilioRequestValidator(Token).Validate(tampered, signature, Form(parameters)));
    }

    [SkippableTheory]
    [InlineData("https://ivr.example.com/twilio/voice/main", "https://ivr.example.com:443/twilio/voice/main")]
    [InlineData("https://ivr.example.com:443/twilio/voice/main", "https://ivr.example.com/twilio/voice/main")]
    [InlineData("http://ivr.example.com/twilio/voice/main?a=1", "http://ivr.example.com:80/twilio/voice/main?a=1")]
    [InlineData("https://ivr.example.com/twilio/voice/main", "https://ivr.example.com:8443/twilio/voice/main")]
    [InlineData("https://ivr.example.com:443/twilio/voice/main", "https://ivr.example.com:8443/twilio/voice/main")]
    [InlineData("https://ivr.example.com/twilio/voice/main", "http://ivr.example.com/twilio/voice/main")]
    [InlineData("https://ivr.example.com/twilio/voice/main?a=1&b=2", "https://ivr.example.com/twilio/voice/main?b=2&a=1")]
    [InlineData("https://ivr.example.com/twilio/voice/main?a=%41", "https://ivr.example.com/twilio/voice/main?a=A")]
    [InlineData("https://ivr.example.com/twilio/voice/main", "https://ivr.example.com/twilio/voice/main/")]
    [InlineData("https://ivr.example.com/twilio/voice/main", "https://ivr.example.com/twilio/voice/main#ct=2000")]
    public void Validate_SignedAndReceivedUrlsDiffer_SameVerdictAsNode(string signedUrl, string receivedUrl)
    {
        Dictionary<string, string[]> parameters = VoiceWebhook();
        string signature = node.Sign(Token, signedUrl, parameters);

        bool nodeAccepts = node.Validate(Token, signature, receivedUrl, parameters);
        bool weAccept = new TwilioRequestValidator(Token).Validate(receivedUrl, signature, Form(parameters)) == TwilioSignatureCheck.Valid;
        Assert.Equal(nodeAccepts, weAccept);
    }

    [SkippableTheory]
    [InlineData("https://ivr.example.com/x?name=O%27Brien", "https://ivr.example.com/x?name=O'Brien", true)]
    [InlineData("https://ivr.example.com/x?r=%7B%7D%22", "https://ivr.example.com/x?r={}\"", true)]
    [InlineData("https://ivr.example.com/p%7Bq%7D", "https://ivr.example.com/p{q}", true)]
    [InlineData("https://ivr.example.com/p%C3%A4th?k=%E2%82%AC", "https://ivr.example.com/päth?k=€", true)]
    [InlineData("https://ivr.example.com/a/b", "https://ivr.example.com/a/./c/../b", true)]
    [InlineData("https://ivr.example.com/x", "https://IVR.EXAMPLE.COM:443/x", true)]
    [InlineData("https://ivr.example.com/x?a=%2F&b=%3A&c=%20", "https://ivr.example.com/x?a=/&b=:&c=+", true)]
    [InlineData("https://ivr.example.com/x?0=z&1=a&b=c", "https://ivr.example.com/x?b=c&1=a&0=z", true)]
    [InlineData("https://ivr.example.com/x?k=v1&k=v2&m=", "https://ivr.example.com/x?k=v1&m&k=v2", true)]
    // The legacy querystring form decodes escapes, so an escaped query value matches its plain signed form (same decoded data).
    [InlineData("https://ivr.example.com/x?name=O'Brien", "https://ivr.example.com/x?name=O%27Brien", true)]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2", "https://mycompany.com/myapp.php?foo=%31&bar=2", true)]
    [InlineData("https://ivr.example.com/x%2Fy", "https://ivr.example.com/x/y", false)]
    [InlineData("https://ivr.example.com/x?a=1", "https://ivr.example.com/x?a=1&a=1", false)]
    [InlineData("https://ivr.example.com/x?a=b", "https://ivr.example.com/x?a=c", false)]
    public void Validate_EscapedSignedForms_SameVerdictAsNode(string signedUrl, string receivedUrl, bool expectedAccepted)
    {
        Dictionary<string, string[]> parameters = VoiceWebhook();
        string signature = node.Sign(Token, signedUrl, parameters);

        Assert.Equal(expectedAccepted, node.Validate(Token, signature, receivedUrl, parameters));
        Assert.Equal(expectedAccepted ? TwilioSignatureCheck.Valid : TwilioSignatureCheck.SignatureMismatch,
            new TwilioRequestValidator(Token).Validate(receivedUrl, signature, Form(parameters)));
    }

    [SkippableFact]
    public void Validate_RepeatedKeySignedByNode_Valid()
    {
        Dictionary<string, string[]> parameters = new(StringComparer.Ordinal) { ["Tag"] = ["b", "a", "b"], ["CallSid"] = ["CA1"] };
        string signature = node.Sign(Token, "https://ivr.example.com/hook", parameters);

        Assert.Equal(TwilioSignatureCheck.Valid, new TwilioRequestValidator(Token).Validate("https://ivr.example.com/hook", signature, Form(parameters)));
    }

    [SkippableFact]
    public void Validate_SignedBySecondaryToken_Valid()
    {
        const string url = "https://ivr.example.com/twilio/voice/main";
        Dictionary<string, string[]> parameters = VoiceWebhook();
        string signature = node.Sign("secondary-token-during-rotation", url, parameters);

        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, new TwilioRequestValidator(Token).Validate(url, signature, Form(parameters)));
        Assert.Equal(TwilioSignatureCheck.Valid,
            new TwilioRequestValidator(Token, ["secondary-token-during-rotation"]).Validate(url, signature, Form(parameters)));
    }

    [SkippableTheory]
    [InlineData("https://ivr.example.com/twilio/events")]
    [InlineData("https://ivr.example.com:443/twilio/events?source=stream")]
    public void ValidateWithBody_NodeSignedJson_ValidAndTamperedRefusedByBoth(string baseUrl)
    {
        const string body = "{\"event\":\"call.completed\",\"callSid\":\"CA1\",\"note\":\"Grüße\"}";
        string hash = node.BodyHash(body);
        Assert.Equal(hash, TwilioSignature.ComputeBodySha256(Encoding.UTF8.GetBytes(body)));
        string url = baseUrl + (baseUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "bodySHA256=" + hash;
        string signature = node.Sign(Token, url);
        TwilioRequestValidator sut = new(Token);

        Assert.True(node.ValidateWithBody(Token, signature, url, body));
        Assert.Equal(TwilioSignatureCheck.Valid, sut.ValidateWithBody(url, signature, Encoding.UTF8.GetBytes(body)));

        string tamperedBody = body.Replace("completed", "forged", StringComparison.Ordinal);
        Assert.False(node.ValidateWithBody(Token, signature, url, tamperedBody));
        Assert.Equal(TwilioSignatureCheck.BodyHashMismatch, sut.ValidateWithBody(url, signature, Encoding.UTF8.GetBytes(tamperedBody)));

        string tamperedUrl = url.Replace("events", "evenst", StringComparison.Ordinal);
        Assert.False(node.ValidateWithBody(Token, signature, tamperedUrl, body));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, sut.ValidateWithBody(tamperedUrl, signature, Encoding.UTF8.GetBytes(body)));
    }
}
