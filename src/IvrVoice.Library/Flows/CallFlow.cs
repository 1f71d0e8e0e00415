using System.Diagnostics.CodeAnalysis;

namespace IvrVoice.Library.Flows;

/// <summary>
/// A call flow the service plays (Twilio's voice webhook points at <c>/twilio/voice/{Name}</c>): a set of menus, the
/// one a call starts in, and the languages its prompts are played in.
/// </summary>
public sealed class CallFlow
{
    private readonly IReadOnlyDictionary<string, FlowMenu> _menus;

    internal CallFlow(string name, IReadOnlyList<string> languages, string entryMenuId, IReadOnlyList<FlowMenu> menus, string? notes, SourceLocation location)
    {
        Name = name;
        Languages = languages;
        Menus = menus;
        _menus = menus.ToDictionary(menu => menu.Id, StringComparer.Ordinal);
        EntryMenu = _menus[entryMenuId];
        Notes = notes;
        Location = location;
    }

    public string Name { get; }

    /// <summary>The languages a call can be in; a call starts in the first.</summary>
    public IReadOnlyList<string> Languages { get; }

    public string EntryLanguage => Languages[0];

    public FlowMenu EntryMenu { get; }

    /// <summary>Every menu, in the order written.</summary>
    public IReadOnlyList<FlowMenu> Menus { get; }

    public string? Notes { get; }

    public SourceLocation Location { get; }

    public bool TryGetMenu(string id, [NotNullWhen(true)] out FlowMenu? menu)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _menus.TryGetValue(id, out menu);
    }
}
