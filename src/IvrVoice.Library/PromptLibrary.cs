using System.Diagnostics.CodeAnalysis;
using IvrVoice.Library.Flows;

namespace IvrVoice.Library;

/// <summary>
/// A validated prompt library: every prompt with its effective settings, and the call flows that play them.
/// Every prompt a flow refers to exists in every language the flow can play it in.
/// </summary>
public sealed class PromptLibrary
{
    private readonly Dictionary<(string Language, string Id), LibraryPrompt> _prompts;
    private readonly Dictionary<string, CallFlow> _flows;

    internal PromptLibrary(string? name, IReadOnlyList<LibraryPrompt> prompts, IReadOnlyList<CallFlow> flows)
    {
        Name = name;
        Prompts = prompts;
        Flows = flows;
        _prompts = prompts.ToDictionary(prompt => (prompt.Language, prompt.Id));
        _flows = flows.ToDictionary(flow => flow.Name, StringComparer.Ordinal);
        Languages = prompts.Select(prompt => prompt.Language).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The library's display name, when its settings give one.</summary>
    public string? Name { get; }

    /// <summary>Every prompt, ordered by file and then by position in the file.</summary>
    public IReadOnlyList<LibraryPrompt> Prompts { get; }

    /// <summary>The languages that have at least one prompt, in ordinal order.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>Every call flow, ordered by file and then by position in the file.</summary>
    public IReadOnlyList<CallFlow> Flows { get; }

    public bool TryGetPrompt(string language, string id, [NotNullWhen(true)] out LibraryPrompt? prompt)
    {
        ArgumentNullException.ThrowIfNull(language);
        ArgumentNullException.ThrowIfNull(id);
        return _prompts.TryGetValue((language, id), out prompt);
    }

    /// <summary>The prompt (language, id); throws <see cref="KeyNotFoundException"/> naming both when there is none.</summary>
    public LibraryPrompt GetPrompt(string language, string id) =>
        TryGetPrompt(language, id, out LibraryPrompt? prompt)
            ? prompt
            : throw new KeyNotFoundException($"The library has no prompt '{id}' in {language}.");

    /// <summary>The prompt a flow plays for <paramref name="reference"/> while the call is in <paramref name="callLanguage"/>.</summary>
    public LibraryPrompt GetPrompt(PromptReference reference, string callLanguage)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(callLanguage);
        return GetPrompt(reference.LanguageFor(callLanguage), reference.Id);
    }

    public bool TryGetFlow(string name, [NotNullWhen(true)] out CallFlow? flow)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _flows.TryGetValue(name, out flow);
    }
}
