using System.Reflection;

namespace IvrVoice.Library.Tests;

/// <summary>A library folder under the temp directory with the given files, deleted on dispose.</summary>
internal sealed class TempLibrary : IDisposable
{
    public TempLibrary(params (string Name, string Text)[] files)
    {
        Folder = Path.Join(Path.GetTempPath(), "ivrvoice-library-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        foreach ((string name, string text) in files)
        {
            Write(name, text);
        }
    }

    public string Folder { get; }

    /// <summary>The repository's prompts/ folder, the shipped sample library.</summary>
    public static string SampleFolder { get; } = typeof(TempLibrary).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "PromptsFolder").Value!;

    public void Write(string name, string text)
    {
        string path = Path.Join(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void WriteBytes(string name, byte[] bytes) => File.WriteAllBytes(Path.Join(Folder, name), bytes);

    public LibraryLoadResult Load() => PromptLibraryLoader.Load(Folder);

    /// <summary>Diagnostics as text, file names relative to the folder: "en-US.yaml:3:9: error: ...".</summary>
    public string[] Diagnostics() => Render(Load());

    public string[] Render(LibraryLoadResult result) =>
        result.Diagnostics.Select(diagnostic => diagnostic.ToString().Replace(Folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)).ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
