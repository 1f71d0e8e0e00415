namespace IvrVoice.Testing;

/// <summary>
/// Where the built <c>ivrvoice.dll</c> is, to run as its own process. The CLI project's own output folder is used, not the
/// copy beside a test assembly: a test project that also references a web project (the provider emulator) runs on the
/// ASP.NET shared framework, so the build leaves out the package assemblies that framework already has (for example
/// System.Threading.RateLimiting), and the copied <c>ivrvoice.dll</c>, which runs on the base framework alone, could not load them.
/// </summary>
public static class BuiltCli
{
    public static string Program { get; } = Locate();

    private static string Locate()
    {
        // …/tests/<project>/bin/<Configuration>/<tfm>/
        DirectoryInfo output = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name;
        string? configuration = output.Parent?.Name;
        for (DirectoryInfo? folder = output; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "IvrVoice.sln")) && configuration is not null)
            {
                string own = Path.Combine(folder.FullName, "src", "IvrVoice.Cli", "bin", configuration, tfm, "ivrvoice.dll");
                if (File.Exists(own))
                {
                    return own;
                }
            }
        }

        throw new InvalidOperationException(
            $"The built ivrvoice.dll was not found under src/IvrVoice.Cli/bin/{configuration}/{tfm} above {AppContext.BaseDirectory}; build the solution first.");
    }
}
