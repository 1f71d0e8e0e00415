using System.Diagnostics;
using System.Text.RegularExpressions;
using IvrVoice.Audio.Wav;
using IvrVoice.Testing;

namespace IvrVoice.Cli.Tests;

/// <summary>
/// The installed <c>ivrvoice</c> is the launcher (src/IvrVoice.Cli.Launcher): it answers <c>transcode</c> itself, without
/// ICU, and hands every other command line to <c>ivrvoice-full</c>. Its transcode must be the full program's: the same
/// command line gives the same exit code, standard output, standard error and files through both, in a German locale
/// too (where System.CommandLine would translate its own errors). The launcher parses plain transcode command lines
/// itself and hands the rest (help, usage errors, unusual forms) to the full program, so here it runs beside a full program
/// that is the built one.
/// </summary>
public sealed partial class LauncherTests
{
    public static TheoryData<string[]> CommandLines => new()
    {
        new[] { "transcode", "speech.wav", "out.wav" },
        new[] { "transcode", "speech.wav", "out.ulaw", "--no-master" },
        new[] { "transcode", "speech.wav", "out.wav", "--to", "alaw-wav" },
        new[] { "transcode", "speech.wav", "-", "--to", "sln" },
        new[] { "transcode", "tone.pcm", "out.sln", "--in-rate", "16000", "--in-format", "s16le" },
        new[] { "transcode", "speech.wav", "tone.wav", "notes.txt", "--out-dir", "library" },
        new[] { "transcode", "speech.wav", "out.mp3" },
        new[] { "transcode", "speech.wav", "out.wav", "--to", "ogg" },
        new[] { "transcode", "missing.wav", "out.wav" },
        new[] { "transcode", "notes.txt", "out.wav" },
        new[] { "transcode", "speech.wav", "out.wav", "--no-mastr" },
        new[] { "transcode", "speech.wav", "out.wav", "--in-format", "s16le" },
        new[] { "transcode", "speech.wav", "out.wav", "--in-rate", "abc" },
        new[] { "transcode", "speech.wav" },
        new[] { "transcode" },
        new[] { "transcode", "--help" },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public async Task Launcher_Transcode_SameExitOutputErrorsAndFilesAsTheFullProgram(string[] arguments)
    {
        using TempDirectory installed = LauncherBeside($"#!/bin/sh\nexec dotnet '{BuiltCli.Program}' \"$@\"\n");
        Run full = await RunInFreshFolderAsync(BuiltCli.Program, arguments);
        Run launcher = await RunInFreshFolderAsync(installed.File("ivrvoice.dll"), arguments);

        Assert.Equal(full.ExitCode, launcher.ExitCode);
        Assert.Equal(full.StandardOutput, launcher.StandardOutput);
        Assert.Equal(full.StandardError, launcher.StandardError);
        Assert.Equal(full.Files.Keys.Order(), launcher.Files.Keys.Order());
        foreach ((string name, byte[] bytes) in full.Files)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(launcher.Files[name]), $"{name} differs between the programs");
        }
    }

    [Fact]
    public async Task Launcher_TranscodeInGermanLocale_SpeaksEnglishAsTheFullProgramDoes()
    {
        using TempDirectory installed = LauncherBeside($"#!/bin/sh\nexec dotnet '{BuiltCli.Program}' \"$@\"\n");
        Run launcher = await RunInFreshFolderAsync(installed.File("ivrvoice.dll"), ["transcode", "speech.wav", "out.wav", "--in-rate", "abc"]);

        // System.CommandLine's own words (its help headings, translated under a German locale before) stay English.
        Assert.Equal(1, launcher.ExitCode);
        Assert.Contains("Usage:", launcher.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Nutzung", launcher.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Cannot parse argument 'abc'", launcher.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launcher_OtherVerb_RunsTheFullProgramBesideItWithTheSameArguments()
    {
        using TempDirectory installed = LauncherBeside(StandIn);

        Run run = await RunInFreshFolderAsync(installed.File("ivrvoice.dll"), ["say", "Press one, then 'hash'.", "--out", "a b.wav"]);

        Assert.Equal(7, run.ExitCode);
        Assert.Equal("[say][Press one, then 'hash'.][--out][a b.wav]", run.StandardOutput);
    }

    public static TheoryData<string[]> PlainLines => new()
    {
        new[] { "transcode", "speech.wav", "out.wav" },
        new[] { "transcode", "--no-master", "speech.wav", "out.ulaw" },
        new[] { "transcode", "speech.wav", "out.wav", "--to", "alaw-wav", "--no-master" },
        new[] { "transcode", "tone.pcm", "out.sln", "--in-rate", "16000", "--in-format", "s16le", "--in-channels", "1" },
        new[] { "transcode", "speech.wav", "tone.wav", "--out-dir", "library" },
        new[] { "transcode", "speech.wav", "-" },
        new[] { "transcode", "missing.wav", "out.wav" },
        new[] { "transcode", "speech.wav", "out.wav", "--to", "ogg" },
    };

    [Theory]
    [MemberData(nameof(PlainLines))]
    public async Task Launcher_PlainTranscodeLine_AnswersItselfWithoutTheFullProgram(string[] arguments)
    {
        using TempDirectory installed = LauncherBeside(StandIn);

        Run run = await RunInFreshFolderAsync(installed.File("ivrvoice.dll"), arguments);

        Assert.NotEqual(7, run.ExitCode);
        Assert.DoesNotContain("[transcode]", run.StandardOutput, StringComparison.Ordinal);
    }

    public static TheoryData<string[]> UnusualLines => new()
    {
        new[] { "transcode", "--help" },
        new[] { "transcode", "speech.wav", "out.wav", "-h" },
        new[] { "transcode", "speech.wav", "out.wav", "/?" },
        new[] { "transcode", "speech.wav", "out.wav", "--to=sln" },
        new[] { "transcode", "speech.wav", "out.wav", "--to:sln" },
        new[] { "transcode", "speech.wav", "out.wav", "--no-master", "false" },
        new[] { "transcode", "speech.wav", "out.wav", "--no-master", "--no-master" },
        new[] { "transcode", "speech.wav", "out.wav", "--to", "sln", "--to", "ulaw" },
        new[] { "transcode", "tone.pcm", "out.sln", "--in-rate", "+16000" },
        new[] { "transcode", "tone.pcm", "out.sln", "--in-rate", "1600000000000" },
        new[] { "transcode", "tone.pcm", "out.sln", "--in-rate", "-8000" },
        new[] { "transcode", "speech.wav", "out.wav", "--in-channels" },
        new[] { "transcode", "@arguments.rsp" },
        new[] { "transcode", "--", "speech.wav", "out.wav" },
        new[] { "transcode", "speech.wav", "out.wav", "--version" },
        new[] { "transcode", "speech.wav", "out.wav", "--no-mastr" },
        new[] { "transcode" },
        new[] { "transcode", "--no-master" },
    };

    [Theory]
    [MemberData(nameof(UnusualLines))]
    public async Task Launcher_UnusualTranscodeLine_HandsItToTheFullProgramVerbatim(string[] arguments)
    {
        using TempDirectory installed = LauncherBeside(StandIn);

        Run run = await RunInFreshFolderAsync(installed.File("ivrvoice.dll"), arguments);

        Assert.Equal(7, run.ExitCode);
        Assert.Equal(string.Concat(arguments.Select(a => $"[{a}]")), run.StandardOutput);
    }

    // A stand-in full program that reports what it was given and exits with a code of its own.
    private const string StandIn = "#!/bin/sh\nprintf '[%s]' \"$@\"\nexit 7\n";

    // A copy of the built launcher with `script` as the ivrvoice-full beside it.
    private static TempDirectory LauncherBeside(string script)
    {
        TempDirectory copy = new();
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(LauncherProgram())!))
        {
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        }

        string full = copy.File("ivrvoice-full");
        File.WriteAllText(full, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }

        return copy;
    }

    [Fact]
    public async Task Launcher_OtherVerbWithoutTheFullProgram_Exits127NamingIt()
    {
        Run run = await RunInFreshFolderAsync(LauncherProgram(), ["about"]);

        Assert.Equal(127, run.ExitCode);
        Assert.Contains("ivrvoice-full' is missing; reinstall with bash scripts/install.sh", run.StandardError, StringComparison.Ordinal);
    }

    private sealed record Run(int ExitCode, string StandardOutput, string StandardError, Dictionary<string, byte[]> Files);

    // The same inputs in a new folder each time, so the two programs' files can be compared.
    private static async Task<Run> RunInFreshFolderAsync(string program, string[] arguments)
    {
        using TempDirectory folder = new();
        short[] speech = new short[3 * 24_000];
        for (int i = 0; i < speech.Length; i++)
        {
            speech[i] = (short)(8000 * Math.Sin(2 * Math.PI * 300 * i / 24_000) * (i % 12_000 < 8_000 ? 1 : 0.01));
        }

        File.WriteAllBytes(folder.File("speech.wav"), WavWriter.WritePcm16(speech, 24_000));
        File.WriteAllBytes(folder.File("tone.wav"), WavWriter.WritePcm16(speech[..24_000], 24_000));
        File.WriteAllBytes(folder.File("tone.pcm"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(speech.AsSpan(0, 16_000)).ToArray());
        File.WriteAllText(folder.File("notes.txt"), "not audio");
        string[] inputs = Directory.GetFiles(folder.Path);

        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LANG"] = "de_DE.UTF-8";
        start.Environment["LC_ALL"] = "de_DE.UTF-8";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(limit.Token);
        Dictionary<string, byte[]> files = Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories)
            .Where(file => !inputs.Contains(file))
            .ToDictionary(file => Path.GetRelativePath(folder.Path, file), File.ReadAllBytes);
        // Each run reports its own elapsed time; nothing else may differ.
        return new Run(process.ExitCode, Elapsed().Replace(await stdout, "in T s"), Elapsed().Replace(await stderr, "in T s"), files);
    }

    [GeneratedRegex(@"in \d+\.\d{3} s")]
    private static partial Regex Elapsed();

    private static string LauncherProgram()
    {
        // BuiltCli.Program is …/src/IvrVoice.Cli/bin/<Configuration>/<tfm>/ivrvoice.dll; the launcher builds beside it.
        DirectoryInfo tfm = new FileInfo(BuiltCli.Program).Directory!;
        string path = Path.Combine(tfm.Parent!.Parent!.Parent!.Parent!.FullName, "IvrVoice.Cli.Launcher", "bin", tfm.Parent.Name, tfm.Name, "ivrvoice.dll");
        Assert.True(File.Exists(path), $"the launcher is not built at {path}: build tests/IvrVoice.Cli.Tests");
        return path;
    }
}
