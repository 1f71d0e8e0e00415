using System.Security.Cryptography;
using IvrVoice.Audio;
using IvrVoice.Library.Build;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>
/// A library for <c>ivrvoice build</c> runs (<see cref="CliProcess"/> runs the program), and the checks of what a build
/// leaves in its output folder.
/// </summary>
internal static class BuildFiles
{
    public const int RenderFailed = 4;

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
