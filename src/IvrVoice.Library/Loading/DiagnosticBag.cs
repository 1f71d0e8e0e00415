using System.Text;

namespace IvrVoice.Library.Loading;

/// <summary>Collects findings while loading; the same finding at the same place is kept once.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<LibraryDiagnostic> _items = [];
    private readonly HashSet<LibraryDiagnostic> _seen = [];

    public bool HasErrors => ErrorCount > 0;

    /// <summary>Errors reported so far, repeats included, so a caller can tell whether a step found any.</summary>
    public int ErrorCount { get; private set; }

    public void Error(SourceLocation at, string message) => Add(at, DiagnosticSeverity.Error, message);

    public void Warning(SourceLocation at, string message) => Add(at, DiagnosticSeverity.Warning, message);

    /// <summary>Sorted by file, line and column; findings at the same place keep the order they were found in.</summary>
    public IReadOnlyList<LibraryDiagnostic> ToSortedList() =>
        _items
            .Select((diagnostic, index) => (diagnostic, index))
            .OrderBy(item => item.diagnostic.File, StringComparer.Ordinal)
            .ThenBy(item => item.diagnostic.Line)
            .ThenBy(item => item.diagnostic.Column)
            .ThenBy(item => item.index)
            .Select(item => item.diagnostic)
            .ToArray();

    private void Add(SourceLocation at, DiagnosticSeverity severity, string message)
    {
        LibraryDiagnostic diagnostic = new(at.File, at.Line, at.Column, severity, message);
        ErrorCount += severity == DiagnosticSeverity.Error ? 1 : 0;
        if (_seen.Add(diagnostic))
        {
            _items.Add(diagnostic);
        }
    }
}

/// <summary>How values from the files are shown inside messages.</summary>
internal static class Show
{
    private const int MaxShown = 80;

    /// <summary>
    /// Quotes a value, writing anything outside printable ASCII as \uXXXX, so a look-alike letter, a NUL or a
    /// zero-width space in an id is visible in the message instead of hiding in it.
    /// </summary>
    public static string Strict(string value) => Quote(value, escapeNonAscii: true);

    /// <summary>Quotes free text, escaping only control and invisible formatting characters.</summary>
    public static string Text(string value) => Quote(value, escapeNonAscii: false);

    public static string List(IEnumerable<string> values) => string.Join(", ", values);

    private static string Quote(string value, bool escapeNonAscii)
    {
        StringBuilder text = new("'");
        int shown = 0;
        foreach (char c in value)
        {
            if (shown++ == MaxShown)
            {
                text.Append('…');
                break;
            }

            bool escape = char.IsControl(c)
                || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
                    or System.Globalization.UnicodeCategory.LineSeparator
                    or System.Globalization.UnicodeCategory.ParagraphSeparator
                    or System.Globalization.UnicodeCategory.Surrogate
                || (escapeNonAscii && c > '~');
            if (escape)
            {
                text.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.Append('\'').ToString();
    }
}
