using System.Diagnostics;
using IvrVoice.Audio;
using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Cli.Tests;

/// <summary><c>ivrvoice transcode</c>, run as the built program on real files made by sox and ffmpeg; outputs read back by sox and ffprobe.</summary>
public sealed class TranscodeCommandTests
{
    private const int Usage = 2;
    private const int InvalidInput = 3;

    [SkippableFact]
    public async Task Transcode_Wav24kHz_Writes8kHzMuLawWavThatSoxAndFfprobeRead()
    {
        ExternalTools.Require(ExternalTools.Sox, ExternalTools.Ffprobe);

        using TempDirectory folder = new();
        ExternalTools.RunSox("-n", "-r", "24000", "-b", "16", "-c", "1", folder.File("in.wav"), "synth", "2", "sine", "440", "gain", "-12").EnsureSuccess();

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.wav", "out.wav");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.StartsWith("Wrote out.wav: 2.00 s of 24000 Hz audio as 8 kHz mulaw-wav", run.StandardOutput, StringComparison.Ordinal);
        Assert.Single(run.StandardOutput.Trim().Split('\n'));
        IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(folder.File("out.wav"));
        Assert.Equal("8000", info["Sample Rate"]);
        Assert.Equal("1", info["Channels"]);
        Assert.Equal("8-bit u-law", info["Sample Encoding"]);
        IReadOnlyDictionary<string, string> probe = ExternalTools.ProbeStream(folder.File("out.wav"));
        Assert.Equal("pcm_mulaw", probe["codec_name"]);
        // Mastered: the tone gains the 150 ms pads at each end and sits at the -26 dBov target.
        PcmAudio decoded = AudioDecoder.Decode(File.ReadAllBytes(folder.File("out.wav")));
        Assert.InRange(decoded.Duration.TotalSeconds, 2.29, 2.31);
        Assert.InRange(AudioAnalysis.Analyze(decoded).ActiveLevelDbfs, -26.3, -25.7);
    }

    [Theory]
    [InlineData("out.mp3", null, "not .mp3 files")]
    [InlineData("out", null, "has no extension")]
    [InlineData("out.wav", "ulaw", "does not fit --to ulaw")]
    [InlineData("out.ulaw", "alaw-wav", "does not fit --to alaw-wav")]
    [InlineData("sub.wav", null, "'sub.wav' is a folder")]
    public async Task Transcode_OutputThatDoesNotFit_RefusedBeforeWritingAnything(string output, string? to, string message)
    {
        using TempDirectory folder = new();
        Directory.CreateDirectory(folder.File("sub.wav"));
        Directory.CreateDirectory(folder.File("sub"));
        File.WriteAllBytes(folder.File("in.wav"), IvrVoice.Audio.Wav.WavWriter.WritePcm16(new short[800], 8000));
        string[] args = to is null ? ["transcode", "in.wav", output] : ["transcode", "in.wav", output, "--to", to];

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, args);

        Assert.Equal(Usage, run.ExitCode);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(["in.wav"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Transcode_MissingOutputFolder_CreatedAsSayDoes()
    {
        using TempDirectory folder = new();
        File.WriteAllBytes(folder.File("in.wav"), IvrVoice.Audio.Wav.WavWriter.WritePcm16(new short[800], 8000));

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.wav", "new/deeper/out.wav", "--no-master");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.True(File.Exists(folder.File("new/deeper/out.wav")));
        Assert.Empty(Directory.GetFiles(folder.File("new/deeper"), "*.tmp"));
    }

    [Fact]
    public async Task Transcode_FolderAsInput_SaysItIsAFolder()
    {
        using TempDirectory folder = new();
        Directory.CreateDirectory(folder.File("recordings"));

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "recordings", "out.wav");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("'recordings' is a folder; give an audio file", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Access to the path", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("alaw-wav", "out.wav", "8-bit A-law", "pcm_alaw", null)]
    [InlineData("pcm16-wav", "out.wav", "16-bit Signed Integer PCM", "pcm_s16le", null)]
    [InlineData("ulaw", "out.raw", null, "pcm_mulaw", "mulaw")]
    [InlineData("alaw", "out.raw", null, "pcm_alaw", "alaw")]
    [InlineData("sln", "out.raw", null, "pcm_s16le", "s16le")]
    public async Task Transcode_EveryOutputFormat_ReadBackAs8kHzMono(string format, string output, string? soxEncoding, string codec, string? rawFormat)
    {
        ExternalTools.Require(ExternalTools.Sox, ExternalTools.Ffprobe);

        using TempDirectory folder = new();
        // Stereo 44.1 kHz float: the decoder mixes it down; the resampler takes the 80/441 path.
        ExternalTools.RunSox("-n", "-r", "44100", "-e", "floating-point", "-b", "32", "-c", "2", folder.File("in.wav"), "synth", "1", "sine", "300", "sine", "500", "gain", "-6").EnsureSuccess();

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.wav", output, "--to", format, "--no-master");

        Assert.True(run.ExitCode == 0, run.StandardError);
        string path = folder.File(output);
        if (soxEncoding is not null)
        {
            Assert.Equal(soxEncoding, ExternalTools.SoxInfo(path)["Sample Encoding"]);
        }

        IReadOnlyDictionary<string, string> probe = rawFormat is null
            ? ExternalTools.ProbeStream(path)
            : ExternalTools.ProbeStream(path, "-f", rawFormat, "-ar", "8000", "-ac", "1");
        Assert.Equal(codec, probe["codec_name"]);
        Assert.Equal("8000", probe["sample_rate"]);
        Assert.Equal("1", probe["channels"]);
        int bytesPerSample = format is "sln" or "pcm16-wav" ? 2 : 1;
        int header = format.EndsWith("-wav", StringComparison.Ordinal) ? (bytesPerSample == 2 ? 44 : 58) : 0;
        Assert.Equal(8000 * bytesPerSample, new FileInfo(path).Length - header);
    }

    [SkippableFact]
    public async Task Transcode_NoMaster_WritesExactlyTheResamplersMuLaw()
    {
        ExternalTools.Require(ExternalTools.Sox, ExternalTools.Ffprobe);

        using TempDirectory folder = new();
        ExternalTools.RunSox("-n", "-r", "24000", "-b", "16", "-c", "1", folder.File("in.wav"), "synth", "1.5", "pinknoise", "gain", "-20").EnsureSuccess();
        short[] pcm = ReadPcm16(folder.File("in.wav"));

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.wav", "out.ulaw", "--no-master");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal(Resampler.ResampleToMuLaw(pcm, 24_000), File.ReadAllBytes(folder.File("out.ulaw")));
    }

    [SkippableFact]
    public async Task Transcode_HeaderlessInputFromStdinToStdout_EqualsTheWavInput()
    {
        ExternalTools.Require(ExternalTools.Sox, ExternalTools.Ffprobe);

        using TempDirectory folder = new();
        ExternalTools.RunSox("-n", "-r", "16000", "-b", "16", "-c", "1", folder.File("in.wav"), "synth", "1", "sine", "1000", "gain", "-10").EnsureSuccess();
        ExternalTools.RunSox(folder.File("in.wav"), "-t", "s16", folder.File("in.sln")).EnsureSuccess();

        TranscodeRun fromWav = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.wav", "wav.ulaw");
        TranscodeRun fromPipe = await TranscodeRun.StartAsync(folder.Path, File.ReadAllBytes(folder.File("in.sln")),
            "transcode", "-", "-", "--in-rate", "16000", "--in-format", "s16le", "--to", "ulaw");

        Assert.True(fromWav.ExitCode == 0, fromWav.StandardError);
        Assert.True(fromPipe.ExitCode == 0, fromPipe.StandardError);
        Assert.Equal(File.ReadAllBytes(folder.File("wav.ulaw")), fromPipe.StandardOutputBytes);
        Assert.Contains("Wrote -:", fromPipe.StandardError, StringComparison.Ordinal);   // the summary stays off the audio stream
    }

    [SkippableFact]
    public async Task Transcode_NotAudio_ExitsInvalidInputNamingTheFile()
    {
        using TempDirectory folder = new();
        folder.Write("notes.wav", "these are not samples"u8);

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "notes.wav", "out.wav");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("'notes.wav' is not audio", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out.wav")));
    }

    [SkippableFact]
    public async Task Transcode_Mp3_WritesTelephonyWavOfTheSameLength()
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        using TempDirectory folder = new();
        ExternalTools.RunFfmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=24000:duration=1", "-c:a", "libmp3lame", "-b:a", "48k", folder.File("in.mp3")).EnsureSuccess();

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.mp3", "out.wav", "--no-master");

        Assert.Equal(0, run.ExitCode);
        IReadOnlyDictionary<string, string> probe = ExternalTools.ProbeStream(folder.File("out.wav"));
        Assert.Equal("pcm_mulaw", probe["codec_name"]);
        Assert.Equal("8000", probe["sample_rate"]);
        // The LAME header's delay and padding are trimmed: exactly one second of 24 kHz becomes 8,000 samples.
        Assert.Equal("8000", probe["duration_ts"]);
    }

    [SkippableFact]
    public async Task Transcode_Ogg_ExitsInvalidInputNamingIt()
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        using TempDirectory folder = new();
        ExternalTools.RunFfmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "flac", folder.File("in.flac")).EnsureSuccess();

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.flac", "out.wav");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("FLAC", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Transcode_MissingFile_ExitsInvalidInput()
    {
        using TempDirectory folder = new();

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "absent.wav", "out.wav");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("cannot read 'absent.wav'", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("--to", "mp3")]
    [InlineData("--in-format", "s16le")]
    public async Task Transcode_BadOptions_ExitsUsage(string option, string value)
    {
        using TempDirectory folder = new();
        folder.Write("in.wav", AudioEncoder.Encode(new float[800], 8000, OutputFormat.Pcm16Wav));

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.wav", "out.wav", option, value);

        Assert.Equal(Usage, run.ExitCode);
        Assert.StartsWith("ivrvoice transcode:", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Transcode_UnsupportedRate_ExitsInvalidInput()
    {
        using TempDirectory folder = new();
        folder.Write("in.sln", new byte[2000]);

        TranscodeRun run = await TranscodeRun.StartAsync(folder.Path, null, "transcode", "in.sln", "out.wav", "--in-rate", "999");

        Assert.Equal(InvalidInput, run.ExitCode);
        Assert.Contains("999", run.StandardError, StringComparison.Ordinal);
    }

    private static short[] ReadPcm16(string wavPath)
    {
        PcmAudio audio = AudioDecoder.Decode(File.ReadAllBytes(wavPath));
        return [.. audio.Samples.Select(s => (short)s)];
    }

    /// <summary>One run of the built <c>ivrvoice</c> program, with optional standard input.</summary>
    internal sealed record TranscodeRun(int ExitCode, byte[] StandardOutputBytes, string StandardError)
    {
        public string StandardOutput => System.Text.Encoding.UTF8.GetString(StandardOutputBytes);

        public static async Task<TranscodeRun> StartAsync(string workingDirectory, byte[]? standardInput, params string[] arguments)
        {
            ProcessStartInfo start = new("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = standardInput is not null,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(IvrVoice.Testing.BuiltCli.Program);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            using MemoryStream stdout = new();
            Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (standardInput is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(standardInput);
                process.StandardInput.Close();
            }

            using CancellationTokenSource limit = new(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(limit.Token);
            await copy;
            return new TranscodeRun(process.ExitCode, stdout.ToArray(), await stderr);
        }
    }
}
