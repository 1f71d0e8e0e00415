using IvrVoice.Library.Flows;

namespace IvrVoice.Library.Tests;

/// <summary>A menu's <c>playback:</c> key: stream or play, and only a key-press (DTMF) menu may stream.</summary>
public sealed class MenuPlaybackTests
{
    private const string Prompts = """
        defaults: { language: en-US, voice: Kore }
        prompts:
          - { id: hello, text: Hello. For billing press 1. }
        """;

    private static TempLibrary Library(string menuLines) => new(("en-US.yaml", Prompts), ("flows.yaml", $$"""
        flows:
          main:
            languages: [en-US]
            entry: start
            menus:
              start:
                play: [hello]
        {{menuLines}}
                choices:
                  - { digits: 1, hangup: true }
        """));

    [Theory]
    [InlineData("        playback: stream", MenuPlayback.Stream)]
    [InlineData("        playback: play", MenuPlayback.Play)]
    [InlineData("", MenuPlayback.Default)]
    public void Load_PlaybackKey_IsReadIntoTheMenu(string line, MenuPlayback expected)
    {
        using TempLibrary library = Library(line);

        LibraryLoadResult result = library.Load();

        Assert.Empty(library.Render(result));
        Assert.True(result.Library!.TryGetFlow("main", out CallFlow? flow));
        Assert.True(flow.TryGetMenu("start", out FlowMenu? menu));
        Assert.Equal(expected, menu.Playback);
    }

    [Fact]
    public void Load_UnknownPlayback_IsAnErrorAtItsValue()
    {
        // flows.yaml line 8 is the playback line; its value starts at column 19 (8 spaces, "playback: ").
        using TempLibrary library = Library("        playback: loud");

        Assert.Equal(["flows.yaml:8:19: error: playback must be 'stream' or 'play', not 'loud'"], library.Diagnostics());
    }

    [Fact]
    public void Load_StreamOnAMultiDigitMenu_IsAllowed()
    {
        using TempLibrary library = Library("        numDigits: 4\n        playback: stream");

        LibraryLoadResult result = library.Load();

        // Only the usual warning that the choice's one digit needs '#' after it in a four-digit menu.
        Assert.All(library.Render(result), line => Assert.Contains(": warning: digits '1' are shorter than numDigits (4)", line, StringComparison.Ordinal));
        Assert.True(result.Library!.TryGetFlow("main", out CallFlow? flow));
        Assert.Equal(MenuPlayback.Stream, flow.EntryMenu.Playback);
        Assert.Equal(4, flow.EntryMenu.NumDigits);
    }

    [Fact]
    public void Load_StreamOnASpeechMenu_IsAnError()
    {
        using TempLibrary library = Library("        input: dtmf speech\n        playback: stream");

        Assert.Equal(["flows.yaml:9:19: error: menu 'start' cannot stream: a streamed menu hears key presses, not speech (input: dtmf)"], library.Diagnostics());
    }

    [Fact]
    public void Load_StreamOnASpeechOnlyMenu_IsAnErrorAtItsValue()
    {
        using TempLibrary library = Library("        input: speech\n        playback: stream");

        // (The digit-only choice of this menu is reported too: a speech-only menu never hears it.)
        Assert.Contains("flows.yaml:9:19: error: menu 'start' cannot stream: a streamed menu hears key presses, not speech (input: dtmf)", library.Diagnostics());
    }

    [Fact]
    public void Load_PlayOnASpeechMenu_IsAllowed()
    {
        using TempLibrary library = Library("        input: dtmf speech\n        playback: play");

        LibraryLoadResult result = library.Load();

        Assert.Empty(library.Render(result));
        Assert.True(result.Library!.TryGetFlow("main", out CallFlow? flow));
        Assert.Equal(MenuPlayback.Play, flow.EntryMenu.Playback);
        Assert.Equal(MenuInput.Dtmf | MenuInput.Speech, flow.EntryMenu.Input);
    }
}
