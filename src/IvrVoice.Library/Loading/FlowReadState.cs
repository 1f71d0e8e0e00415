using IvrVoice.Library.Flows;

namespace IvrVoice.Library.Loading;

/// <summary>What a flow has collected so far while its menus are read.</summary>
internal sealed class FlowContext(string name)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Languages { get; set; } = [];

    /// <summary>Every menu id a goto or the entry names, to be checked once all menus are known.</summary>
    public List<Located<string>> Gotos { get; } = [];

    /// <summary>Menu to the menus its actions go to, to find menus no call can reach.</summary>
    public Dictionary<string, List<string>> Edges { get; } = new(StringComparer.Ordinal);

    public List<string> CurrentEdges { get; set; } = [];

    public List<ReferenceCheck> References { get; } = [];
}

internal sealed class ChoiceRead(SourceLocation at)
{
    public SourceLocation At { get; } = at;

    public Located<string>? Digits { get; set; }

    public SourceLocation? SpeechAt { get; set; }

    public List<Located<string>> PhrasesForEveryLanguage { get; } = [];

    public Dictionary<string, List<Located<string>>> PhrasesByLanguage { get; } = new(StringComparer.Ordinal);

    public MenuChoice? Choice { get; set; }
}
