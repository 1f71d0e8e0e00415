using IvrVoice.Library.Flows;

namespace IvrVoice.Library.Tests;

/// <summary><c>playback:</c> beside a step's <c>announce</c>: how the announcement before a dial, redirect, hang-up or menu plays.</summary>
public sealed class AnnouncePlaybackTests
{
    private const string Prompts = """
        defaults: { language: en-US, voice: Kore }
        prompts:
          - { id: hello, text: Hello. For the desk press 0. }
          - { id: bye, text: Goodbye. }
        """;

    private static TempLibrary Library(string choiceLines, string thenLines = "            hangup: true") => new(("en-US.yaml", Prompts), ("flows.yaml", $$"""
        flows:
          main:
            languages: [en-US]
            entry: start
            menus:
              start:
                play: [hello]
                choices:
                  - digits: 0
        {{choiceLines}}
                noInput:
                  then:
        {{thenLines}}
        """));

    [Theory]
    [InlineData("            playback: stream", MenuPlayback.Stream)]
    [InlineData("            playback: play", MenuPlayback.Play)]
    [InlineData("", MenuPlayback.Default)]
    public void Load_PlaybackBesideAnnounce_IsReadIntoTheStep(string line, MenuPlayback expected)
    {
        using TempLibrary library = Library($"            announce: [bye]\n{line}\n            dial: \"+15035550140\"");

        LibraryLoadResult result = library.Load();

        Assert.Empty(library.Render(result));
        Assert.True(result.Library!.TryGetFlow("main", out CallFlow? flow));
        DialAction dial = Assert.IsType<DialAction>(flow.EntryMenu.Choices[0].Action);
        Assert.Equal(expected, dial.Playback);
        Assert.Equal(MenuPlayback.Default, flow.EntryMenu.NoInput.Then.Playback);
    }

    [Fact]
    public void Load_PlaybackInARetrysThen_IsRead()
    {
        using TempLibrary library = Library("            hangup: true", "            announce: [bye]\n            playback: stream\n            hangup: true");

        LibraryLoadResult result = library.Load();

        Assert.Empty(library.Render(result));
        Assert.True(result.Library!.TryGetFlow("main", out CallFlow? flow));
        Assert.Equal(MenuPlayback.Stream, Assert.IsType<HangUpAction>(flow.EntryMenu.NoInput.Then).Playback);
    }

    [Fact]
    public void Load_UnknownPlaybackOnAStep_IsAnErrorAtItsValue()
    {
        // flows.yaml line 11 is the playback line; its value starts at column 23 (12 spaces, "playback: ").
        using TempLibrary library = Library("            announce: [bye]\n            playback: loud\n            hangup: true");

        Assert.Equal(["flows.yaml:11:23: error: playback must be 'stream' or 'play', not 'loud'"], library.Diagnostics());
    }

    [Fact]
    public void Load_PlaybackWithoutAnnounce_IsAnError()
    {
        using TempLibrary library = Library("            playback: stream\n            hangup: true");

        Assert.Equal(["flows.yaml:10:23: error: 'playback' goes with 'announce': it says how the announcement plays"], library.Diagnostics());
    }

    [Fact]
    public void Load_MisplacedPlaybackWithAWrongValue_ReportsBoth()
    {
        using TempLibrary library = Library("            playback: loud\n            hangup: true");

        Assert.Equal(
            [
                "flows.yaml:10:23: error: playback must be 'stream' or 'play', not 'loud'",
                "flows.yaml:10:23: error: 'playback' goes with 'announce': it says how the announcement plays",
            ],
            library.Diagnostics());
    }
}
