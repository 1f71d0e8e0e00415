using System.Xml.Linq;
using IvrVoice.Telephony.Signatures;
using IvrVoice.Telephony.TwiML;
using Microsoft.Extensions.Primitives;
using TwilioGather = Twilio.TwiML.Voice.Gather;
using TwilioValidator = Twilio.Security.RequestValidator;
using TwilioVoiceResponse = Twilio.TwiML.VoiceResponse;

namespace IvrVoice.Telephony.Tests.Interop;

/// <summary>
/// Twilio's own C# library (Twilio 8.2.0) as a second oracle beside the Node one: its <c>RequestValidator</c> accepts what
/// we sign and refuses what we refuse, with HMAC-SHA1 and with HMAC-SHA256 (its <c>X-Twilio-Webhooks-Signature-Settings</c>);
/// its TwiML builder writes the same documents as ours. The known differences (see docs/twilio.md) are asserted as such.
/// </summary>
public sealed class TwilioCSharpOracleTests
{
    private const string Token = "f4c1d5a2b9e8437a8d1c2b3a4f5e6d7c";

    public static TheoryData<string, TwilioSignatureAlgorithm> UrlsAndAlgorithms()
    {
        TheoryData<string, TwilioSignatureAlgorithm> data = [];
        foreach (string url in new[]
        {
            "https://ivr.example.com/twilio/voice/main",
            "https://ivr.example.com/twilio/voice/main?flow=main&attempt=2",
            "https://ivr.example.com:8443/twilio/voice/main",
            "http://127.0.0.1:5080/twilio/voice/main?x=%20y&y=a+b",
            "https://example.com/ivr/twilio/voice/main?name=J%C3%BCrgen&empty=",
            "https://IVR.Example.com/Twilio/Voice/Main",
        })
        {
            data.Add(url, TwilioSignatureAlgorithm.HmacSha1);
            data.Add(url, TwilioSignatureAlgorithm.HmacSha256);
        }

        return data;
    }

    private static Dictionary<string, string> VoiceWebhook() => new(StringComparer.Ordinal)
    {
        ["AccountSid"] = "AC00000000000000000000000000000000", ["CallSid"] = "CA11111111111111111111111111111111",
        ["From"] = "+14155550100", ["To"] = "+14155550199", ["CallStatus"] = "in-progress", ["Direction"] = "inbound",
        ["Digits"] = "1#", ["SpeechResult"] = "Grüße, zoë — 日本 ", ["Confidence"] = "0.91", ["caller"] = "lowercase key", ["Empty"] = "",
    };

    private static KeyValuePair<string, StringValues>[] Form(Dictionary<string, string> parameters) =>
        [.. parameters.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value))];

    private static string? Settings(TwilioSignatureAlgorithm algorithm) => algorithm == TwilioSignatureAlgorithm.HmacSha256 ? "HMAC_SHA256" : null;

    [Theory]
    [MemberData(nameof(UrlsAndAlgorithms))]
    public void Validate_OurSignature_AcceptedByTwilioAndUs(string url, TwilioSignatureAlgorithm algorithm)
    {
        Dictionary<string, string> form = VoiceWebhook();
        string signature = TwilioSignature.Compute(Token, url, form, algorithm);

        Assert.True(new TwilioValidator(Token).Validate(url, form, signature, Settings(algorithm)));
        Assert.Equal(TwilioSignatureCheck.Valid, new TwilioRequestValidator(Token).Validate(url, signature, Form(form), algorithm));
    }

    [Theory]
    [MemberData(nameof(UrlsAndAlgorithms))]
    public void Validate_TamperedOrOtherAlgorithm_RefusedByTwilioAndUs(string url, TwilioSignatureAlgorithm algorithm)
    {
        Dictionary<string, string> form = VoiceWebhook();
        string signature = TwilioSignature.Compute(Token, url, form, algorithm);
        TwilioSignatureAlgorithm other = algorithm == TwilioSignatureAlgorithm.HmacSha1 ? TwilioSignatureAlgorithm.HmacSha256 : TwilioSignatureAlgorithm.HmacSha1;
        Dictionary<string, string> tampered = VoiceWebhook();
        tampered["Digits"] = "9";

        Assert.False(new TwilioValidator(Token).Validate(url, tampered, signature, Settings(algorithm)));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, new TwilioRequestValidator(Token).Validate(url, signature, Form(tampered), algorithm));
        Assert.False(new TwilioValidator(Token).Validate(url, form, signature, Settings(other)));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, new TwilioRequestValidator(Token).Validate(url, signature, Form(form), other));
        Assert.False(new TwilioValidator("ffffffffffffffffffffffffffffffff").Validate(url, form, signature, Settings(algorithm)));
        Assert.Equal(TwilioSignatureCheck.SignatureMismatch, new TwilioRequestValidator("ffffffffffffffffffffffffffffffff").Validate(url, signature, Form(form), algorithm));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("HMAC_SHA1", true)]
    [InlineData("HMAC_SHA256", true)]
    [InlineData("algorithm=HMAC_SHA256", false)]
    [InlineData("SHA512", false)]
    public void TryParseSettings_HeaderValues_AgreeWithTwilio(string? header, bool known)
    {
        const string url = "https://ivr.example.com/twilio/voice/main";
        Dictionary<string, string> form = VoiceWebhook();
        bool twilioAcceptsSha1 = new TwilioValidator(Token).Validate(url, form, TwilioSignature.Compute(Token, url, form, TwilioSignatureAlgorithm.HmacSha1), header);
        bool twilioAcceptsSha256 = new TwilioValidator(Token).Validate(url, form, TwilioSignature.Compute(Token, url, form, TwilioSignatureAlgorithm.HmacSha256), header);

        Assert.Equal(known, TwilioSignature.TryParseSettings(header, out TwilioSignatureAlgorithm algorithm));
        Assert.Equal(known && algorithm == TwilioSignatureAlgorithm.HmacSha1, twilioAcceptsSha1);
        Assert.Equal(known && algorithm == TwilioSignatureAlgorithm.HmacSha256, twilioAcceptsSha256);
    }

    [Fact]
    public void Validate_SignedWithoutPortArrivesWith443_KnownDifference_WeAcceptTwilioCSharpRefuses()
    {
        // Twilio signs the URL as configured; some requests arrive with the default port written out. The Node library
        // (and we) try both forms; Twilio 8.2.0's C# validator adds the port only when the URL lacks it.
        Dictionary<string, string> form = VoiceWebhook();
        string signature = TwilioSignature.Compute(Token, "https://ivr.example.com/twilio/voice/main", form);
        const string received = "https://ivr.example.com:443/twilio/voice/main";

        Assert.Equal(TwilioSignatureCheck.Valid, new TwilioRequestValidator(Token).Validate(received, signature, Form(form)));
        Assert.False(new TwilioValidator(Token).Validate(received, form, signature));
    }

    [Fact]
    public void Validate_ApostropheEscapedDifferently_KnownDifference_WeAcceptTwilioCSharpRefuses()
    {
        // Signed over "'" and received as "%27": the Node library also tries the escaped forms; Twilio 8.2.0 does not.
        Dictionary<string, string> form = VoiceWebhook();
        string signature = TwilioSignature.Compute(Token, "https://ivr.example.com/twilio/voice/main?name=O'Brien", form);
        const string received = "https://ivr.example.com/twilio/voice/main?name=O%27Brien";

        Assert.Equal(TwilioSignatureCheck.Valid, new TwilioRequestValidator(Token).Validate(received, signature, Form(form)));
        Assert.False(new TwilioValidator(Token).Validate(received, form, signature));
    }

    [Fact]
    public void VoiceResponse_MenuDocument_SameAsTwilioBuilder()
    {
        const string action = "https://ivr.example.com/twilio/voice/main/gather/welcome?lang=en-US&noinput=0";
        VoiceResponse ours = new VoiceResponse()
            .Gather(
                new GatherOptions
                {
                    Action = action, Method = TwiMLMethod.Post, Input = GatherInput.Dtmf | GatherInput.Speech, NumDigits = 1, Timeout = 5,
                    ActionOnEmptyResult = true, Language = "en-US", Hints = "billing, pay my bill",
                },
                prompts => prompts.Play("https://ivr.example.com/prompts/ab.wav").Say("Press 1 & say <billing>.", "Polly.Joanna-Neural", "en-US"))
            .Redirect(action, TwiMLMethod.Post)
            .Dial("+15035550140")
            .Hangup();

        TwilioVoiceResponse theirs = new();
        TwilioGather gather = new(
            input: [TwilioGather.InputEnum.Dtmf, TwilioGather.InputEnum.Speech], action: new Uri(action), method: Twilio.Http.HttpMethod.Post,
            numDigits: 1, timeout: 5, actionOnEmptyResult: true, language: "en-US", hints: "billing, pay my bill");
        gather.Play(new Uri("https://ivr.example.com/prompts/ab.wav"));
        gather.Say("Press 1 & say <billing>.", voice: "Polly.Joanna-Neural", language: "en-US");
        theirs.Append(gather);
        theirs.Redirect(new Uri(action), method: Twilio.Http.HttpMethod.Post);
        theirs.Dial("+15035550140");
        theirs.Hangup();

        Assert.Equal(Canonical(theirs.ToString()), Canonical(ours.ToXml()));
    }

    /// <summary>Elements in order with their attributes sorted and their text; whitespace between elements ignored.</summary>
    private static string Canonical(string xml)
    {
        static XElement Normalise(XElement e) => new(
            e.Name.LocalName,
            e.Attributes().OrderBy(a => a.Name.LocalName, StringComparer.Ordinal).Select(a => new XAttribute(a.Name.LocalName, a.Value)),
            e.HasElements ? e.Elements().Select(Normalise) : (object)e.Value);
        return Normalise(XDocument.Parse(xml).Root!).ToString(SaveOptions.DisableFormatting);
    }
}
