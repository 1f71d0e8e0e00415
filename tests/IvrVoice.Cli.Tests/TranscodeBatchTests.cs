using IvrVoice.Testing;
using TranscodeRun = IvrVoice.Cli.Tests.TranscodeCommandTests.TranscodeRun;

namespace IvrVoice.Cli.Tests;

/// <summary>
/// <c>ivrvoice transcode … --out-dir DIR</c> (many files and folders in one process) and the streamed path for long files,
/// run as the built program; outputs read back by sox.
/// </summary>
public sealed class TranscodeBatchTests
{
    private const int Usage = 2;
    private const int InvalidInput = 3;

    [SkippableFact]
    public async Task Transcode_FilesAndFolderWithOutDir_WritesEachWithProgressAndOneSummary()
    {
        ExternalTools.Require(ExternalTools.Sox);
        using TempDirectory folder = new();
        Directory.CreateDirectory(folder.File("library"));
        Tone(folder.File("library/welcome.wav"), 24000, 440);
        Tone(folder.File("library/goodbye.wav"), 16000, 660);
        File.WriteAllText(folder.File("library/notes.txt"), "not audio, not taken from a folder");
        Tone(folder.File("hold.wav"), 44100, 330);

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "library", "hold.wav", "--out-dir", "out");

        Assert.True(run.ExitCode == 0, run.StandardError);
        string[] lines = run.StandardOutput.Trim().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("[1/3] Wrote out/goodbye.wav: 2.00 s of 16000 Hz audio as 8 kHz mulaw-wav", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("[2/3] Wrote out/welcome.wav: 2.00 s of 24000 Hz", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("[3/3] Wrote out/hold.wav: 2.00 s of 44100 Hz", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("Transcoded 3 of 3 files into out as 8 kHz mulaw-wav", lines[3], StringComparison.Ordinal);
        Assert.Equal(["goodbye.wav", "hold.wav", "welcome.wav"], Directory.GetFiles(folder.File("out")).Select(Path.GetFileName).Order());
        foreach (string name in new[] { "goodbye", "welcome", "hold" })
        {
            IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(folder.File($"out/{name}.wav"));
            Assert.Equal("8000", info["Sample Rate"]);
            Assert.Equal("8-bit u-law", info["Sample Encoding"]);
        }

        // The batch writes what one file at a time writes.
        TranscodeRun single = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "hold.wav", "single.wav");
        Assert.Equal(0, single.ExitCode);
        Assert.Equal(File.ReadAllBytes(folder.File("single.wav")), File.ReadAllBytes(folder.File("out/hold.wav")));
    }

    [SkippableFact]
    public async Task Transcode_BatchWithBadAndMissingFiles_NamesThemKeepsTheOthersAndFails()
    {
        ExternalTools.Require(ExternalTools.Sox);
        using TempDirectory folder = new();
        Tone(folder.File("good.wav"), 24000, 440);
        File.WriteAllText(folder.File("broken.wav"), "this is not a WAV file at all");

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "broken.wav", "missing.wav", "good.wav", "--out-dir", "out", "--to", "ulaw");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("[1/3] ivrvoice transcode: 'broken.wav' is not audio this tool reads", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("[2/3] ivrvoice transcode: cannot read 'missing.wav': it does not exist.", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("[3/3] Wrote out/good.ulaw", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Transcoded 1 of 3 files into out as 8 kHz ulaw (", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2 failed: 'broken.wav', 'missing.wav'", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(["good.ulaw"], Directory.GetFiles(folder.File("out")).Select(Path.GetFileName));
        Assert.InRange(new FileInfo(folder.File("out/good.ulaw")).Length, 16_000, 16_000 + (2 * 1200));   // 2 s at 8 kHz, plus at most the pads
    }

    [Fact]
    public async Task Transcode_SeveralInputsWithoutOutDir_IsAUsageError()
    {
        using TempDirectory folder = new();
        File.WriteAllBytes(folder.File("a.wav"), IvrVoice.Audio.Wav.WavWriter.WritePcm16(new short[800], 8000));

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "a.wav", "a.wav", "b.wav");

        Assert.Equal(Usage, run.ExitCode);
        Assert.Contains("more than one input needs --out-dir DIR", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Transcode_LongFileStreamedFromDisk_SameBytesAsReadWholeFromStandardInput()
    {
        ExternalTools.Require(ExternalTools.Sox);
        using TempDirectory folder = new();
        // 150 s of 24 kHz 16-bit mono: 1.2 M samples at 8 kHz, more than a stream masters in memory (2^20), so it goes
        // through the spool; a tone that comes and goes, so the mastering trims, scales and (at -20 dBFS) limits.
        ExternalTools.RunSox("-n", "-r", "24000", "-b", "16", "-c", "1", folder.File("long.wav"),
            "synth", "150", "sine", "300-3000", "tremolo", "0.5", "100", "gain", "-6").EnsureSuccess();
        Assert.True(new FileInfo(folder.File("long.wav")).Length / 2 / 3 > 1 << 20);

        TranscodeRun streamed = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "long.wav", "streamed.wav");
        TranscodeRun whole = await TranscodeRun.StartAsync(folder.Path, File.ReadAllBytes(folder.File("long.wav")), "transcode", "-", "whole.wav");

        Assert.True(streamed.ExitCode == 0, streamed.StandardError);
        Assert.True(whole.ExitCode == 0, whole.StandardError);
        Assert.StartsWith("Wrote streamed.wav: 150.00 s of 24000 Hz audio as 8 kHz mulaw-wav", streamed.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(folder.File("whole.wav")), File.ReadAllBytes(folder.File("streamed.wav")));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    private static void Tone(string path, int rate, int hz) =>
        ExternalTools.RunSox("-n", "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", "16", "-c", "1", path,
            "synth", "2", "sine", hz.ToString(System.Globalization.CultureInfo.InvariantCulture), "gain", "-12").EnsureSuccess();
}
