namespace IvrVoice.Library.Tests;

public sealed class SpeechMatchingTests
{
    private const string Flow = """
        flows:
          demo:
            languages: [en-US, es-US]
            entry: start
            menus:
              start:
                play: [menu]
                input: dtmf speech
                choices:
                  - digits: 1
                    speech: { en-US: [billing], es-US: [facturación] }
                    hangup: true
                  - digits: 2
                    speech: { en-US: [front desk, desk], es-US: [recepción] }
                    return: true
                  - speech: [operator]
                    hangup: true
        """;

    private const string Prompts = """
        prompts:
          - { id: menu, text: Menu., language: en-US, voice: Kore }
          - { id: menu, text: Menú., language: es-US, voice: Kore }
        """;

    [Theory]
    [InlineData("Facturación.", "es-US", 0)]
    [InlineData("FACTURACION", "es-US", 0)]
    [InlineData("factura\u0301cion", "es-US", 0)]
    [InlineData("la recepcion, por favor", "es-US", 1)]
    [InlineData("Billing.", "en-US", 0)]
    [InlineData("the front-desk please", "en-US", 1)]
    [InlineData("Operator!", "es-US", 2)]
    public void Match_SpeechWithCaseAccentsOrPunctuation_FindsTheChoice(string heard, string language, int expected)
    {
        Flows.FlowMenu menu = LoadMenu();

        Assert.Same(menu.Choices[expected], menu.Match(null, heard, language));
    }

    [Theory]
    [InlineData("billings", "en-US")]
    [InlineData("facturación", "en-US")]
    [InlineData("", "en-US")]
    [InlineData("desktop", "en-US")]
    public void Match_SpeechWithoutAWholePhrase_FindsNothing(string heard, string language)
    {
        Assert.Null(LoadMenu().Match(null, heard, language));
    }

    [Fact]
    public void Match_Digits_MatchExactlyAndWinOverSpeech()
    {
        Flows.FlowMenu menu = LoadMenu();

        Assert.Same(menu.Choices[1], menu.Match("2", "billing", "en-US"));
        Assert.Same(menu.Choices[0], menu.Match(" 1 ", null, "en-US"));
        Assert.Null(menu.Match("3", null, "en-US"));
        Assert.Null(menu.Match("12", null, "en-US"));
    }

    [Fact]
    public void SpeechHints_ForALanguage_ListThatLanguagesPhrasesAndSharedOnes()
    {
        Assert.Equal(["facturación", "recepción", "operator"], LoadMenu().SpeechHints("es-US"));
    }

    private static Flows.FlowMenu LoadMenu()
    {
        using TempLibrary library = new(("prompts.yaml", Prompts), ("flows.yaml", Flow));
        LibraryLoadResult result = library.Load();
        Assert.Empty(library.Render(result));
        Assert.True(result.Library!.TryGetFlow("demo", out Flows.CallFlow? flow));
        return flow.EntryMenu;
    }
}
