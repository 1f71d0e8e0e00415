using System.Security.Cryptography;
using System.Text;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Telephony.Tests.Signatures;

public sealed class TwilioSignatureTests
{
    // Verified vectors from twilio-and-peers.md §1.6; #1 is also the constant in twilio-csharp's RequestValidatorTest.
    internal const string Token = "12345";
    internal const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    internal const string UrlWithPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    internal const string JsonBody = "{\"property\": \"value\", \"boolean\": true}";
    internal const string JsonBodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    internal const string JsonUrl = Url + "&bodySHA256=" + JsonBodyHash;

    internal static readonly KeyValuePair<string, string>[] Form =
    [
        new("CallSid", "CA1234567890ABCDE"), new("Caller", "+14158675309"), new("Digits", "1234"),
        new("From", "+14158675309"), new("To", "+18005551212"),
    ];

    [Fact]
    public void Compute_Vector1FormPost_MatchesPublishedSignature() =>
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.Compute(Token, Url, Form));

    [Fact]
    public void Compute_Vector2UrlWithDefaultPort_MatchesPublishedSignature() =>
        Assert.Equal("kvajT1Ptam85bY51eRf/AJRuM3w=", TwilioSignature.Compute(Token, UrlWithPort, Form));

    [Fact]
    public void Compute_Vector3GetWithoutParameters_MatchesPublishedSignature() =>
        Assert.Equal("zYQTYrRWXE7LtzbG4PfP7/bkkGo=", TwilioSignature.Compute(Token, Url));

    [Fact]
    public void Compute_Vector4JsonBodyUrl_MatchesPublishedSignature() =>
        Assert.Equal("a9nBmqA0ju/hNViExpshrM61xv4=", TwilioSignature.Compute(Token, JsonUrl));

    [Fact]
    public void ComputeBodySha256_Vector4Body_EqualsQueryValue() =>
        Assert.Equal(JsonBodyHash, TwilioSignature.ComputeBodySha256(Encoding.UTF8.GetBytes(JsonBody)));

    [Fact]
    public void Compute_ShuffledFormOrder_SignsKeysInOrdinalOrder()
    {
        // Independent oracle: HMAC over the concatenation published in §1.6.
        const string data = "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212";
        string expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data)));

        Assert.Equal(expected, TwilioSignature.Compute(Token, Url, Form.Reverse()));
    }

    [Fact]
    public void Compute_KeysDifferingOnlyInCase_SortsUppercaseFirst()
    {
        // Ordinal order puts 'B' (0x42) before 'a' (0x61); a culture-aware sort would not.
        const string data = "https://x.test/Bb2aa1";
        string expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data)));

        Assert.Equal(expected, TwilioSignature.Compute(Token, "https://x.test/", [new("a", "a1"), new("B", "b2")]));
    }

    [Fact]
    public void Compute_RepeatedKey_SignsEachDistinctValueSorted()
    {
        const string data = "https://x.test/kakbkc";
        string expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data)));

        Assert.Equal(expected, TwilioSignature.Compute(Token, "https://x.test/", [new("k", "c"), new("k", "a"), new("k", "b"), new("k", "a")]));
    }
}
