using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace IvrVoice.Cli.Tests;

/// <summary>Runs the built <c>ivrvoice build</c> as a child process, to completion or until a test kills it.</summary>
internal static class BuildTestHost
{
    private static string Program => Path.Combine(AppContext.BaseDirectory, "ivrvoice.dll");

    /// <summary>The repository's sample library (prompts/), found from this source file's recorded location.</summary>
    public static string SampleLibrary { get; } = FindSample();

    /// <summary>Runs <c>ivrvoice</c> to the end (at most two minutes) with only <paramref name="environment"/> as provider settings.</summary>
    public static async Task<SayRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using Process process = Start(workingDirectory, environment, arguments);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ivrvoice {string.Join(' ', arguments)} did not finish: {await stderr}");
        }

        return new SayRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>ivrvoice</c> and returns at once; output is redirected (read it or let it go).</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Program);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("Providers__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Cache__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Serilog__", StringComparison.OrdinalIgnoreCase)
            || k == "IVRVOICE_ENVIRONMENT" || k == "CI").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach ((string key, string? value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start ivrvoice.");
    }

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
