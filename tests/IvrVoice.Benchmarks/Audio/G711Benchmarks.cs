using BenchmarkDotNet.Attributes;
using IvrVoice.Audio.Codecs;
using IvrVoice.Testing;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// G.711 encoding of a 10 s and a 60 s prompt at 8 kHz: the bulk encoders against the per-sample reference, and NAudio's
/// encoder, what a .NET developer would otherwise pick (it also differs from G.711 on some inputs: see
/// tests/IvrVoice.Audio.Tests/Codecs/NAudioDifferentialTests.cs).
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class G711Benchmarks
{
    private float[] _floats = [];
    private short[] _pcm = [];
    private byte[] _codes = [];

    /// <summary>Prompt length in seconds at 8 kHz.</summary>
    [Params(10, 60)]
    public int Seconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _floats = SignalGenerator.SpeechLike(Seconds * 8000, 8000, seed: 2);
        _pcm = SignalGenerator.ToPcm16(_floats);
        _codes = new byte[_pcm.Length];
    }

    [Benchmark(Baseline = true, Description = "reference encoder, int16, per sample")]
    public byte Reference()
    {
        for (int i = 0; i < _pcm.Length; i++)
        {
            _codes[i] = G711.LinearToMuLaw(_pcm[i]);
        }

        return _codes[^1];
    }

    [Benchmark(Description = "NAudio 3.3.0 MuLawEncoder, int16, per sample (peer)")]
    public byte NAudioPerSample()
    {
        for (int i = 0; i < _pcm.Length; i++)
        {
            _codes[i] = NAudio.Codecs.MuLawEncoder.LinearToMuLawSample(_pcm[i]);
        }

        return _codes[^1];
    }

    [Benchmark(Description = "bulk μ-law, int16")]
    public byte BulkFromInt16()
    {
        G711.EncodeMuLaw(_pcm, _codes);
        return _codes[^1];
    }

    [Benchmark(Description = "bulk μ-law, float (exact rule)")]
    public byte BulkFromFloat()
    {
        G711.EncodeMuLaw(_floats, _codes);
        return _codes[^1];
    }

    [Benchmark(Description = "bulk A-law, float (exact rule)")]
    public byte BulkALawFromFloat()
    {
        G711.EncodeALaw(_floats, _codes);
        return _codes[^1];
    }
}
