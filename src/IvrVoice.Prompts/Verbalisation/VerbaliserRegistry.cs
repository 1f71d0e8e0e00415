namespace IvrVoice.Prompts.Verbalisation;

/// <summary>
/// Every <see cref="LanguageVerbaliser"/> in this assembly, found by reflection and keyed by BCP 47 tag, so adding a
/// language is adding one class. Lookup takes the exact tag first, then the first language (in tag order) with the
/// same primary language subtag: es-MX is spoken by es-US, en-GB by en-US.
/// </summary>
internal static class VerbaliserRegistry
{
    // The native ivrvoice binary keeps every type of this assembly (TrimmerRootAssembly in IvrVoice.Cli.csproj), so the
    // scan finds the same verbalisers there as under the JIT.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "IvrVoice.Prompts is a trimmer root assembly.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "IvrVoice.Prompts is a trimmer root assembly.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2062", Justification = "IvrVoice.Prompts is a trimmer root assembly.")]
    private static SortedDictionary<string, LanguageVerbaliser> FindAll()
    {
        SortedDictionary<string, LanguageVerbaliser> all = new(StringComparer.Ordinal);
        foreach (Type type in typeof(LanguageVerbaliser).Assembly.GetTypes())
        {
            if (!type.IsAbstract && type.IsSubclassOf(typeof(LanguageVerbaliser)))
            {
                LanguageVerbaliser verbaliser;
                try
                {
                    verbaliser = (LanguageVerbaliser)Activator.CreateInstance(type, nonPublic: true)!;
                }
                catch (System.Reflection.TargetInvocationException e) when (e.InnerException is InvalidOperationException inner)
                {
                    throw inner;
                }
                all.Add(verbaliser.Language, verbaliser);
            }
        }
        return all;
    }

    private static readonly Lazy<SortedDictionary<string, LanguageVerbaliser>> s_all = new(FindAll);

    public static IReadOnlyCollection<string> Languages => s_all.Value.Keys;

    public static LanguageVerbaliser? Find(string? language)
    {
        string tag = PromptKeys.NormalizeLanguage(language);
        if (tag.Length == 0)
        {
            return null;
        }
        if (s_all.Value.TryGetValue(tag, out LanguageVerbaliser? exact))
        {
            return exact;
        }
        string primary = tag.Split('-')[0];
        return s_all.Value.Values.FirstOrDefault(v => v.Language.Split('-')[0] == primary);
    }

    public static LanguageVerbaliser Get(string? language) =>
        Find(language) ?? throw new PromptRequestException(
            $"Templates cannot be spoken in language '{PromptKeys.NormalizeLanguage(language)}' (supported: {string.Join(", ", Languages)}).");
}
