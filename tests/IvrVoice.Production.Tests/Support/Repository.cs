using System.Reflection;

namespace IvrVoice.Production.Tests.Support;

/// <summary>Folders of the checkout the tests read (deploy files, the sample library, scripts), recorded at build time.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string SamplePrompts => Path.Combine(Root, "prompts");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        string? recorded = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && System.IO.File.Exists(Path.Combine(recorded, "IvrVoice.sln")))
        {
            return recorded;
        }

        throw new InvalidOperationException($"The checkout recorded at build time ({recorded ?? "none"}) holds no IvrVoice.sln.");
    }
}
