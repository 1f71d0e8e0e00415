using System.Text;
using IvrVoice.Telephony.Signatures;
using Microsoft.Extensions.Primitives;
using static IvrVoice.Telephony.Tests.Signatures.TwilioSignatureTests;

namespace IvrVoice.Telephony.Tests.Signatures;

public sealed class TwilioRequestValidatorTests
{
    private static readonly TwilioRequestValidator Sut = new(Token);

    private static KeyValuePair<string, StringValues>[] FormValues(params KeyValuePair<string, string>[] pairs) =>
        [.. pairs.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value))];

    [Theory]
    [InlineData(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData(UrlWithPort, "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    public void Validate_PublishedVectors_Valid(string url, string signature) =>
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(url, signature, FormValues(Form)));

    [Fact]
    public void Validate_SignedWithoutPortReceivedWithPort_Valid() =>
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(UrlWithPort, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues(Form)));

    [Fact]
    public void Validate_SignedWithPortReceivedWithoutPort_Valid() =>
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(Url, "kvajT1Ptam85bY51eRf/AJRuM3w=", FormValues(Form)));

    [Fact]
    public void Validate_HttpSignedWithPort80_Valid()
    {
        string signature = TwilioSignature.Compute(Token, "http://ivr.test:80/voice?x=1");
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate("http://ivr.test/voice?x=1", signature));
    }

    [Fact]
    public void Validate_HttpUrlSignedWithPort443_Mismatch()
    {
        // The default port follows the scheme: http gets :80, never :443.
        string signature = TwilioSignature.Compute(Token, "http://ivr.test:443/voice");
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate("http://ivr.test/voice", signature));
    }

    [Fact]
    public void Validate_Vector3GetWithoutForm_Valid() =>
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(Url, "zYQTYrRWXE7LtzbG4PfP7/bkkGo="));

    [Fact]
    public void Validate_MissingHeader_MissingSignature()
    {
        Assert.Equal(TwilioSignatureCheck.MissingSignature, Sut.Validate(Url, null, FormValues(Form)));
        Assert.Equal(TwilioSignatureCheck.MissingSignature, Sut.Validate(Url, "", FormValues(Form)));
    }

    [Theory]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=3")]
    [InlineData("https://mycompany.com/myapp.php?bar=2&foo=1")]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2&x=")]
    [InlineData("https://mycompany.com/other.php?foo=1&bar=2")]
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2")]
    [InlineData("https://evil.example/myapp.php?foo=1&bar=2")]
    public void Validate_TamperedUrl_Mismatch(string url) =>
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues(Form)));

    [Fact]
    public void Validate_TamperedParameterValue_Mismatch()
    {
        KeyValuePair<string, string>[] tampered = [.. Form.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "9") : p)];
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues(tampered)));
    }

    [Fact]
    public void Validate_AddedOrRemovedParameter_Mismatch()
    {
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues([.. Form, new("Extra", "1")])));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues(Form[1..])));
    }

    [Fact]
    public void Validate_TrailingWhitespaceTrimmedFromValue_Mismatch()
    {
        string signature = TwilioSignature.Compute(Token, Url, [new("SpeechResult", "yes ")]);
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(Url, signature, FormValues(new KeyValuePair<string, string>("SpeechResult", "yes "))));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(Url, signature, FormValues(new KeyValuePair<string, string>("SpeechResult", "yes"))));
    }

    [Theory]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8")]        // padding removed
    [InlineData("rSOYDt4T1cUTdK1PDd93/VVr8B8=")]       // case changed
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8= ")]      // trailing space
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B9=")]       // unused Base64 bits changed: same bytes, different text
    [InlineData("not base64 at all")]
    public void Validate_AlteredSignatureText_Mismatch(string signature) =>
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(Url, signature, FormValues(Form)));

    [Fact]
    public void Validate_WrongToken_Mismatch() =>
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, new TwilioRequestValidator("54321").Validate(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues(Form)));

    [Fact]
    public void Validate_SignedWithSecondaryToken_Valid()
    {
        TwilioRequestValidator sut = new("primary-token", ["old-token", Token]);
        Assert.Equal(TwilioSignatureCheck.Valid, sut.Validate(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues(Form)));
    }

    [Fact]
    public void Validate_SignedWithPrimaryWhileSecondaryConfigured_Valid()
    {
        TwilioRequestValidator sut = new(Token, ["old-token"]);
        Assert.Equal(TwilioSignatureCheck.Valid, sut.Validate(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", FormValues(Form)));
    }

    [Fact]
    public void ValidateWithBody_Vector4_Valid() =>
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.ValidateWithBody(JsonUrl, "a9nBmqA0ju/hNViExpshrM61xv4=", Encoding.UTF8.GetBytes(JsonBody)));

    [Fact]
    public void ValidateWithBody_TamperedBody_BodyHashMismatch() =>
        Assert.Equal(TwilioSignatureCheck.BodyHashMismatch,
            Sut.ValidateWithBody(JsonUrl, "a9nBmqA0ju/hNViExpshrM61xv4=", Encoding.UTF8.GetBytes(JsonBody.Replace("true", "false", StringComparison.Ordinal))));

    [Fact]
    public void ValidateWithBody_UppercaseHashInUrl_BodyHashMismatch()
    {
        // Twilio sends lowercase hex; the official libraries compare the text exactly.
        string url = Url + "&bodySHA256=" + JsonBodyHash.ToUpperInvariant();
        string signature = TwilioSignature.Compute(Token, url);
        Assert.Equal(TwilioSignatureCheck.BodyHashMismatch, Sut.ValidateWithBody(url, signature, Encoding.UTF8.GetBytes(JsonBody)));
    }

    [Fact]
    public void ValidateWithBody_UrlWithoutBodyHash_BodyHashMismatch()
    {
        string signature = TwilioSignature.Compute(Token, Url);
        Assert.Equal(TwilioSignatureCheck.BodyHashMismatch, Sut.ValidateWithBody(Url, signature, Encoding.UTF8.GetBytes(JsonBody)));
    }

    [Fact]
    public void ValidateWithBody_HashSwappedInUrl_SignatureMismatch()
    {
        string forgedBody = "{\"property\": \"forged\"}";
        string url = Url + "&bodySHA256=" + TwilioSignature.ComputeBodySha256(Encoding.UTF8.GetBytes(forgedBody));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.ValidateWithBody(url, "a9nBmqA0ju/hNViExpshrM61xv4=", Encoding.UTF8.GetBytes(forgedBody)));
    }

    [Fact]
    public void ValidateWithBody_MissingHeader_MissingSignature() =>
        Assert.Equal(TwilioSignatureCheck.MissingSignature, Sut.ValidateWithBody(JsonUrl, null, Encoding.UTF8.GetBytes(JsonBody)));

    [Fact]
    public void Constructor_EmptyToken_Throws() => Assert.Throws<ArgumentException>(() => new TwilioRequestValidator(""));
}
