using System.Reflection;
using System.Text.Json.Nodes;

namespace IvrVoice.Cli.Tests;

/// <summary>The sample library and output folders of <c>ivrvoice build</c> runs.</summary>
internal static class BuildTestHost
{
    /// <summary>The repository's sample library (prompts/), found from this source file's recorded location.</summary>
    public static string SampleLibrary { get; } = FindSample();

    /// <summary>The prompts listed in an output's manifest.json, or 0 while there is none (it is always whole when present).</summary>
    public static int ManifestCount(string output)
    {
        string path = Path.Combine(output, "manifest.json");
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!["prompts"]!.AsArray().Count : 0;
    }

    /// <summary>Copies a library folder (YAML files only), so a test may edit it.</summary>
    public static void CopyLibrary(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*.yaml"))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static string FindSample([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        for (DirectoryInfo? folder = new FileInfo(sourceFile).Directory; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "IvrVoice.sln")))
            {
                return Path.Combine(folder.FullName, "prompts");
            }
        }

        throw new InvalidOperationException($"No IvrVoice.sln above {sourceFile} ({Assembly.GetExecutingAssembly().Location}).");
    }
}
