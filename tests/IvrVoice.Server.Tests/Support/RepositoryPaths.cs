using System.Runtime.CompilerServices;

namespace IvrVoice.Server.Tests.Support;

/// <summary>Folders of the checkout, found from this source file's recorded path (builds with a private artifacts folder run outside it).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SamplePrompts => Path.Combine(Root, "prompts");

    public static string Interop => Path.Combine(Root, "tests", "interop");

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { Path.GetDirectoryName(sourceFile) ?? "", AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? folder = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "IvrVoice.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("No folder holding IvrVoice.sln above the test sources.");
    }
}
