namespace IvrVoice.Library;

/// <summary>How serious a finding is: errors stop the library from loading, warnings do not.</summary>
public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>
/// One problem found while loading a prompt library, at a position in a file. Line and column are 1-based;
/// both are 0 when the problem concerns the whole file or folder.
/// </summary>
public sealed record LibraryDiagnostic(string File, int Line, int Column, DiagnosticSeverity Severity, string Message)
{
    /// <summary>The compiler-style form <c>prompts/en-US.yaml:12:5: error: duplicate prompt id 'main-menu'</c>.</summary>
    public override string ToString()
    {
        string severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return Line > 0
            ? $"{File}:{Line}:{Column}: {severity}: {Message}"
            : $"{File}: {severity}: {Message}";
    }
}
