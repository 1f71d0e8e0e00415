using System.Diagnostics;
using System.Security.Cryptography;
using IvrVoice.Audio;
using IvrVoice.Library.Build;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>How a run of <c>ivrvoice build</c> ended.</summary>
internal sealed record BuildRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary><c>ivrvoice build</c> as its own process, and the checks of what it leaves in its output folder.</summary>
internal static class BuildProcess
{
    public const int RenderFailed = 4;

    private static string Program => IvrVoice.Testing.BuiltCli.Program;

    /// <summary>Writes a library of <paramref name="count"/> prompts in two languages, voices and styles varied, all for Gemini 3.1.</summary>
    public static IReadOnlyList<string> WriteLibrary(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        string[] voices = ["Kore", "Puck", "Leda", "Charon"];
        List<string> ids = [];
        foreach ((string language, int share) in new[] { ("en-US", count - (count / 4)), ("es-US", count / 4) })
        {
            System.Text.StringBuilder yaml = new($"defaults:\n  language: {language}\n  voice: Kore\n  model: gemini-3.1-flash-tts\nprompts:\n");
            for (int i = 1; i <= share; i++)
            {
                string text = language == "en-US"
                    ? $"Option {i}: thank you for calling, your estimated wait is {i % 9 + 1} minutes."
                    : $"Opción {i}: gracias por llamar, su tiempo de espera es de {i % 9 + 1} minutos.";
                yaml.Append($"  - id: prompt-{i}\n    text: \"{text}\"\n    voice: {voices[i % voices.Length]}\n");
                if (i % 5 == 0)
                {
                    yaml.Append("    style: calm and warm\n");
                }

                ids.Add($"{language}/prompt-{i}");
            }

            File.WriteAllText(Path.Combine(folder, language + ".yaml"), yaml.ToString());
        }

        return ids;
    }

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        ProcessStartInfo start = new(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
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

        foreach (string inherited in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k == "IVRVOICE_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach ((string key, string? value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start ivrvoice.");
    }

    public static async Task<BuildRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        using Process process = Start(workingDirectory, settings, arguments);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ivrvoice {string.Join(' ', arguments)} did not finish: {await stderr}");
        }

        return new BuildRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Checks an output folder the way a deployment would use it: the manifest is whole, every file it lists is there with
    /// the SHA-256 it records, every WAV it lists plays as 8 kHz audio, and no finished-looking file is half written.
    /// Returns the manifest (null when there is none yet).
    /// </summary>
    public static BuildManifest? AssertOutputConsistent(string output)
    {
        BuildManifest? manifest = BuildManifest.Read(output);
        foreach (ManifestPrompt prompt in manifest?.Prompts ?? [])
        {
            foreach ((string target, ManifestFile file) in prompt.Files)
            {
                string path = Path.Combine(output, file.Path);
                Assert.True(File.Exists(path), $"{prompt.Language}/{prompt.Id}: the manifest lists {file.Path} ({target}), which is missing.");
                byte[] bytes = File.ReadAllBytes(path);
                Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
                Assert.Equal(file.Bytes, bytes.Length);
            }
        }

        foreach (string wav in Directory.Exists(output) ? Directory.EnumerateFiles(output, "*.wav", SearchOption.AllDirectories) : [])
        {
            PcmAudio audio = AudioDecoder.Decode(File.ReadAllBytes(wav));
            Assert.True(audio.SampleRate == 8_000 && audio.Duration > TimeSpan.FromMilliseconds(200), $"{wav} is not a whole 8 kHz prompt.");
        }

        return manifest;
    }
}
