using IvrVoice.Testing;

namespace IvrVoice.Server.Tests.Support;

/// <summary>A prompt library written file by file (LF line endings) into a temporary folder, deleted on dispose.</summary>
internal abstract class LibraryFolder(string prefix) : IDisposable
{
    private readonly TempDirectory _folder = new(prefix);

    public string Folder => _folder.Path;

    public void Dispose() => _folder.Dispose();

    protected void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder.Path, name), text.ReplaceLineEndings("\n") + "\n");
}
