using System.Text;
using IvrVoice.Library.Loading;

namespace IvrVoice.Library;

/// <summary>
/// Loads a prompt library from a folder of YAML files (<c>*.yaml</c> and <c>*.yml</c>, in subfolders too, hidden
/// ones skipped) and validates it, reporting every problem at once.
/// </summary>
public static class PromptLibraryLoader
{
    /// <summary>Largest library file read; a bigger one is reported, not read.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private const int MaxFolderDepth = 8;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads and validates every library file under <paramref name="folder"/>. Problems with the files are
    /// diagnostics in the result, never exceptions; diagnostics name files as <paramref name="folder"/> joined with
    /// each file's relative path.
    /// </summary>
    public static LibraryLoadResult Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        DiagnosticBag diagnostics = new();
        SourceLocation folderLocation = new(folder, 0, 0);
        if (!Directory.Exists(folder))
        {
            diagnostics.Error(folderLocation, "the prompt library folder does not exist");
            return new LibraryLoadResult(null, diagnostics.ToSortedList());
        }

        List<FileDraft> drafts = [];
        foreach (string relativePath in FindFiles(folder))
        {
            string path = Path.Join(folder, relativePath);
            if (ReadText(path, diagnostics) is { } text)
            {
                drafts.Add(LibraryFileReader.Read(path, text, diagnostics));
            }
        }

        if (drafts.Count == 0 && !diagnostics.HasErrors)
        {
            diagnostics.Error(folderLocation, "the folder has no .yaml or .yml files");
        }

        PromptLibrary? library = LibraryBuilder.Build(drafts, diagnostics);
        return new LibraryLoadResult(diagnostics.HasErrors ? null : library, diagnostics.ToSortedList());
    }

    private static IEnumerable<string> FindFiles(string folder)
    {
        EnumerationOptions options = new()
        {
            RecurseSubdirectories = true,
            MaxRecursionDepth = MaxFolderDepth,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            IgnoreInaccessible = false,
        };
        return Directory.EnumerateFiles(folder, "*", options)
            .Where(path => Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml")
            .Select(path => Path.GetRelativePath(folder, path))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static string? ReadText(string path, DiagnosticBag diagnostics)
    {
        SourceLocation file = new(path, 0, 0);
        try
        {
            FileInfo info = new(path);
            if (info.Length > MaxFileBytes)
            {
                diagnostics.Error(file, $"the file is {info.Length:N0} bytes; the limit is {MaxFileBytes:N0}: split it into several files");
                return null;
            }

            string text = StrictUtf8.GetString(File.ReadAllBytes(path));
            return text.StartsWith('\uFEFF') ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            diagnostics.Error(file, "the file is not valid UTF-8");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(file, $"the file cannot be read: {e.Message}");
        }

        return null;
    }
}
