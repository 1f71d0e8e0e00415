namespace IvrVoice.Library;

/// <summary>
/// What <see cref="PromptLibraryLoader.Load"/> found: the library when there are no errors, and every diagnostic
/// (errors and warnings) sorted by file, line and column.
/// </summary>
public sealed class LibraryLoadResult
{
    internal LibraryLoadResult(PromptLibrary? library, IReadOnlyList<LibraryDiagnostic> diagnostics)
    {
        Library = library;
        Diagnostics = diagnostics;
    }

    /// <summary>The loaded library; null when any diagnostic is an error.</summary>
    public PromptLibrary? Library { get; }

    public IReadOnlyList<LibraryDiagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
