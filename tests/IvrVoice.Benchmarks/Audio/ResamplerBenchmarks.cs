using BenchmarkDotNet.Attributes;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// 24 kHz int16 (Gemini's output) to 8 kHz, one thread, for a 10 s and a 60 s prompt: IvrVoice's resampler alone and
/// fused with μ-law encoding, against libsoxr HQ (the baseline) and speexdsp at qualities 5 and 8, all in one run.
/// Every method converts the whole prompt, flush included, into buffers allocated in setup.
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class ResamplerBenchmarks
{
    private const int InputRate = 24_000;
    private short[] _pcm = [];
    private float[] _floats = [];
    private float[] _telephone = [];
    private byte[] _muLaw = [];
    private short[] _native = [];
    private Resampler _resampler = null!;
    private nint _soxr, _speex5, _speex8;

    /// <summary>Prompt length in seconds: 10 s is a menu sentence, 60 s a long announcement.</summary>
    [Params(10, 60)]
    public int Seconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pcm = SignalGenerator.ToPcm16(SignalGenerator.SpeechLike(Seconds * InputRate, InputRate, seed: 1));
        _floats = SignalGenerator.ToFloat(_pcm);
        _telephone = new float[_pcm.Length / 3];
        _muLaw = new byte[_pcm.Length / 3];
        _native = new short[(_pcm.Length / 3) + 256];
        _resampler = Resampler.Create(InputRate);
        _soxr = NativeResamplers.CreateSoxrHighQuality(InputRate, Resampler.TelephonyRate);
        _speex5 = NativeResamplers.CreateSpeex(InputRate, Resampler.TelephonyRate, 5);
        _speex8 = NativeResamplers.CreateSpeex(InputRate, Resampler.TelephonyRate, 8);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeResamplers.SoxrDelete(_soxr);
        NativeResamplers.SpeexDestroy(_speex5);
        NativeResamplers.SpeexDestroy(_speex8);
    }

    [Benchmark(Baseline = true, Description = "libsoxr HQ, int16")]
    public int SoxrHighQuality() => NativeResamplers.SoxrWhole(_soxr, _pcm, _native);

    [Benchmark(Description = "speexdsp q5, int16")]
    public int SpeexQuality5() => NativeResamplers.SpeexWhole(_speex5, _pcm, _native);

    [Benchmark(Description = "speexdsp q8, int16")]
    public int SpeexQuality8() => NativeResamplers.SpeexWhole(_speex8, _pcm, _native);

    [Benchmark(Description = "IvrVoice resample, float -> float")]
    public int ResampleOnly()
    {
        int written = _resampler.Process(_floats, _telephone);
        return written + _resampler.Flush(_telephone.AsSpan(written));
    }

    [Benchmark(Description = "IvrVoice resample, int16 -> float")]
    public int ResampleFromInt16()
    {
        int written = _resampler.Process(_pcm, _telephone);
        return written + _resampler.Flush(_telephone.AsSpan(written));
    }

    [Benchmark(Description = "IvrVoice fused, int16 -> mu-law")]
    public int FusedInt16ToMuLaw()
    {
        int written = _resampler.ProcessToMuLaw(_pcm, _muLaw);
        return written + _resampler.FlushToMuLaw(_muLaw.AsSpan(written));
    }
}
