using IvrVoice.Telephony.Signatures;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using static IvrVoice.Telephony.Tests.Signatures.TwilioSignatureTests;

namespace IvrVoice.Telephony.Tests.Signatures;

/// <summary>
/// The check tries the URL as received first, from its origin and target without joining them, with pooled keyed HMACs;
/// the other forms only after that fails. These prove it accepts and refuses exactly what the signed-string form does.
/// </summary>
public sealed class SignatureFastPathTests
{
    private const string SecondToken = "second-token-67890";

    private static readonly TwilioRequestValidator Sut = new(Token, [SecondToken]);

    private static FormCollection FormOf(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new(pairs.ToDictionary(p => p.Key, p => new StringValues(p.Value), StringComparer.Ordinal));

    // (URL signed by Twilio, URL as the service sees it): every form the validator accepts or must refuse.
    public static TheoryData<string, string, bool> UrlPairs => new()
    {
        { "https://ivr.test/voice", "https://ivr.test/voice", true },
        { "https://ivr.test/voice", "https://ivr.test:443/voice", true },
        { "https://ivr.test:443/voice", "https://ivr.test/voice", true },
        { "http://ivr.test:80/voice?x=1", "http://ivr.test/voice?x=1", true },
        { "http://ivr.test:443/voice", "http://ivr.test/voice", false },
        { "https://ivr.test:8443/voice", "https://ivr.test:8443/voice", true },
        { "https://ivr.test/voice", "https://ivr.test:8443/voice", true },   // the port removed is a variant the libraries try
        { "https://ivr.test/voice?name=O%27Brien", "https://ivr.test/voice?name=O'Brien", true },
        { "https://ivr.test:443/voice?name=O%27Brien", "https://ivr.test/voice?name=O'Brien", true },
        { "https://ivr.test/other", "https://ivr.test/voice", false },
        { "https://evil.test/voice", "https://ivr.test/voice", false },
    };

    [Theory]
    [MemberData(nameof(UrlPairs))]
    public void Validate_OriginAndTarget_AcceptsExactlyWhatTheJoinedUrlDoes(string signedUrl, string receivedUrl, bool expected)
    {
        int pathStart = receivedUrl.IndexOf('/', receivedUrl.IndexOf("://", StringComparison.Ordinal) + 3);
        string origin = receivedUrl[..pathStart], target = receivedUrl[pathStart..];
        foreach (string token in new[] { Token, SecondToken, "not-a-configured-token" })
        {
            bool configured = token != "not-a-configured-token";
            foreach (TwilioSignatureAlgorithm algorithm in Enum.GetValues<TwilioSignatureAlgorithm>())
            {
                string signature = TwilioSignature.Compute(token, signedUrl, Form, algorithm);

                TwilioSignatureCheck joined = Sut.Validate(receivedUrl, signature, FormOf(Form), algorithm);
                TwilioSignatureCheck split = Sut.Validate(origin, target, signature, FormOf(Form), algorithm);

                TwilioSignatureCheck want = expected && configured ? TwilioSignatureCheck.Valid : TwilioSignatureCheck.SignatureMismatch;
                Assert.Equal(want, joined);
                Assert.Equal(want, split);
            }
        }
    }

    [Fact]
    public void Validate_SurrogatePairSplitBetweenKeyAndValue_SignsTheJoinedText()
    {
        // "😀" is \uD83D\uDE00: the key ends with its high half and the value starts with the low half. Signed as one string,
        // the pair is one 4-byte character; encoded piece by piece it would be two replacement characters.
        KeyValuePair<string, string>[] form = [new("Emoji\uD83D", "\uDE00 end"), new("A", "b")];
        string signature = Joined(Url + "Ab" + "Emoji\uD83D\uDE00 end");

        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(Url, signature, FormOf(form)));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(Url, TwilioSignature.Compute(Token, Url, [new("Emoji\uFFFD", "\uFFFD end"), new("A", "b")]), FormOf(form)));
    }

    [Fact]
    public void Validate_LongUrlAndValuesBeyondOneChunk_MatchesTheSignedString()
    {
        string url = "https://ivr.test/voice?" + string.Join('&', Enumerable.Range(0, 300).Select(i => $"k{i}=v{i}é"));
        KeyValuePair<string, string>[] form = [new("SpeechResult", new string('ü', 5000)), new("Digits", "12")];

        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(url, Joined(url + "Digits12SpeechResult" + new string('ü', 5000)), FormOf(form)));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, Sut.Validate(url, Joined(url + "x" + "Digits12SpeechResult" + new string('ü', 5000)), FormOf(form)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Validate_FourByteCharactersAcrossBufferEdges_MatchesTheSignedString(int offset)
    {
        // Emoji are two chars and four UTF-8 bytes each; shifting them by one to three ASCII characters puts a pair, or its
        // bytes, across every possible position of an internal buffer's edge somewhere in the 3,000 of them.
        string value = new string('a', offset) + string.Concat(Enumerable.Repeat("\uD83D\uDE00", 3000));
        KeyValuePair<string, string>[] form = [new("SpeechResult", value)];

        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(Url, Joined(Url + "SpeechResult" + value), FormOf(form)));
        Assert.Equal(Joined(Url + "SpeechResult" + value), TwilioSignature.Compute(Token, Url, form));
    }

    /// <summary>The published algorithm, independently: Base64(HMAC-SHA1(token, UTF-8 of the URL and the sorted fields joined)).</summary>
    private static string Joined(string signedText) =>
        Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(System.Text.Encoding.UTF8.GetBytes(Token), System.Text.Encoding.UTF8.GetBytes(signedText)));

    [Fact]
    public void Validate_ManyThreadsMixingValidAndForgedRequests_EachAnsweredAsAlone()
    {
        // Pooled HMACs and encoders are shared between requests: a forged request must never leave state that a later
        // valid one inherits, nor the reverse.
        string valid = TwilioSignature.Compute(Token, Url, Form);
        string forged = TwilioSignature.Compute("wrong", Url, Form);
        int wrong = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            bool shouldPass = i % 3 != 0;
            TwilioSignatureCheck result = Sut.Validate(Url, shouldPass ? valid : forged, FormOf(Form));
            if ((result == TwilioSignatureCheck.Valid) != shouldPass)
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Validate_MatchingFormRequest_AllocatesNothing()
    {
        FormCollection form = FormOf(Form);
        string signature = TwilioSignature.Compute(Token, Url, Form);
        const string origin = "https://mycompany.com", target = "/myapp.php?foo=1&bar=2";
        Assert.Equal(TwilioSignatureCheck.Valid, Sut.Validate(origin, target, signature, form, TwilioSignatureAlgorithm.HmacSha1));   // fills the pools

        long before = GC.GetAllocatedBytesForCurrentThread();
        TwilioSignatureCheck result = Sut.Validate(origin, target, signature, form, TwilioSignatureAlgorithm.HmacSha1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(TwilioSignatureCheck.Valid, result);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Sign_AfterDispose_ThrowsInsteadOfUsingReleasedHmacs()
    {
        TwilioSignatureHasher hasher = new(System.Text.Encoding.UTF8.GetBytes(Token));
        string before = hasher.Sign(Url, default, TwilioSignatureAlgorithm.HmacSha1);   // one HMAC now sits in the pool

        hasher.Dispose();

        // Twilio's definition with no form fields: Base64(HMAC-SHA1(token, URL)), computed here without the product's code.
        string expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(
            System.Text.Encoding.UTF8.GetBytes(Token), System.Text.Encoding.UTF8.GetBytes(Url)));
        Assert.Equal(expected, before);
        Assert.Throws<ObjectDisposedException>(() => hasher.Sign(Url, default, TwilioSignatureAlgorithm.HmacSha1));
        Assert.Throws<ObjectDisposedException>(() => hasher.Sign(Url, default, TwilioSignatureAlgorithm.HmacSha256));
    }
}
