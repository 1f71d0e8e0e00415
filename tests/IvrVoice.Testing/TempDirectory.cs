namespace IvrVoice.Testing;

/// <summary>A fresh folder under the system temp path, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? prefix = null)
    {
        Path = Directory.CreateTempSubdirectory(prefix ?? "ivrvoice-test-").FullName;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The full path of <paramref name="name"/> inside the folder (the file is not created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="contents"/> to <paramref name="name"/> and returns its full path.</summary>
    public string Write(string name, ReadOnlySpan<byte> contents)
    {
        string path = File(name);
        using FileStream stream = new(path, FileMode.Create, FileAccess.Write);
        stream.Write(contents);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A tool still holding a file must not fail the test; the OS cleans temp eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
