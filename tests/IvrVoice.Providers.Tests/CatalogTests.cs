namespace IvrVoice.Providers.Tests;

public sealed class CatalogTests
{
    [Theory]
    [InlineData("kore", "Kore")]
    [InlineData(" ZUBENELGENUBI ", "Zubenelgenubi")]
    [InlineData("Sulafat", "Sulafat")]
    public void Normalize_GeminiVoiceAnyCase_ReturnsCanonicalCasing(string voice, string expected) =>
        Assert.Equal(expected, VoiceCatalog.Normalize(ModelCatalog.Gemini31FlashTts, voice));

    [Theory]
    [InlineData(ModelCatalog.Gemini31FlashTts, "alloy")]
    [InlineData(ModelCatalog.Gemini38FlashTts, "en-us")]
    [InlineData(ModelCatalog.EspeakNg, "")]
    [InlineData("gpt-4o-mini-tts", "Kore")]
    public void IsKnown_VoiceNotOfModel_False(string model, string voice) => Assert.False(VoiceCatalog.IsKnown(model, voice));

    [Theory]
    [InlineData("Kore", "Kore")]
    [InlineData("en-GB+f3", "en-gb+f3")]
    [InlineData("de", "de")]
    public void Normalize_EspeakModel_AcceptsGeminiAndEspeakNames(string voice, string expected) =>
        Assert.Equal(expected, VoiceCatalog.Normalize(ModelCatalog.EspeakNg, voice));

    [Fact]
    public void GeminiVoices_AreThe30DistinctDocumentedNames()
    {
        Assert.Equal(30, VoiceCatalog.GeminiVoices.Count);
        Assert.Equal(30, VoiceCatalog.GeminiVoices.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Vindemiatrix", VoiceCatalog.GeminiVoices);
    }

    [Fact]
    public void ToEspeakVoice_GeminiNames_MapToFixedVariantsByGender()
    {
        Assert.Equal("en-us+f1", VoiceCatalog.ToEspeakVoice("Zephyr", "en-us"));
        Assert.Equal("en-us+m1", VoiceCatalog.ToEspeakVoice("Puck", "en-us"));
        Assert.Equal("de+f2", VoiceCatalog.ToEspeakVoice("Kore", "de"));
        Assert.Equal("en-gb+f3", VoiceCatalog.ToEspeakVoice("en-gb+f3", "de"));
    }

    [Theory]
    [InlineData("[whispers] Your call is important. [short pause] Please hold.", "<whispers> Your call is important. <short pause> Please hold.")]
    [InlineData("Press [1] for billing.", "Press [1] for billing.")]
    [InlineData("No tags at all.", "No tags at all.")]
    public void TranslateTags_31To38_RewritesBracketsToAngles(string text, string expected) =>
        Assert.Equal(expected, ModelCatalog.TranslateTags(text, ModelCatalog.Gemini31FlashTts, ModelCatalog.Gemini38FlashLiteTts));

    [Fact]
    public void TranslateTags_38To31_RewritesAnglesToBrackets() =>
        Assert.Equal("[sigh] Sorry, a < b.", ModelCatalog.TranslateTags("<sigh> Sorry, a < b.", ModelCatalog.Gemini38FlashTts, ModelCatalog.Gemini31FlashTts));

    [Fact]
    public void TranslateTags_ToEspeak_RemovesTags() =>
        Assert.Equal("Hello. Please hold.", ModelCatalog.TranslateTags("[excited] Hello. [long pause] Please hold.", ModelCatalog.Gemini31FlashTts, ModelCatalog.EspeakNg));

    [Fact]
    public void TranslateTags_UnknownModel_Throws() =>
        Assert.Throws<ArgumentException>(() => ModelCatalog.TranslateTags("x", "gemini-9", ModelCatalog.EspeakNg));

    [Theory]
    [InlineData(ModelCatalog.Gemini31FlashTts, true)]
    [InlineData(ModelCatalog.Gemini38FlashTts, false)]
    [InlineData(ModelCatalog.Gemini38FlashLiteTts, false)]
    [InlineData(ModelCatalog.EspeakNg, false)]
    public void AcceptsTemperature_OnlyGemini31(string model, bool expected) => Assert.Equal(expected, ModelCatalog.AcceptsTemperature(model));

    [Fact]
    public void Normalize_ModelAnyCase_ReturnsCanonicalIdOrNull()
    {
        Assert.Equal(ModelCatalog.Gemini38FlashTts, ModelCatalog.Normalize("Gemini-3.8-Flash-TTS"));
        Assert.Null(ModelCatalog.Normalize("gemini-3.1-flash-tts-preview"));
    }
}
