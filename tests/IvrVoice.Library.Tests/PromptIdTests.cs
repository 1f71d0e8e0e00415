namespace IvrVoice.Library.Tests;

/// <summary>Ids become file names and URL segments: anything that could escape a folder or hide in plain sight is refused.</summary>
public sealed class PromptIdTests
{
    private const string Allowed = "(allowed: a-z, 0-9, '-', '_', '.')";

    // The id is written as a YAML double-quoted scalar, so YAML escapes (\0, \u2024) reach the loader as characters.
    [Theory]
    [InlineData(@"../etc/passwd", @"'../etc/passwd' is not valid: it contains '/' " + Allowed)]
    [InlineData(@"..\\windows", @"'..\windows' is not valid: it contains '\' " + Allowed)]
    [InlineData(@"%2e%2e", @"'%2e%2e' is not valid: it contains '%' " + Allowed)]
    [InlineData(@"main\0menu", @"'main\u0000menu' is not valid: it contains '\u0000' " + Allowed)]
    [InlineData(@"m\u0430in", @"'m\u0430in' is not valid: it contains '\u0430' " + Allowed)]
    [InlineData(@"\uFF4D\uFF41\uFF49\uFF4E", @"'\uFF4D\uFF41\uFF49\uFF4E' is not valid: it contains '\uFF4D' " + Allowed)]
    [InlineData(@"ma\u200Bin", @"'ma\u200Bin' is not valid: it contains '\u200B' " + Allowed)]
    [InlineData(@"main\u2024menu", @"'main\u2024menu' is not valid: it contains '\u2024' " + Allowed)]
    [InlineData(@"main menu", @"'main menu' is not valid: it contains ' ' " + Allowed)]
    [InlineData(@"main\nmenu", @"'main\u000Amenu' is not valid: it contains '\u000A' " + Allowed)]
    [InlineData(@"Main-Menu", @"'Main-Menu' is not valid: it has upper-case letters (ids are lower case)")]
    [InlineData(@".hidden", @"'.hidden' is not valid: it starts with '.'")]
    [InlineData(@"..", @"'..' is not valid: it starts with '.'")]
    [InlineData(@"menu.", @"'menu.' is not valid: it ends with '.'")]
    [InlineData(@"", @"'' is not valid: it is empty")]
    [InlineData(@"con", @"'con' is not valid: 'con' is a device name on Windows")]
    [InlineData(@"com1.wav", @"'com1.wav' is not valid: 'com1' is a device name on Windows")]
    [InlineData(@"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", @"'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not valid: it is longer than 64 characters")]
    public void Load_HostilePromptId_IsRejectedWithTheReason(string yamlEscapedId, string expectedReason)
    {
        using TempLibrary library = new(("en.yaml", $"""
            defaults: {"{"} language: en-US, voice: Kore {"}"}
            prompts:
              - id: "{yamlEscapedId}"
                text: Hello.
            """));

        LibraryLoadResult result = library.Load();

        Assert.Equal([$"en.yaml:3:9: error: prompt id {expectedReason}"], library.Render(result));
        Assert.Null(result.Library);
    }

    [Fact]
    public void Load_HostileMenuIdAndGotoTarget_AreRejected()
    {
        using TempLibrary library = new(
            ("en.yaml", "defaults: { language: en-US, voice: Kore }\nprompts:\n  - { id: menu, text: Menu. }\n"),
            ("flows.yaml", """
                flows:
                  main:
                    languages: [en-US]
                    entry: start
                    menus:
                      start:
                        play: [menu]
                        choices:
                          - { digits: 1, goto: "../start" }
                      "%2e%2e":
                        play: [menu]
                        choices:
                          - { digits: 1, hangup: true }
                """));

        Assert.Equal(
            [
                "flows.yaml:9:32: error: menu id '../start' is not valid: it contains '/' " + Allowed,
                "flows.yaml:10:7: error: menu id '%2e%2e' is not valid: it contains '%' " + Allowed,
            ],
            library.Diagnostics());
    }

    [Theory]
    [InlineData("main-menu")]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("_private")]
    [InlineData("-dash")]
    [InlineData("v1.2_final-take")]
    [InlineData("console")]
    [InlineData("com10")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void IsValidId_SafeSegment_IsTrue(string id)
    {
        Assert.True(LibraryRules.IsValidId(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("main\n")]
    [InlineData("a/b")]
    [InlineData("A")]
    [InlineData(".")]
    [InlineData("nul")]
    [InlineData("lpt9.txt")]
    [InlineData("m\u0430in")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void IsValidId_UnsafeSegment_IsFalse(string? id)
    {
        Assert.False(LibraryRules.IsValidId(id));
    }

    [Theory]
    [InlineData("en-US", true)]
    [InlineData("es-419", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("fr", true)]
    [InlineData("en-us", false)]
    [InlineData("en_US", false)]
    [InlineData("EN-US", false)]
    [InlineData("en-US\n", false)]
    [InlineData("../en", false)]
    [InlineData("english", false)]
    public void IsCanonicalLanguage_Tag_MatchesCanonicalBcp47Only(string tag, bool expected)
    {
        Assert.Equal(expected, LibraryRules.IsCanonicalLanguage(tag));
    }
}
