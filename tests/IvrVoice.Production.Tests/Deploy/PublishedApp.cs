using System.Text.RegularExpressions;

namespace IvrVoice.Production.Tests.Deploy;

/// <summary>
/// The service published by the Dockerfile's own build commands (each <c>RUN dotnet …</c> of the build stage, run from the
/// repository root with only the output folder moved to a temp folder and a private artifacts folder added so concurrent
/// builds never collide), once per test class.
/// </summary>
public sealed partial class PublishedApp : IDisposable
{
    // Kept between runs so a second run only rebuilds what changed; the output folder itself is always fresh.
    private static readonly string ArtifactsPath = Path.Combine(Path.GetTempPath(), "ivrvoice-production-publish-artifacts");

    private readonly TempDirectory _output = new("ivrvoice-published-");

    public PublishedApp()
    {
        DockerStage build = DeployFiles.DockerStages()[0];
        string stageOutput = "/app";
        foreach (string run in build.Runs.Where(r => r.StartsWith("dotnet ", StringComparison.Ordinal)))
        {
            List<string> words = [.. run.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)];
            int outputAt = words.FindIndex(w => w is "-o" or "--output");
            if (outputAt >= 0)
            {
                stageOutput = words[outputAt + 1];
                words[outputAt + 1] = _output.Path;
            }

            words.Add($"-p:ArtifactsPath={ArtifactsPath}");
            Commands.Add("dotnet " + string.Join(' ', words));
            // The build stage's WORKDIR holds the build context, i.e. the repository root.
            (int exitCode, string output) = RunDotnet(words, Repository.Root);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"dotnet {string.Join(' ', words)} failed ({exitCode}):\n{output}");
            }
        }

        Assert.Contains(DeployFiles.DockerStages()[^1].Copies, c => c.Stage == build.Name && c.From == stageOutput);
    }

    /// <summary>The commands that were run, as run.</summary>
    public List<string> Commands { get; } = [];

    public string Folder => _output.Path;

    /// <summary>
    /// Lays the runtime stage out in <paramref name="root"/> (which stands for the container's <c>/</c>): the published files
    /// and every COPY from the build context under WORKDIR, as the image would hold them. Returns the WORKDIR.
    /// </summary>
    public string LayOutImage(string root)
    {
        DockerStage runtime = DeployFiles.DockerStages()[^1];
        string workDir = MapPath(runtime.WorkDir, root);
        CopyFolder(Folder, workDir);
        foreach ((string from, string? stage, string to) in runtime.Copies.Where(c => c.Stage is null))
        {
            string target = to.StartsWith('/') ? MapPath(to, root) : Path.Combine(workDir, to);
            CopyFolder(Path.Combine(Repository.Root, from), target);
        }

        return workDir;
    }

    /// <summary>A container path under <paramref name="root"/>.</summary>
    public static string MapPath(string containerPath, string root) => Path.Combine(root, containerPath.TrimStart('/'));

    /// <summary>Every absolute container path in <paramref name="value"/> that starts with one of the given prefixes, moved under <paramref name="root"/>.</summary>
    public static string MapPaths(string value, string root) =>
        ContainerPath().Replace(value, m => MapPath(m.Value, root));

    public void Dispose() => _output.Dispose();

    private static (int ExitCode, string Output) RunDotnet(IEnumerable<string> arguments, string workingDirectory)
    {
        System.Diagnostics.ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result + errors.Result);
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }

        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }

    [GeneratedRegex(@"(?<![\w/.:])/(app|var/lib/ivrvoice|opt/ivrvoice)(/[^\s;""']*)?")]
    private static partial Regex ContainerPath();
}
