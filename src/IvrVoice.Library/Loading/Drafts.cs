using IvrVoice.Audio;
using IvrVoice.Library.Flows;
using IvrVoice.Library.Templates;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Library.Loading;

/// <summary>A value read from a file and the place it was written, so later checks can point back at it.</summary>
internal readonly record struct Located<T>(T Value, SourceLocation At);

/// <summary>Where a setting came from; a more specific layer overrides a less specific one.</summary>
internal enum SettingsLayer
{
    BuiltIn,
    Library,
    File,
    Prompt,
}

/// <summary>Settings as written in one place (library defaults, a file's defaults, or one prompt); null means not set there.</summary>
internal sealed class SettingsDraft
{
    public Located<string>? Voice { get; set; }

    public Located<string>? Language { get; set; }

    /// <summary>An empty value clears a style inherited from a less specific layer.</summary>
    public Located<string>? Style { get; set; }

    public Located<string>? Model { get; set; }

    public Located<double>? Temperature { get; set; }

    public Located<MasteringOptions>? Mastering { get; set; }

    /// <summary>Settings written here with a value that was reported as invalid: they hide inherited values without causing more errors.</summary>
    public HashSet<string> Invalid { get; } = new(StringComparer.Ordinal);
}

internal sealed record SpeakerDraft(Located<string> Name, Located<string> Voice);

internal sealed class PromptDraft
{
    public required FileDraft File { get; init; }

    public required SourceLocation At { get; init; }

    /// <summary>Set only when the id is present and valid.</summary>
    public Located<string>? Id { get; set; }

    /// <summary>Set only when the text is present and valid.</summary>
    public Located<string>? Text { get; set; }

    public SettingsDraft Overrides { get; set; } = new();

    /// <summary>Set when the text is valid and has placeholders.</summary>
    public PromptTemplate? Template { get; set; }

    public Located<TemplateStrategy>? Strategy { get; set; }

    /// <summary>Set only when exactly two valid speakers are given.</summary>
    public IReadOnlyList<SpeakerDraft>? Speakers { get; set; }

    /// <summary>True when the prompt has a 'speakers' key, valid or not: then its voice does not come from the defaults.</summary>
    public bool SpeakersGiven { get; set; }

    public string? Notes { get; set; }
}

internal sealed record LibraryHeaderDraft(SourceLocation At, string? Name, SettingsDraft Defaults);

/// <summary>A prompt a flow refers to, to be checked once every file is read.</summary>
internal sealed record ReferenceCheck(PromptReference Reference, SourceLocation At, IReadOnlyList<string> FlowLanguages)
{
    /// <summary>Where the play item's 'values' are written, when it has them.</summary>
    public SourceLocation? ValuesAt { get; init; }

    /// <summary>Where the play item's 'fallback' is written, when it has one.</summary>
    public SourceLocation? FallbackAt { get; init; }
}

internal sealed class FlowDraft
{
    public required Located<string> Name { get; init; }

    /// <summary>Null when the flow has problems of its own (all reported).</summary>
    public CallFlow? Flow { get; set; }

    public List<ReferenceCheck> References { get; } = [];
}

internal sealed class FileDraft
{
    public required string Path { get; init; }

    public bool SyntaxError { get; set; }

    public LibraryHeaderDraft? Library { get; set; }

    public SettingsDraft? Defaults { get; set; }

    public List<PromptDraft> Prompts { get; } = [];

    public List<FlowDraft> Flows { get; } = [];
}
