using IvrVoice.Prompts.Ssml;

namespace IvrVoice.Prompts.Tests.Ssml;

public sealed class SpeechTextTests
{
    [Theory]
    [InlineData("Thank you for calling.")]
    [InlineData("If your balance is < 5 dollars, press 1.")]
    [InlineData("[whispers] Please hold.")]
    [InlineData("<sigh> Please hold. </sigh>")]
    [InlineData("Fish & chips")]
    public void Prepare_PlainTextOrAudioTags_PassesUnchanged(string text)
    {
        Assert.False(SpeechText.LooksLikeSsml(text));
        Assert.Same(text, SpeechText.Prepare(text, "en-US", "gemini-3.8-flash-tts"));
    }

    [Theory]
    [InlineData("<speak>Hello</speak>")]
    [InlineData("  <?xml version=\"1.0\"?><speak>Hello</speak>")]
    [InlineData("Your code is <say-as interpret-as=\"characters\">AB3</say-as>.")]
    [InlineData("Hello <break time=\"1s\"/> there")]
    [InlineData("Hello <prosody rate=\"slow\">there</prosody>")]
    [InlineData("Hello <emphasis>there</emphasis>")]
    [InlineData("Hello <foo bar=\"1\">there</foo>")]
    [InlineData("Hello <foo/> there")]
    public void LooksLikeSsml_SsmlShapes_IsTrue(string text) => Assert.True(SpeechText.LooksLikeSsml(text));

    [Theory]
    [InlineData("<speak>Your code is <say-as interpret-as=\"characters\">AB3</say-as>.</speak>", "en-US", "Your code is A, B, three.")]
    [InlineData("<speak>Your code is <say-as interpret-as=\"spell-out\">b7</say-as>.</speak>", "es-US", "Your code is be larga, siete.")]
    [InlineData("<speak>You are caller <say-as interpret-as=\"ordinal\">3</say-as> in line.</speak>", "en-US", "You are caller third in line.")]
    [InlineData("<speak><say-as interpret-as=\"cardinal\">105</say-as> items</speak>", "en-US", "one hundred five items")]
    [InlineData("<speak><say-as interpret-as=\"number\">21</say-as></speak>", "es-US", "veintiuno")]
    [InlineData("<speak>Call <say-as interpret-as=\"telephone\">555-010-0199</say-as></speak>", "en-US", "Call five five five, zero one zero, zero one nine nine")]
    [InlineData("<speak>PIN <say-as interpret-as=\"digits\">0042</say-as></speak>", "en-US", "PIN zero zero four two")]
    [InlineData("<speak>On <say-as interpret-as=\"date\" format=\"mdy\">12/03/2026</say-as></speak>", "en-US", "On December third, twenty twenty-six")]
    [InlineData("<speak>On <say-as interpret-as=\"date\" format=\"dm\">1/3</say-as></speak>", "es-US", "On primero de marzo")]
    [InlineData("<speak>On <say-as interpret-as=\"date\" format=\"md\">02-29</say-as></speak>", "en-US", "On February twenty-ninth")]
    [InlineData("<speak>On <say-as interpret-as=\"date\">2026-12-31</say-as></speak>", "en-US", "On December thirty-first, twenty twenty-six")]
    [InlineData("<speak>At <say-as interpret-as=\"time\">15:05</say-as></speak>", "en-US", "At three oh five p.m.")]
    [InlineData("<speak>A las <say-as interpret-as=\"time\">12:00</say-as></speak>", "es-US", "A las mediodía")]
    [InlineData("<speak>Debe <say-as interpret-as=\"currency\">21 USD</say-as></speak>", "es-US", "Debe veintiún dólares")]
    [InlineData("<speak>Owe <say-as interpret-as=\"currency\" detail=\"usd\">12.50</say-as></speak>", "en-US", "Owe twelve dollars and fifty cents")]
    [InlineData("<speak>Press <sub alias=\"the pound key\">#</sub>.</speak>", "en-US", "Press the pound key.")]
    [InlineData("<speak><p>Welcome</p><p><s>Press one</s><s>Press two</s></p></speak>", "en-US", "Welcome. Press one. Press two.")]
    [InlineData("<speak>Fish &amp; chips</speak>", "en-US", "Fish & chips")]
    [InlineData("Plain <say-as interpret-as=\"digits\">12</say-as> fragment", "en-US", "Plain one two fragment")]
    [InlineData("<speak xmlns=\"http://www.w3.org/2001/10/synthesis\" version=\"1.0\" xml:lang=\"en-US\">Hi<!-- note --></speak>", "en-US", "Hi")]
    public void Prepare_SupportedSsml_BecomesPlainWords(string ssml, string language, string expected) =>
        Assert.Equal(expected, SpeechText.Prepare(ssml, language));

    [Theory]
    [InlineData("gemini-3.1-flash-tts", "<break time=\"500ms\"/>", "One [short pause] two")]
    [InlineData("gemini-3.1-flash-tts", "<break time=\"2s\"/>", "One [long pause] two")]
    [InlineData("gemini-3.1-flash-tts", "<break strength=\"strong\"/>", "One [long pause] two")]
    [InlineData("gemini-3.1-flash-tts", "<break/>", "One [short pause] two")]
    [InlineData("gemini-3.8-flash-tts", "<break time=\"700ms\"/>", "One <short pause> two")]
    [InlineData("gemini-3.8-flash-lite-tts", "<break time=\"1.5s\"/>", "One <long pause> two")]
    [InlineData("espeak-ng", "<break time=\"500ms\"/>", "One. two")]
    [InlineData("espeak-ng", "<break time=\"2s\"/>", "One... two")]
    [InlineData("gemini-3.1-flash-tts", "<break strength=\"weak\"/>", "One, two")]
    [InlineData("gemini-3.1-flash-tts", "<break strength=\"none\"/>", "One two")]
    [InlineData(null, "<break time=\"500ms\"/>", "One. two")]
    public void Prepare_Break_BecomesThePauseTheModelUnderstands(string? model, string breakTag, string expected) =>
        Assert.Equal(expected, SpeechText.Prepare($"<speak>One {breakTag} two</speak>", "en-US", model));

    [Theory]
    [InlineData("<speak>Hello <prosody rate=\"slow\">there</prosody></speak>", "element <prosody> is not supported")]
    [InlineData("<speak>Hello <emphasis>there</emphasis></speak>", "element <emphasis> is not supported")]
    [InlineData("<speak><audio src=\"http://x/a.wav\"/></speak>", "element <audio> is not supported")]
    [InlineData("<speak>Hi <amazon:effect name=\"whispered\">x</amazon:effect></speak>", "element <amazon:effect> is not supported")]
    [InlineData("<speak>Hello <break time=\"1s\"></speak>", "malformed XML")]
    [InlineData("<speak>Fish & chips</speak>", "malformed XML")]
    [InlineData("<speak>Hello", "malformed XML")]
    [InlineData("<!DOCTYPE speak [<!ENTITY x \"boom\">]><speak>&x;</speak>", "malformed XML")]
    [InlineData("<speak><say-as interpret-as=\"expletive\">darn</say-as></speak>", "interpret-as=\"expletive\"> is not supported")]
    [InlineData("<speak><say-as>12</say-as></speak>", "needs an interpret-as attribute")]
    [InlineData("<speak><say-as interpret-as=\"date\">tomorrow</say-as></speak>", "does not match format mdy")]
    [InlineData("<speak><say-as interpret-as=\"date\" format=\"ymd\">2027-02-29</say-as></speak>", "not a real calendar date")]
    [InlineData("<speak><say-as interpret-as=\"date\" format=\"y\">2027</say-as></speak>", "format=\"y\"> is not supported")]
    [InlineData("<speak><say-as interpret-as=\"time\">25:00</say-as></speak>", "out of range")]
    [InlineData("<speak><say-as interpret-as=\"cardinal\">many</say-as></speak>", "not a number")]
    [InlineData("<speak><say-as interpret-as=\"currency\">12 JPY</say-as></speak>", "not supported")]
    [InlineData("<speak><say-as interpret-as=\"digits\"><b>1</b></say-as></speak>", "may hold only text, not <b>")]
    [InlineData("<speak><break time=\"soon\"/></speak>", "not a time such as 500ms")]
    [InlineData("<speak><break time=\"20s\"/></speak>", "longer than 10s")]
    [InlineData("<speak><break strength=\"huge\"/></speak>", "must be one of none")]
    [InlineData("<speak><break time=\"1s\">x</break></speak>", "<break> must be empty")]
    [InlineData("<speak><sub>WWW</sub></speak>", "needs an alias attribute")]
    [InlineData("<speak><say-as interpret-as=\"digits\" lang=\"x\">1</say-as></speak>", "attribute 'lang' of <say-as> is not supported")]
    [InlineData("<voice name=\"x\">Hi</voice>", "element <voice> is not supported")]
    public void Prepare_UnsupportedOrMalformedSsml_IsRefusedNamingTheProblem(string ssml, string message)
    {
        PromptRequestException e = Assert.Throws<PromptRequestException>(() => SpeechText.Prepare(ssml, "en-US", "gemini-3.1-flash-tts"));
        Assert.StartsWith("SSML: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_SayAsInLanguageWithoutWords_IsRefused()
    {
        PromptRequestException e = Assert.Throws<PromptRequestException>(() =>
            SpeechText.Prepare("<speak><say-as interpret-as=\"digits\">12</say-as></speak>", "fr-FR"));
        Assert.Contains("fr-FR", e.Message, StringComparison.Ordinal);
        Assert.Equal("Bonjour", SpeechText.Prepare("<speak>Bonjour</speak>", "fr-FR"));
    }

    [Theory]
    [InlineData("<speak>Hello <say-as interpret-as=\"digits\">12</say-as> <break time=\"300ms\"/> <sub alias=\"x\">y</sub></speak>")]
    [InlineData("<speak><p><s>One</s></p></speak>")]
    public void Prepare_SupportedSsml_NeverLeavesATagToBeReadAloud(string ssml)
    {
        string text = SpeechText.Prepare(ssml, "en-US", "gemini-3.1-flash-tts");
        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
        Assert.DoesNotContain(">", text, StringComparison.Ordinal);
        Assert.DoesNotContain("say-as", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemini-3.1-flash-tts")]
    [InlineData("gemini-3.8-flash-tts")]
    [InlineData("espeak-ng")]
    public void Prepare_TwiceOverTranslatedText_ChangesNothingMore(string model)
    {
        string once = SpeechText.Prepare("<speak>Wait <break time=\"600ms\"/> then <break time=\"3s\"/> go.</speak>", "en-US", model);
        Assert.False(SpeechText.LooksLikeSsml(once));
        Assert.Equal(once, SpeechText.Prepare(once, "en-US", model));
    }
}
