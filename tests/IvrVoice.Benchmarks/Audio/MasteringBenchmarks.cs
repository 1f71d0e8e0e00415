using BenchmarkDotNet.Attributes;
using IvrVoice.Audio;
using IvrVoice.Audio.Resampling;
using IvrVoice.Audio.Wav;
using IvrVoice.Testing;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// Mastering on its own and its share of a transcode, in process: a 24 kHz 16-bit WAV (Gemini's output) to an 8 kHz
/// μ-law WAV with mastering on (the default) and off (the fused path), and mastering alone on the 8 kHz signal
/// (<c>TelephonyMastering.ApplyInPlace</c>: P.56 meter twice, sound bounds, fades, gain, limiter check). The mastering
/// method restores its buffer by a copy first, which it counts, so its share is if anything overstated. The signal is
/// 20 s of generated speech repeated to the length (generating ten minutes would take minutes).
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class MasteringBenchmarks
{
    private const int InputRate = 24_000;
    private const int Rate = Resampler.TelephonyRate;
    private byte[] _wav = [];
    private float[] _telephone = [];
    private float[] _work = [];
    private int _pad;

    /// <summary>Prompt length in seconds: 10 s is a menu sentence, 600 s the ten-minute file of scripts/bench-transcode.sh.</summary>
    [Params(10, 600)]
    public int Seconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        float[] speech = SignalGenerator.SpeechLike(20 * InputRate, InputRate, seed: 1);
        float[] signal = new float[Seconds * InputRate];
        for (int at = 0; at < signal.Length; at += speech.Length)
        {
            speech.AsSpan(0, Math.Min(speech.Length, signal.Length - at)).CopyTo(signal.AsSpan(at));
        }

        short[] pcm = SignalGenerator.ToPcm16(signal);
        _wav = WavWriter.WritePcm16(pcm, InputRate);
        float[] telephone = Resampler.Resample(pcm, InputRate);
        _pad = TelephonyMastering.PadSamples(Rate, MasteringOptions.Default);
        _telephone = new float[telephone.Length + (2 * _pad)];
        telephone.CopyTo(_telephone, _pad);
        _work = new float[_telephone.Length];
    }

    /// <summary>The 8 kHz signal with a pad of zeros on each side, as mastering gets it.</summary>
    internal float[] Telephone => _telephone;

    [Benchmark(Baseline = true, Description = "transcode, mastered")]
    public int TranscodeMastered() => Transcoder.ToTelephony(_wav).Length;

    [Benchmark(Description = "transcode, --no-master")]
    public int TranscodeUnmastered() => Transcoder.ToTelephony(_wav, mastering: MasteringOptions.Disabled).Length;

    [Benchmark(Description = "mastering alone (8 kHz, with a restoring copy)")]
    public int MasteringAlone()
    {
        _telephone.CopyTo(_work, 0);
        return TelephonyMastering.ApplyInPlace(_work, _pad, _telephone.Length - (2 * _pad), Rate, MasteringOptions.Default).End.Value;
    }
}
