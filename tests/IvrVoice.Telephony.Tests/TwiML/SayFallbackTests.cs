using IvrVoice.Telephony.Tests.Interop;
using IvrVoice.Telephony.TwiML;

namespace IvrVoice.Telephony.Tests.TwiML;

public sealed class SayFallbackTests(TwilioNodeOracle node) : IClassFixture<TwilioNodeOracle>
{
    // The 30 prebuilt voices of providers.md §2.7, with the genders Google publishes for the same names (Chirp 3 HD table).
    private static readonly string[] Female = ["Achernar", "Aoede", "Autonoe", "Callirrhoe", "Despina", "Erinome", "Gacrux", "Kore", "Laomedeia", "Leda", "Pulcherrima", "Sulafat", "Vindemiatrix", "Zephyr"];
    private static readonly string[] Male = ["Achird", "Algenib", "Algieba", "Alnilam", "Charon", "Enceladus", "Fenrir", "Iapetus", "Orus", "Puck", "Rasalgethi", "Sadachbia", "Sadaltager", "Schedar", "Umbriel", "Zubenelgenubi"];

    private static readonly string[] Languages =
    [
        "en-US", "en-GB", "en-AU", "en-IN", "en-IE", "en-NZ", "en-ZA", "en-CA", "en", "de-DE", "de-AT", "de-CH", "de", "fr-FR", "fr-CA", "fr",
        "es-ES", "es-US", "es-MX", "es-AR", "es", "it-IT", "pt-BR", "pt-PT", "pt", "nl-NL", "nl-BE", "ja-JP", "ko-KR", "cmn-CN", "zh-CN", "zh-Hans-CN",
        "zh", "ar-AE", "ar", "hi-IN", "sv-SE", "nb-NO", "no", "pl-PL", "da-DK", "fi-FI", "ca-ES", "tr-TR", "ru-RU", "id-ID", "vi-VN", "th-TH",
        "bn-IN", "ta-IN", "te-IN", "sw-KE", "xx-YY", "", "  ", "en_us", "EN-gb",
    ];

    [SkippableFact]
    public void GeminiVoices_ThirtyKnownNames() =>
        Assert.Equal(Female.Concat(Male).Order(StringComparer.Ordinal), SayFallback.GeminiVoices.Order(StringComparer.Ordinal));

    [SkippableFact]
    public void MapVoice_EveryVoiceAndLanguage_IsAVoiceAndLanguageTheTwilioLibraryKnows()
    {
        (ISet<string> voices, ISet<string> languages) = node.SayVocabulary();
        foreach (SayVoiceFamily family in Enum.GetValues<SayVoiceFamily>())
        {
            foreach (string voice in Female.Concat(Male).Append("Unknown"))
            {
                foreach (string language in Languages)
                {
                    SayVoice mapped = SayFallback.MapVoice(voice, language, family);
                    Assert.True(voices.Contains(mapped.Voice), $"{voice}/{language}/{family} -> unknown Twilio voice {mapped.Voice}");
                    Assert.True(languages.Contains(mapped.Language), $"{voice}/{language}/{family} -> unknown Twilio language {mapped.Language}");
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData("Kore", "en-US", "Polly.Joanna-Neural", "en-US")]
    [InlineData("Puck", "en-US", "Polly.Matthew-Neural", "en-US")]
    [InlineData("Zephyr", "en-GB", "Polly.Amy-Neural", "en-GB")]
    [InlineData("Charon", "en-GB", "Polly.Brian-Neural", "en-GB")]
    [InlineData("Fenrir", "en-AU", "Polly.Olivia-Neural", "en-AU")]
    [InlineData("Aoede", "de", "Polly.Vicki-Neural", "de-DE")]
    [InlineData("Orus", "de-CH", "Polly.Daniel-Neural", "de-DE")]
    [InlineData("Leda", "fr-CA", "Polly.Gabrielle-Neural", "fr-CA")]
    [InlineData("Schedar", "es-MX", "Polly.Andres-Neural", "es-MX")]
    [InlineData("Despina", "es-AR", "Polly.Lucia-Neural", "es-ES")]
    [InlineData("Algieba", "pt", "Polly.Thiago-Neural", "pt-BR")]
    [InlineData("Gacrux", "ja-JP", "Polly.Kazuha-Neural", "ja-JP")]
    [InlineData("Iapetus", "zh-Hans-CN", "Polly.Zhiyu-Neural", "cmn-CN")]
    [InlineData("Sulafat", "en_us", "Polly.Joanna-Neural", "en-US")]
    [InlineData("puck", "EN-gb", "Polly.Brian-Neural", "en-GB")]
    [InlineData("Umbriel", "ru-RU", "Google.ru-RU-Chirp3-HD-Charon", "ru-RU")]
    [InlineData("Puck", "vi-VN", "Google.vi-VN-Chirp3-HD-Puck", "vi-VN")]
    [InlineData("Kore", "sw-KE", "Polly.Joanna-Neural", "en-US")]
    [InlineData(null, null, "Polly.Joanna-Neural", "en-US")]
    [InlineData("NotAVoice", "it-IT", "Polly.Bianca-Neural", "it-IT")]
    public void MapVoice_PollyFirst_ChoosesByLanguageAndGender(string? geminiVoice, string? language, string expectedVoice, string expectedLanguage) =>
        Assert.Equal(new SayVoice(expectedVoice, expectedLanguage), SayFallback.MapVoice(geminiVoice, language));

    [SkippableTheory]
    [InlineData("Kore", "en-US", "Google.en-US-Chirp3-HD-Kore", "en-US")]
    [InlineData("Puck", "de-DE", "Google.de-DE-Chirp3-HD-Puck", "de-DE")]
    [InlineData("Sulafat", "fr", "Google.fr-FR-Chirp3-HD-Kore", "fr-FR")]
    [InlineData("Algenib", "ja-JP", "Google.ja-JP-Chirp3-HD-Charon", "ja-JP")]
    [InlineData("Kore", "sv-SE", "Polly.Elin-Neural", "sv-SE")]
    public void MapVoice_GoogleFirst_KeepsSameVoiceWhereTwilioHasIt(string geminiVoice, string language, string expectedVoice, string expectedLanguage) =>
        Assert.Equal(new SayVoice(expectedVoice, expectedLanguage), SayFallback.MapVoice(geminiVoice, language, SayVoiceFamily.GoogleChirp3HD));

    [SkippableFact]
    public void MapVoice_FemaleAndMaleVoices_MapToDifferentPollyVoicesWhereBothExist()
    {
        Assert.All(Female, v => Assert.Equal("Polly.Joanna-Neural", SayFallback.MapVoice(v, "en-US").Voice));
        Assert.All(Male, v => Assert.Equal("Polly.Matthew-Neural", SayFallback.MapVoice(v, "en-US").Voice));
    }

    [SkippableTheory]
    [InlineData("[whispers] Your call is important to us.", "Your call is important to us.")]
    [InlineData("For sales, press 1. [short pause] For support, press 2.", "For sales, press 1. For support, press 2.")]
    [InlineData("Hello [laughs], welcome!", "Hello, welcome!")]
    [InlineData("<sigh> Sorry, that option is not available.", "Sorry, that option is not available.")]
    [InlineData("<whisper>Quietly</whisper> now.", "Quietly now.")]
    [InlineData("[ excited ]Great news![long pause]", "Great news!")]
    [InlineData("Press [1] or <3 for a < b > c.", "Press [1] or <3 for a < b > c.")]
    [InlineData("Balance: $5 [sic]", "Balance: $5")]
    [InlineData("No tags here.", "No tags here.")]
    [InlineData("Zeile eins\nZeile [ruhig] zwei", "Zeile eins\nZeile zwei")]
    public void StripAudioTags_GeminiTags_Removed(string text, string expected) => Assert.Equal(expected, SayFallback.StripAudioTags(text));

    [SkippableFact]
    public void SayFallback_OnlyTags_Throws() =>
        Assert.Throws<ArgumentException>(() => new VoiceResponse().SayFallback("[laughs] <sigh>", "Kore", "en-US"));
}
