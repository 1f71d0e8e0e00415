using System.Text;

namespace IvrVoice.Library.Tests;

/// <summary>What reaches the loader before any library rule applies: folders, encodings, and YAML built to hurt.</summary>
public sealed class YamlInputTests
{
    [Fact]
    public void Load_MissingFolder_ReportsTheFolder()
    {
        string folder = Path.Join(Path.GetTempPath(), "ivrvoice-no-such-folder-" + Guid.NewGuid().ToString("N"));

        LibraryLoadResult result = PromptLibraryLoader.Load(folder);

        Assert.Equal([$"{folder}: error: the prompt library folder does not exist"], result.Diagnostics.Select(d => d.ToString()));
        Assert.Null(result.Library);
    }

    [Fact]
    public void Load_FolderWithoutYaml_ReportsIt()
    {
        using TempLibrary library = new(("README.md", "# prompts\n"), (".hidden/x.yaml", "prompts: [oops"));

        LibraryLoadResult result = library.Load();

        Assert.Equal([$"{library.Folder}: error: the folder has no .yaml or .yml files"], result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Load_SubfoldersBomAndUpperCaseExtension_AreRead()
    {
        using TempLibrary library = new(("es/prompts.YML", "defaults: { language: es-US, voice: Aoede }\nprompts:\n  - { id: hola, text: Hola. }\n"));
        library.WriteBytes("en.yaml", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("defaults: { language: en-US, voice: Kore }\nprompts:\n  - { id: hi, text: Hi. }\n")]);

        LibraryLoadResult result = library.Load();

        Assert.Empty(library.Render(result));
        Assert.Equal(["hi", "hola"], result.Library!.Prompts.Select(prompt => prompt.Id));
        Assert.Equal(Path.Join(library.Folder, "es/prompts.YML"), result.Library.GetPrompt("es-US", "hola").Location.File);
    }

    [Fact]
    public void Load_InvalidUtf8_IsReportedAndOtherFilesStillChecked()
    {
        using TempLibrary library = new(("good.yaml", "prompts:\n  - { id: hi, text: Hi., voice: Nobody, language: en-US }\n"));
        library.WriteBytes("bad.yaml", [.. "prompts: \""u8, 0xC3, 0x28, .. "\"\n"u8]);

        Assert.Equal(
            [
                "bad.yaml: error: the file is not valid UTF-8",
                "good.yaml:2:33: error: unknown voice 'Nobody' for model gemini-3.1-flash-tts",
            ],
            library.Diagnostics());
    }

    [Fact]
    public void Load_DeepNesting_StopsAtTheLimit()
    {
        using TempLibrary library = new(("deep.yaml", "a: " + new string('[', 100) + new string(']', 100) + "\n"));

        // The root mapping is level 1 and the first '[' (column 4) level 2, so the 64th '[', at column 67, is level 65.
        Assert.Equal(["deep.yaml:1:67: error: the YAML is nested more than 64 levels deep"], library.Diagnostics());
    }

    [Fact]
    public void Load_AliasBomb_StopsAtTheExpansionLimit()
    {
        StringBuilder yaml = new("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        foreach ((char name, char previous) in new[] { ('b', 'a'), ('c', 'b'), ('d', 'c'), ('e', 'd'), ('f', 'e') })
        {
            yaml.Append($"{name}: &{name} [{string.Join(", ", Enumerable.Repeat("*" + previous, 10))}]\n");
        }

        using TempLibrary library = new(("bomb.yaml", yaml.ToString()));

        // Anchors a..e hold 11, 111, 1,111, 11,111 and 111,111 nodes, 123,461 with their keys and f's; the first
        // "*e" inside f (line 6, column 8, after "f: &f [") adds 111,111 more and crosses 200,000.
        Assert.Equal(
            ["bomb.yaml:6:8: error: the YAML expands to more than 200,000 nodes (each use of an alias counts its whole anchor)"],
            library.Diagnostics());
    }

    [Fact]
    public void Load_AliasToEarlierNode_IsUsedAsThatNode()
    {
        using TempLibrary library = new(("en.yaml", """
            defaults: &defaults { language: en-US, voice: Kore }
            prompts:
              - { id: a, text: A. }
            flows:
              main:
                languages: [en-US]
                entry: one
                menus:
                  one: &menu
                    play: [a]
                    choices: [{ digits: 1, goto: two }]
                  two: *menu
            """));

        LibraryLoadResult result = library.Load();

        Assert.Empty(library.Render(result));
        Assert.True(result.Library!.TryGetFlow("main", out Flows.CallFlow? flow));
        Assert.Equal(["one", "two"], flow.Menus.Select(menu => menu.Id));
    }

    [Fact]
    public void Load_OversizedFile_IsReportedNotRead()
    {
        using TempLibrary library = new();
        library.WriteBytes("huge.yaml", new byte[PromptLibraryLoader.MaxFileBytes + 1]);

        Assert.Equal(["huge.yaml: error: the file is 4,194,305 bytes; the limit is 4,194,304: split it into several files"], library.Diagnostics());
    }

    [Fact]
    public void ToString_Diagnostic_IsCompilerStyle()
    {
        Assert.Equal(
            "prompts/en-US.yaml:12:5: error: duplicate prompt id 'main-menu'",
            new LibraryDiagnostic("prompts/en-US.yaml", 12, 5, DiagnosticSeverity.Error, "duplicate prompt id 'main-menu'").ToString());
        Assert.Equal(
            "prompts/flows.yaml:3:7: warning: menu 'x' is never reached",
            new LibraryDiagnostic("prompts/flows.yaml", 3, 7, DiagnosticSeverity.Warning, "menu 'x' is never reached").ToString());
        Assert.Equal("prompts: error: no files", new LibraryDiagnostic("prompts", 0, 0, DiagnosticSeverity.Error, "no files").ToString());
    }

    [Fact]
    public void Load_EmptySections_AreEmptyNotWrong()
    {
        using TempLibrary library = new(
            ("en.yaml", "defaults:\nprompts:\n  - { id: hi, text: Hi., voice: Kore, language: en-US }\nflows:\n"),
            ("wrong.yaml", "prompts: {}\nflows: [main]\n"));

        Assert.Equal(
            [
                "wrong.yaml:1:10: error: 'prompts' must be a list, not a mapping",
                "wrong.yaml:2:8: error: 'flows' must be a mapping, not a list",
            ],
            library.Diagnostics());
    }

    [Fact]
    public void Load_WarningsOnly_StillGivesTheLibrary()
    {
        using TempLibrary library = new(("en.yaml", "prompts:\n  - { id: hi, text: Hi., voice: Kore, language: en-US }\n"), ("empty.yaml", ""));

        LibraryLoadResult result = library.Load();

        Assert.Equal(["empty.yaml: warning: the file is empty"], library.Render(result));
        Assert.False(result.HasErrors);
        Assert.NotNull(result.Library);
    }
}
