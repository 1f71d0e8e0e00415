using System.Globalization;
using IvrVoice.Audio.Joining;
using IvrVoice.Testing;
using static IvrVoice.Audio.Tests.Joining.JoinSignals;

namespace IvrVoice.Audio.Tests.Joining;

/// <summary>A joined announcement read by sox and ffprobe, which we did not write. A missing tool fails the test.</summary>
[Trait("Category", "Integration")]
public sealed class AudioJoinerToolTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void JoinWav_Announcement_SoxReadsEightKilohertzMuLawOfTheJoinedLength()
    {
        Require(ExternalTools.Sox, "sox");
        JoinedFile joined = Announcement();
        string path = _temp.Write("joined.wav", joined.File);

        IReadOnlyDictionary<string, string> info = ExternalTools.SoxInfo(path);
        IReadOnlyDictionary<string, double> stat = ExternalTools.SoxStat(path);

        Assert.Equal("8000", info["Sample Rate"]);
        Assert.Equal("1", info["Channels"]);
        Assert.Contains("u-law", info["Sample Encoding"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(joined.SampleCount, stat["Samples read"]);
        // sox's own peak (on its ±1 scale) is under the mastering ceiling.
        Assert.True(stat["Maximum amplitude"] <= Math.Pow(10, MasteringOptions.Default.PeakCeilingDbfs / 20), $"sox peak {stat["Maximum amplitude"]}");
    }

    [Fact]
    public void JoinWav_Announcement_FfprobeSeesMuLawMonoOfTheJoinedDuration()
    {
        Require(ExternalTools.Ffprobe, "ffmpeg (for ffprobe)");
        JoinedFile joined = Announcement();
        string path = _temp.Write("joined.wav", joined.File);

        IReadOnlyDictionary<string, string> stream = ExternalTools.ProbeStream(path);

        Assert.Equal("pcm_mulaw", stream["codec_name"]);
        Assert.Equal("8000", stream["sample_rate"]);
        Assert.Equal("1", stream["channels"]);
        Assert.Equal(joined.Duration.TotalSeconds, double.Parse(stream["duration"], CultureInfo.InvariantCulture), 3);
    }

    private static JoinedFile Announcement()
    {
        byte[] Piece(double seconds, double level, int seed) => AudioEncoder.Encode(Speech(seconds, level, seed), Rate, OutputFormat.MuLawWav);
        return AudioJoiner.JoinWav(
        [
            new WavPiece(Piece(1.2, -26, 60)),
            new WavPiece(Piece(0.4, -31, 61), JoinBoundary.Phrase),
            new WavPiece(Piece(0.5, -22, 62), JoinBoundary.Word),
            new WavPiece(Piece(0.6, -28, 63), JoinBoundary.Phrase),
        ], MasteringOptions.Default);
    }

    private static void Require(string tool, string package) =>
        Assert.True(ExternalTools.IsAvailable(tool), $"{tool} is not on the PATH: install {package} (scripts/setup.sh does).");
}
