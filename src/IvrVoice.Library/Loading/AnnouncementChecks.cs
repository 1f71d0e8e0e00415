using IvrVoice.Prompts.Templates;

namespace IvrVoice.Library.Loading;

/// <summary>
/// The checks of a flow's play items against the prompts they name, for templates: a template is played with values
/// for exactly its placeholders, a plain prompt without any, and a fallback is a plain prompt. Checked in every language
/// the item can be played in; a problem found in several languages is reported once, naming them when not all.
/// </summary>
internal static class AnnouncementChecks
{
    /// <param name="texts">Every prompt with a valid text, by (language, id): its template, or null for plain text.</param>
    public static void Check(FlowDraft flow, IReadOnlyDictionary<(string Language, string Id), PromptTemplate?> texts, DiagnosticBag diagnostics)
    {
        foreach (ReferenceCheck check in flow.References)
        {
            Dictionary<(SourceLocation At, string Message), List<string>> problems = [];
            void Add(SourceLocation at, string message, string language)
            {
                if (!problems.TryGetValue((at, message), out List<string>? languages))
                {
                    problems[(at, message)] = languages = [];
                }

                languages.Add(language);
            }

            Flows.PromptReference reference = check.Reference;
            IReadOnlyList<string> languages = reference.Language is { } pinned ? [pinned] : check.FlowLanguages;
            foreach (string language in languages)
            {
                if (!texts.TryGetValue((language, reference.Id), out PromptTemplate? template))
                {
                    continue; // missing (reported elsewhere) or its text is invalid (reported)
                }

                if (template is not null && reference.Values is null)
                {
                    Add(check.At, $"prompt '{reference.Id}' is a template (values {Show.List(template.Placeholders.Select(p => p.Name))}) and nothing fills them in here; "
                        + $"play it as {{ prompt: {reference.Id}, values: {{ {template.Placeholders[0].Name}: query:{template.Placeholders[0].Name}, ... }} }}", language);
                }
                else if (template is null && reference.Values is not null)
                {
                    Add(check.ValuesAt ?? check.At, $"prompt '{reference.Id}' has no placeholders; remove 'values'", language);
                }
                else if (template is not null && reference.Values is { } values)
                {
                    foreach (TemplatePlaceholder placeholder in template.Placeholders.Where(p => !values.ContainsKey(p.Name)))
                    {
                        Add(check.ValuesAt ?? check.At, $"'values' gives no source for '{placeholder.Name}' of template '{reference.Id}'", language);
                    }

                    foreach (string name in values.Keys.Where(name => template.Placeholders.All(p => p.Name != name)))
                    {
                        Add(check.ValuesAt ?? check.At, $"template '{reference.Id}' has no placeholder '{name}' (it has {Show.List(template.Placeholders.Select(p => p.Name))})", language);
                    }
                }

                if (reference.Fallback is { } fallback && check.FallbackAt is { } fallbackAt)
                {
                    if (!texts.TryGetValue((language, fallback), out PromptTemplate? fallbackTemplate))
                    {
                        Add(fallbackAt, $"fallback prompt '{fallback}' is missing or invalid", language);
                    }
                    else if (fallbackTemplate is not null)
                    {
                        Add(fallbackAt, $"fallback prompt '{fallback}' is a template; a fallback is played when values cannot be spoken, so it takes none", language);
                    }
                }
            }

            foreach (((SourceLocation at, string message), List<string> where) in problems)
            {
                diagnostics.Error(at, where.Count < languages.Count ? $"{message} in {Show.List(where)}" : message);
            }
        }
    }
}
