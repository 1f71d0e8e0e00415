using BenchmarkDotNet.Attributes;
using IvrVoice.Audio;
using IvrVoice.Audio.Joining;
using IvrVoice.Testing;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// The join alone: 10 μ-law WAV pieces of 0.4 s of speech-like sound between 150 ms pads (as mastered prompts are)
/// decoded, trimmed, levelled, faded and encoded into one μ-law WAV, against decoding and re-encoding them unjoined.
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class JoinerBenchmarks
{
    private WavPiece[] _pieces = [];

    [GlobalSetup]
    public void Setup()
    {
        _pieces = [.. Enumerable.Range(0, 10).Select(i =>
        {
            float[] sound = SignalGenerator.SpeechLike(3200, 8000, seed: i, peak: 4000 + (1500 * i));
            float[] piece = [.. new float[1200], .. sound, .. new float[1200]];
            return new WavPiece(AudioEncoder.Encode(piece, 8000, OutputFormat.MuLawWav), i % 3 == 0 ? JoinBoundary.Phrase : JoinBoundary.Word);
        })];
    }

    [Benchmark(Baseline = true, Description = "decode and re-encode 10 pieces, no join")]
    public int DecodeEncode()
    {
        int total = 0;
        foreach (WavPiece piece in _pieces)
        {
            total += AudioEncoder.Encode(AudioDecoder.Decode(piece.Wav.Span).Samples, 8000, OutputFormat.MuLawWav).Length;
        }

        return total;
    }

    [Benchmark(Description = "join 10 pieces to one μ-law WAV")]
    public int Join() => AudioJoiner.JoinWav(_pieces, MasteringOptions.Default).File.Length;
}
