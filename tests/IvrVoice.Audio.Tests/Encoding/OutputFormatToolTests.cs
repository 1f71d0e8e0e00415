using System.Globalization;
using IvrVoice.Audio.Tests.Codecs;
using IvrVoice.Audio.Tests.Wav;
using IvrVoice.Testing;

// Not IvrVoice.Audio.Tests.Encoding: a namespace of that name would hide System.Text.Encoding from every test.
namespace IvrVoice.Audio.Tests;

/// <summary>
/// Every output format read back by sox and by ffprobe/ffmpeg, which we did not write: each must see 8 kHz mono of
/// the expected codec, the right number of samples, and decode the samples the G.711 reference says we wrote.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OutputFormatToolTests : IDisposable
{
    private const int Rate = 8000;
    private const int Count = 4001;   // odd: the G.711 WAVs need their pad byte
    private readonly TempDirectory _temp = new();
    private readonly float[] _signal = Signal();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<OutputFormat> Formats => [.. Enum.GetValues<OutputFormat>()];

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public void Formats_EveryFormatHasAToolDescription(OutputFormat format)
    {
        Assert.NotEmpty(Tools(format).Codec);
    }

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public void Encode_EveryFormat_FfprobeSeesEightKilohertzMonoOfTheCodec(OutputFormat format)
    {
        (string codec, _, string[] probeInput) = Tools(format);
        ExternalTools.Require(ExternalTools.Ffprobe);

        string path = _temp.Write("out" + Extension(format), AudioEncoder.Encode(_signal, Rate, format));

        IReadOnlyDictionary<string, string> stream = ExternalTools.ProbeStream(path, probeInput);

        Assert.Equal(codec, stream["codec_name"]);
        Assert.Equal("8000", stream["sample_rate"]);
        Assert.Equal("1", stream["channels"]);
        if (Extension(format) == ".wav")
        {
            Assert.Equal(Count / (double)Rate, double.Parse(stream["duration"], CultureInfo.InvariantCulture), 3);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public void Encode_EveryFormat_FfmpegDecodesTheReferenceSamples(OutputFormat format)
    {
        string[] probeInput = Tools(format).ProbeInput;
        ExternalTools.Require(ExternalTools.Ffmpeg);

        string path = _temp.Write("out" + Extension(format), AudioEncoder.Encode(_signal, Rate, format));

        ToolResult decoded = ExternalTools.RunFfmpeg([.. probeInput, "-i", path, "-f", "s16le", "-"]).EnsureSuccess();

        Assert.Equal(WavBuilder.Pcm16(ExpectedDecoded(format)), decoded.StandardOutputBytes);
    }

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public void Encode_EveryFormat_SoxReadsEverySampleAndDecodesTheReference(OutputFormat format)
    {
        string[] soxType = Tools(format).SoxType;
        ExternalTools.Require(ExternalTools.Sox);

        string path = _temp.Write("out" + Extension(format), AudioEncoder.Encode(_signal, Rate, format));

        IReadOnlyDictionary<string, double> stat = ExternalTools.SoxStat(path, soxType);
        ToolResult decoded = ExternalTools.RunSox([.. soxType, path, "-t", "raw", "-e", "signed", "-b", "16", "-"]).EnsureSuccess();

        Assert.Equal(Count, stat["Samples read"]);
        Assert.Equal(Count / (double)Rate, stat["Length (seconds)"], 4);
        Assert.Equal(WavBuilder.Pcm16(ExpectedDecoded(format)), decoded.StandardOutputBytes);
    }

    [SkippableTheory]
    [InlineData(OutputFormat.MuLawWav, "8-bit u-law", "14-bit")]
    [InlineData(OutputFormat.ALawWav, "8-bit A-law", "13-bit")]
    [InlineData(OutputFormat.Pcm16Wav, "16-bit Signed Integer PCM", "16-bit")]
    public void Encode_WavFormats_SoxInfoNamesTheEncoding(OutputFormat format, string encoding, string precision)
    {
        ExternalTools.Require(ExternalTools.Sox);

        string path = _temp.Write("out.wav", AudioEncoder.Encode(_signal, Rate, format));

        IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(path);

        Assert.Equal("1", info["Channels"]);
        Assert.Equal("8000", info["Sample Rate"]);
        Assert.Equal(encoding, info["Sample Encoding"]);
        Assert.Equal(precision, info["Precision"]);
        Assert.Contains($"= {Count} samples", info["Duration"], StringComparison.Ordinal);
    }

    // The codec ffprobe must report, and the options sox and ffmpeg need to read the headerless formats.
    private static (string Codec, string[] SoxType, string[] ProbeInput) Tools(OutputFormat format) => format switch
    {
        OutputFormat.MuLawWav => ("pcm_mulaw", [], []),
        OutputFormat.ALawWav => ("pcm_alaw", [], []),
        OutputFormat.Pcm16Wav => ("pcm_s16le", [], []),
        OutputFormat.RawMuLaw => ("pcm_mulaw", ["-t", "ul", "-r", "8000", "-c", "1"], ["-f", "mulaw", "-ar", "8000", "-ac", "1"]),
        OutputFormat.RawALaw => ("pcm_alaw", ["-t", "al", "-r", "8000", "-c", "1"], ["-f", "alaw", "-ar", "8000", "-ac", "1"]),
        OutputFormat.RawSln => ("pcm_s16le", ["-t", "raw", "-e", "signed", "-b", "16", "-r", "8000", "-c", "1"], ["-f", "s16le", "-ar", "8000", "-ac", "1"]),
        _ => ("", [], []),
    };

    // What a correct reader must produce: audioop's decode of audioop's code of each truncated sample,
    // or the sample rounded to nearest (ties to even) for 16-bit PCM.
    private short[] ExpectedDecoded(OutputFormat format)
    {
        G711VectorSet reference = G711Vectors.Reference;
        return format switch
        {
            OutputFormat.MuLawWav or OutputFormat.RawMuLaw => _signal.Select(y => reference.MuLawDecoded[reference.MuLaw((int)MathF.Truncate(y))]).ToArray(),
            OutputFormat.ALawWav or OutputFormat.RawALaw => _signal.Select(y => reference.ALawDecoded[reference.ALaw((int)MathF.Truncate(y))]).ToArray(),
            _ => _signal.Select(y => (short)Math.Round(y, MidpointRounding.ToEven)).ToArray(),
        };
    }

    // A swept tone within full scale, with some exact half-integers to exercise the rounding rules.
    private static float[] Signal()
    {
        float[] samples = new float[Count];
        for (int i = 0; i < Count; i++)
        {
            double t = i / (double)Rate;
            samples[i] = (float)(30000 * Math.Sin(2 * Math.PI * (200 + (800 * t)) * t));
            if (i % 17 == 0)
            {
                samples[i] = MathF.Round(samples[i]) + 0.5f;
            }
        }

        return samples;
    }

    /// <summary>A file name extension the tools recognise for each format (raw files also get explicit input options).</summary>
    private static string Extension(OutputFormat format) => format switch
    {
        OutputFormat.RawMuLaw => ".ulaw",
        OutputFormat.RawALaw => ".alaw",
        OutputFormat.RawSln => ".sln",
        _ => ".wav",
    };
}
