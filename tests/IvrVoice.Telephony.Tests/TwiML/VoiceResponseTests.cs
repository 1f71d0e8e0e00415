using System.Text;
using System.Xml.Linq;
using IvrVoice.Telephony.Tests.Interop;
using IvrVoice.Telephony.TwiML;

namespace IvrVoice.Telephony.Tests.TwiML;

/// <summary>Every document built here is also rebuilt by the official twilio library in Node, which must know each verb and
/// attribute and serialise the same bytes.</summary>
public sealed class VoiceResponseTests(TwilioNodeOracle node) : IClassFixture<TwilioNodeOracle>
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private void AssertTwiML(string expectedBody, VoiceResponse sut)
    {
        string xml = sut.ToXml();
        Assert.Equal(Declaration + expectedBody, xml);
        (string rebuilt, IReadOnlyList<string> problems) = node.Rebuild(xml);
        Assert.Empty(problems);
        Assert.Equal(xml, rebuilt);
    }

    [SkippableFact]
    public void ToXml_EmptyResponse_SelfClosingRoot() => AssertTwiML("<Response/>", new VoiceResponse());

    [SkippableFact]
    public void Say_AllAttributes_WritesTwilioNames() =>
        AssertTwiML("<Response><Say voice=\"Polly.Joanna-Neural\" language=\"en-US\" loop=\"2\">Welcome.</Say></Response>",
            new VoiceResponse().Say("Welcome.", voice: "Polly.Joanna-Neural", language: "en-US", loop: 2));

    [SkippableFact]
    public void Say_MarkupAndQuotesInText_Escaped() =>
        AssertTwiML("<Response><Say>Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; \"quoted\" 'single' ]]&gt; &amp;amp;</Say></Response>",
            new VoiceResponse().Say("Tom & Jerry <b>bold</b> \"quoted\" 'single' ]]> &amp;"));

    [SkippableFact]
    public void Say_InjectionAttempt_StaysText()
    {
        string text = "</Say><Dial>+15550100</Dial><Say>";
        string xml = new VoiceResponse().Say(text).ToXml();

        XElement say = Assert.Single(XDocument.Parse(xml).Root!.Elements());
        Assert.Equal("Say", say.Name.LocalName);
        Assert.Equal(text, say.Value);
        AssertTwiML("<Response><Say>&lt;/Say&gt;&lt;Dial&gt;+15550100&lt;/Dial&gt;&lt;Say&gt;</Say></Response>", new VoiceResponse().Say(text));
    }

    [SkippableFact]
    public void Say_LineBreaksAndUnicode_Preserved() =>
        AssertTwiML("<Response><Say language=\"de-DE\">Grüße,&#xD;\nZoë — 日本 😀</Say></Response>",
            new VoiceResponse().Say("Grüße,\r\nZoë — 日本 😀", language: "de-DE"));

    [SkippableFact]
    public void Play_UrlLoopAndDigits_WritesAttributes()
    {
        AssertTwiML("<Response><Play loop=\"0\">https://ivr.example.com/prompts/ab12.wav?v=1&amp;x=2</Play><Play digits=\"ww1234#\"/></Response>",
            new VoiceResponse().Play("https://ivr.example.com/prompts/ab12.wav?v=1&x=2", loop: 0).Play(digits: "ww1234#"));
    }

    [SkippableFact]
    public void Gather_AllOptionsAndNestedPrompts_WritesStructure()
    {
        VoiceResponse sut = new VoiceResponse().Gather(
            new GatherOptions
            {
                Action = "/twilio/voice/main/menu?step=1&lang=en", Method = TwiMLMethod.Post, Input = GatherInput.Dtmf | GatherInput.Speech,
                NumDigits = 1, Timeout = 7, FinishOnKey = "", ActionOnEmptyResult = true, Language = "en-GB",
                Hints = "sales, support", SpeechTimeout = "auto",
            },
            g => g.Play("https://ivr.example.com/prompts/menu.wav").Say("Or say sales."));

        AssertTwiML(
            "<Response><Gather action=\"/twilio/voice/main/menu?step=1&amp;lang=en\" method=\"POST\" input=\"dtmf speech\" numDigits=\"1\" timeout=\"7\" "
            + "finishOnKey=\"\" actionOnEmptyResult=\"true\" language=\"en-GB\" hints=\"sales, support\" speechTimeout=\"auto\">"
            + "<Play>https://ivr.example.com/prompts/menu.wav</Play><Say>Or say sales.</Say></Gather></Response>",
            sut);
    }

    [SkippableFact]
    public void Gather_NoOptionsNoPrompts_EmptyElement() =>
        AssertTwiML("<Response><Gather/><Gather input=\"speech\" speechTimeout=\"3\"/></Response>",
            new VoiceResponse().Gather().Gather(new GatherOptions { Input = GatherInput.Speech, SpeechTimeout = "3" }));

    [SkippableFact]
    public void MenuFlow_GatherThenRedirect_TypicalDocument()
    {
        VoiceResponse sut = new VoiceResponse()
            .Gather(new GatherOptions { Action = "/twilio/voice/main/menu", NumDigits = 1, Timeout = 5 }, g => g.Play("/prompts/k1.wav"))
            .Redirect("/twilio/voice/main?retry=1", TwiMLMethod.Post);

        AssertTwiML("<Response><Gather action=\"/twilio/voice/main/menu\" numDigits=\"1\" timeout=\"5\"><Play>/prompts/k1.wav</Play></Gather>"
            + "<Redirect method=\"POST\">/twilio/voice/main?retry=1</Redirect></Response>", sut);
    }

    [SkippableFact]
    public void Dial_NumberText_WritesNumber() =>
        AssertTwiML("<Response><Dial>+15550123</Dial></Response>", new VoiceResponse().Dial("+15550123"));

    [SkippableFact]
    public void Hangup_WritesEmptyVerb() =>
        AssertTwiML("<Response><Hangup/></Response>", new VoiceResponse().Hangup());

    [SkippableFact]
    public void Attributes_QuotesAndWhitespaceInValues_Escaped() =>
        AssertTwiML("<Response><Redirect>/x?a=\"b\"</Redirect><Gather hints=\"a&quot;b&#x9;c&#xA;d &lt; e > f &amp; g\"/></Response>",
            new VoiceResponse().Redirect("/x?a=\"b\"").Gather(new GatherOptions { Hints = "a\"b\tc\nd < e > f & g" }));

    [SkippableFact]
    public void SayFallback_TaggedGeminiPrompt_SaysCleanTextWithMappedVoice() =>
        AssertTwiML("<Response><Gather numDigits=\"1\"><Say voice=\"Polly.Matthew-Neural\" language=\"en-US\">For sales, press 1.</Say></Gather>"
            + "<Say voice=\"Polly.Vicki-Neural\" language=\"de-DE\">Auf Wiederhören!</Say>"
            + "<Say voice=\"Google.de-DE-Chirp3-HD-Kore\" language=\"de-DE\" loop=\"1\">Tschüss.</Say></Response>",
            new VoiceResponse()
                .Gather(new GatherOptions { NumDigits = 1 }, g => g.SayFallback("[short pause] For sales, press 1.", "Charon", "en-US"))
                .SayFallback("<sigh> Auf Wiederhören!", "Kore", "de")
                .SayFallback("[warmly] Tschüss.", "Kore", "de-DE", loop: 1, family: SayVoiceFamily.GoogleChirp3HD));

    [SkippableFact]
    public void Say_ControlCharacter_ThrowsNamingPosition()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new VoiceResponse().Say("Press\u0007 1"));
        Assert.Contains("U+0007 at index 5", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Say_LoneSurrogate_Throws() => Assert.Throws<ArgumentException>(() => new VoiceResponse().Say("a\uD800b"));

    [SkippableTheory]
    [InlineData("")]
    [InlineData("   ")]
    public void Say_BlankText_Throws(string text) => Assert.Throws<ArgumentException>(() => new VoiceResponse().Say(text));

    [SkippableFact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => new VoiceResponse().Play());
        Assert.Throws<ArgumentException>(() => new VoiceResponse().Play(digits: "12x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceResponse().Play("/a.wav", loop: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceResponse().Gather(new GatherOptions { NumDigits = 0 }));
        Assert.Throws<ArgumentException>(() => new VoiceResponse().Gather(new GatherOptions { FinishOnKey = "##" }));
        Assert.Throws<ArgumentException>(() => new VoiceResponse().Gather(new GatherOptions { SpeechTimeout = "soon" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceResponse().Gather(new GatherOptions { Input = (GatherInput)4 }));
        Assert.Throws<ArgumentException>(() => new VoiceResponse().Redirect(" "));
        Assert.Throws<ArgumentException>(() => new VoiceResponse().Dial(""));
    }

    [SkippableFact]
    public void ToXml_AtLimit_Succeeds()
    {
        int overhead = Encoding.UTF8.GetByteCount(Declaration + "<Response><Say></Say></Response>");
        VoiceResponse sut = new VoiceResponse().Say(new string('a', VoiceResponse.MaxDocumentBytes - overhead));

        Assert.Equal(VoiceResponse.MaxDocumentBytes, sut.ToUtf8Bytes().Length);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(3_000)]
    [InlineData(20_000)]
    public void ToUtf8Bytes_OneThreadManyDocuments_EachIsItsXmlEncoded(int length)
    {
        // Documents of every size on one thread, small after large: each is exactly its own text as UTF-8 (four-byte
        // characters included), whatever was written before it.
        string text = string.Concat(Enumerable.Repeat("é\uD83D\uDE00a", length / 4 + 1))[..(length - length % 4)];
        VoiceResponse large = new VoiceResponse().Say(text).Play("https://ivr.test/a.wav");
        VoiceResponse small = new VoiceResponse().Hangup();

        Assert.Equal(Encoding.UTF8.GetBytes(large.ToXml()), large.ToUtf8Bytes());
        Assert.Equal(Encoding.UTF8.GetBytes(Declaration + "<Response><Hangup/></Response>"), small.ToUtf8Bytes());
        Assert.Equal(Encoding.UTF8.GetBytes(large.ToXml()), large.ToUtf8Bytes());
        Assert.Contains(text, Encoding.UTF8.GetString(large.ToUtf8Bytes()), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ToXml_OverLimitAfterEscaping_ThrowsTooLarge()
    {
        // 13,000 '&' become 65,000 bytes of '&amp;': the limit applies to the escaped, encoded document.
        VoiceResponse sut = new VoiceResponse().Say(new string('&', 13_000));

        TwiMLTooLargeException error = Assert.Throws<TwiMLTooLargeException>(() => sut.ToXml());
        Assert.True(error.ActualBytes > VoiceResponse.MaxDocumentBytes);
        Assert.Contains("64 kB", error.Message, StringComparison.Ordinal);
        Assert.Throws<TwiMLTooLargeException>(() => sut.ToResult());
    }

    [SkippableFact]
    public void ToXml_MultiByteCharacters_CountsUtf8Bytes()
    {
        // 22,000 three-byte characters are 66,000 bytes although the string has only 22,000 chars.
        VoiceResponse sut = new VoiceResponse().Say(new string('日', 22_000));
        Assert.Throws<TwiMLTooLargeException>(() => sut.ToUtf8Bytes());
    }

    [Fact]
    public void ConnectStream_WithParametersAndAction_WritesTwiliosDocumentedShape()
    {
        // https://www.twilio.com/docs/voice/twiml/stream: <Connect action><Stream url="wss://…"><Parameter name value/></Stream></Connect>.
        string xml = new VoiceResponse()
            .ConnectStream("wss://ivr.example.com/twilio/stream", [new("p0", "a&b\"c")], "https://ivr.example.com/next", TwiMLMethod.Post)
            .ToXml();

        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect action=\"https://ivr.example.com/next\" method=\"POST\">"
            + "<Stream url=\"wss://ivr.example.com/twilio/stream\"><Parameter name=\"p0\" value=\"a&amp;b&quot;c\"/></Stream></Connect></Response>",
            xml);
    }

    [Theory]
    [InlineData("https://ivr.example.com/twilio/stream")]
    [InlineData("wss://ivr.example.com/twilio/stream?call=1")]
    [InlineData("")]
    public void ConnectStream_NotAWebSocketAddressWithoutQuery_Throws(string url)
    {
        Assert.ThrowsAny<ArgumentException>(() => new VoiceResponse().ConnectStream(url));
    }

    [Fact]
    public void VoiceResponse_PublicVerbs_AreTheOnesTheServiceWrites()
    {
        // docs/twilio.md "## TwiML": the builder writes the verbs IvrVoice uses, and only those.
        Assert.Equal(
            ["ConnectStream", "Dial", "Gather", "Hangup", "Play", "Redirect", "Say", "SayFallback", "ToString", "ToUtf8Bytes", "ToXml"],
            PublicMethods(typeof(VoiceResponse)));
    }

    [Fact]
    public void GatherPrompts_PublicVerbs_AreTheOnesAMenuNests()
    {
        Assert.Equal(["Play", "Say", "SayFallback"], PublicMethods(typeof(GatherPrompts)));
    }

    private static string[] PublicMethods(Type type) =>
        [.. type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Select(m => m.Name).Distinct().Order(StringComparer.Ordinal)];
}
