using IvrVoice.Audio;
using IvrVoice.Prompts;
using IvrVoice.Providers;

namespace IvrVoice.Library.Tests;

/// <summary>Effective settings: the prompt's own, then its file's defaults, then the library's, then the built-in ones.</summary>
public sealed class SettingsResolutionTests
{
    private const string LibraryFile = """
        library:
          name: Layers
          defaults:
            voice: Charon
            style: Library style
            temperature: 0.9
            mastering: { level: -24, padding: 300 }
        """;

    [Fact]
    public void Load_EachLayer_OverridesTheWiderOne()
    {
        using TempLibrary library = new(("library.yaml", LibraryFile), ("en.yaml", """
            defaults:
              language: en-US
              style: File style
            prompts:
              - id: inherits
                text: From the file and the library.
              - id: overrides
                text: From the prompt.
                voice: Puck
                style: Prompt style
                temperature: 1.5
                mastering: off
              - id: clears-style
                text: No style at all.
                style: ""
            """));
        PromptLibrary loaded = Load(library);

        LibraryPrompt inherits = loaded.GetPrompt("en-US", "inherits");
        Assert.Equal(("Charon", "File style", "gemini-3.1-flash-tts", 0.9), (inherits.Voice, inherits.Style, inherits.Model, inherits.Temperature));
        MasteringOptions quieter = new() { TargetLevelDbfs = -24, PadMilliseconds = 300 };
        Assert.Equal(quieter, inherits.Mastering);
        Assert.Equal(quieter.CanonicalForm(), inherits.Spec.Mastering.CanonicalForm());
        Assert.NotEqual(MasteringOptions.Default.CanonicalForm(), inherits.Spec.Mastering.CanonicalForm());

        LibraryPrompt overrides = loaded.GetPrompt("en-US", "overrides");
        Assert.Equal(("Puck", "Prompt style", 1.5), (overrides.Voice, overrides.Style, overrides.Temperature));
        Assert.Equal(MasteringOptions.Disabled, overrides.Mastering);
        Assert.Equal("off", overrides.Spec.Mastering.CanonicalForm());

        Assert.Null(loaded.GetPrompt("en-US", "clears-style").Style);
    }

    [Fact]
    public void Load_NothingButVoiceAndLanguage_UsesBuiltInModelAndMastering()
    {
        using TempLibrary library = new(("en.yaml", "prompts:\n  - { id: hi, text: Hi., voice: Kore, language: en-US }\n"));

        LibraryPrompt prompt = Load(library).GetPrompt("en-US", "hi");

        Assert.Equal("gemini-3.1-flash-tts", prompt.Model);
        Assert.Equal(MasteringOptions.Default, prompt.Mastering);
        Assert.Null(prompt.Temperature);
        Assert.Null(prompt.Style);
        Assert.Null(Load(library).Name);
    }

    [Fact]
    public void Load_VoiceAndModelInOtherCase_AreWrittenTheCataloguesWay()
    {
        using TempLibrary library = new(("en.yaml", "prompts:\n  - { id: hi, text: Hi., voice: kore, model: Gemini-3.8-Flash-TTS, language: en-US }\n"));

        LibraryPrompt prompt = Load(library).GetPrompt("en-US", "hi");

        Assert.Equal(("Kore", "gemini-3.8-flash-tts"), (prompt.Voice, prompt.Model));
    }

    [Fact]
    public void Load_OfflineModelWithEspeakVoice_IsAccepted()
    {
        using TempLibrary library = new(("en.yaml", "prompts:\n  - { id: hi, text: Hi., voice: en-gb+f3, model: espeak-ng, language: en-GB }\n"));

        Assert.Equal("en-gb+f3", Load(library).GetPrompt("en-GB", "hi").Voice);
    }

    [Fact]
    public void Load_TemperatureInheritedByAModelWithoutOne_IsDroppedSilently()
    {
        // The library sets a temperature for 3.1; one prompt moves to 3.8, which takes none: the default simply does not apply.
        using TempLibrary library = new(("library.yaml", LibraryFile), ("en.yaml", """
            defaults: { language: en-US }
            prompts:
              - { id: newer, text: Newer model., model: gemini-3.8-flash-lite-tts }
            """));

        LibraryPrompt prompt = Load(library).GetPrompt("en-US", "newer");

        Assert.Null(prompt.Temperature);
        Assert.Null(prompt.Spec.Temperature);
    }

    [Fact]
    public void Load_TemperatureSetAsSpecificallyAsAModelWithoutOne_IsAnError()
    {
        using TempLibrary library = new(
            ("library.yaml", "library:\n  defaults:\n    model: gemini-3.8-flash-tts\n"),
            ("en.yaml", """
                defaults: { language: en-US, voice: Kore, temperature: 0.8 }
                prompts:
                  - { id: a, text: A. }
                  - { id: b, text: B., model: gemini-3.8-flash-lite-tts, temperature: 1.2 }
                  - { id: c, text: C., model: gemini-3.1-flash-tts }
                """));

        Assert.Equal(
            [
                "en.yaml:1:56: error: model gemini-3.8-flash-tts takes no temperature; remove 'temperature'",
                "en.yaml:4:71: error: model gemini-3.8-flash-lite-tts takes no temperature; remove 'temperature'",
            ],
            library.Diagnostics());
    }

    [Fact]
    public void Load_MissingVoiceAndLanguage_AreReportedAtThePromptId()
    {
        using TempLibrary library = new(("en.yaml", "prompts:\n  - id: orphan\n    text: Nobody said how.\n"));

        Assert.Equal(
            [
                "en.yaml:2:9: error: prompt 'orphan' has no language; set 'language' in the file's defaults or on the prompt",
                "en.yaml:2:9: error: prompt 'orphan' has no voice; set 'voice' in the defaults or on the prompt",
            ],
            library.Diagnostics());
    }

    [Fact]
    public void Spec_Prompt_CarriesEveryEffectiveSetting()
    {
        using TempLibrary library = new(("library.yaml", LibraryFile), ("es.yaml", """
            defaults: { language: es-US }
            prompts:
              - id: dialogo
                text: |
                  Lucía: Hola.
                  Mateo: Buenas.
                speakers:
                  - { name: Lucía, voice: aoede }
                  - { name: Mateo, voice: Charon }
                notes: Not part of the sound.
            """));

        LibraryPrompt prompt = Load(library).GetPrompt("es-US", "dialogo");
        PromptSpec spec = prompt.Spec;

        Assert.Equal("Lucía: Hola.\nMateo: Buenas.", spec.Text);
        Assert.Equal("Aoede", spec.Voice);
        Assert.Equal([new TtsSpeaker("Lucía", "Aoede"), new TtsSpeaker("Mateo", "Charon")], spec.Speakers);
        Assert.Equal("Library style", spec.Style);
        Assert.Equal("es-US", spec.Language);
        Assert.Equal("gemini-3.1-flash-tts", spec.Model);
        Assert.Equal(0.9, spec.Temperature);
        Assert.Equal(new MasteringOptions { TargetLevelDbfs = -24, PadMilliseconds = 300 }.CanonicalForm(), spec.Mastering.CanonicalForm());
        Assert.Equal("Not part of the sound.", prompt.Notes);
    }

    [Fact]
    public void GetPrompt_UnknownAddress_ThrowsNamingIt()
    {
        using TempLibrary library = new(("en.yaml", "prompts:\n  - { id: hi, text: Hi., voice: Kore, language: en-US }\n"));
        PromptLibrary loaded = Load(library);

        KeyNotFoundException error = Assert.Throws<KeyNotFoundException>(() => loaded.GetPrompt("es-US", "hi"));
        Assert.Equal("The library has no prompt 'hi' in es-US.", error.Message);
        Assert.False(loaded.TryGetPrompt("en-US", "bye", out _));
    }

    [Fact]
    public void Load_MasteringMapping_SetsEachSettingAndKeepsTheRest()
    {
        using TempLibrary library = new(("en.yaml", """
            defaults: { language: en-US, voice: Kore }
            prompts:
              - id: all
                text: All four.
                mastering: { level: -18.5, padding: 0, ceiling: -1, maxGain: 12 }
              - id: one
                text: Only the ceiling.
                mastering: { ceiling: -6 }
            """));
        PromptLibrary loaded = Load(library);

        Assert.Equal(
            new MasteringOptions { TargetLevelDbfs = -18.5, PadMilliseconds = 0, PeakCeilingDbfs = -1, MaxGainDb = 12 },
            loaded.GetPrompt("en-US", "all").Mastering);
        Assert.Equal(MasteringOptions.Default with { PeakCeilingDbfs = -6 }, loaded.GetPrompt("en-US", "one").Mastering);
    }

    private static PromptLibrary Load(TempLibrary library)
    {
        LibraryLoadResult result = library.Load();
        Assert.Empty(library.Render(result));
        return result.Library!;
    }
}
