using BenchmarkDotNet.Attributes;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;
using NAudio.Dsp;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// 24 kHz (Gemini's output) to 8 kHz with NAudio 3.3.0's WDL resampler, driven as its WdlResamplingSampleProvider drives
/// it (sinc off, two IIR filters, output-driven, 512-frame blocks), against IvrVoice's resampler on the same float input;
/// and the whole int16 → μ-law step: WDL then NAudio's MuLawEncoder per sample, against IvrVoice's fused resample+encode.
/// Quality is not the same (NAudioDifferentialTests: WDL is more than 3 dB down at 3.4 kHz and aliases; ours is flat).
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class NAudioResamplerBenchmarks
{
    private const int InputRate = 24_000;
    private short[] _pcm = [];
    private float[] _floats = [];
    private float[] _scaled = [];
    private float[] _telephone = [];
    private byte[] _muLaw = [];
    private Resampler _resampler = null!;
    private WdlResampler _wdl = null!;

    /// <summary>Prompt length in seconds: 10 s is a menu sentence, 60 s a long announcement.</summary>
    [Params(10, 60)]
    public int Seconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pcm = SignalGenerator.ToPcm16(SignalGenerator.SpeechLike(Seconds * InputRate, InputRate, seed: 1));
        _floats = SignalGenerator.ToFloat(_pcm);
        _scaled = new float[_pcm.Length];
        _telephone = new float[(_pcm.Length / 3) + 64];
        _muLaw = new byte[(_pcm.Length / 3) + 64];
        _resampler = Resampler.Create(InputRate);
        _wdl = new WdlResampler();
        _wdl.SetMode(true, 2, false);
        _wdl.SetFilterParms();
        _wdl.SetFeedMode(false);
        _wdl.SetRates(InputRate, Resampler.TelephonyRate);
    }

    [Benchmark(Baseline = true, Description = "IvrVoice resample, float -> float")]
    public int Ours()
    {
        int written = _resampler.Process(_floats, _telephone);
        return written + _resampler.Flush(_telephone.AsSpan(written));
    }

    [Benchmark(Description = "NAudio 3.3.0 WDL resampler, float -> float (peer)")]
    public int NAudioWdl() => Wdl(_floats, _telephone);

    [Benchmark(Description = "IvrVoice fused, int16 -> mu-law")]
    public int OursToMuLaw()
    {
        int written = _resampler.ProcessToMuLaw(_pcm, _muLaw);
        return written + _resampler.FlushToMuLaw(_muLaw.AsSpan(written));
    }

    [Benchmark(Description = "NAudio 3.3.0 WDL + MuLawEncoder, int16 -> mu-law (peer)")]
    public int NAudioToMuLaw()
    {
        // NAudio's sample providers work in floats: int16 to float, resample, then back to int16 for the encoder.
        for (int i = 0; i < _pcm.Length; i++)
        {
            _scaled[i] = _pcm[i] / 32768f;
        }

        int written = Wdl(_scaled, _telephone);
        for (int i = 0; i < written; i++)
        {
            _muLaw[i] = NAudio.Codecs.MuLawEncoder.LinearToMuLawSample((short)Math.Clamp(_telephone[i] * 32768f, short.MinValue, short.MaxValue));
        }

        return written;
    }

    private int Wdl(float[] input, float[] output)
    {
        _wdl.Reset();
        int wanted = input.Length / 3;
        int read = 0;
        int written = 0;
        while (written < wanted)
        {
            int frames = Math.Min(512, wanted - written);
            int needed = _wdl.ResamplePrepare(frames, 1, out Span<float> inBuffer);
            int available = Math.Max(0, Math.Min(needed, input.Length - read));
            input.AsSpan(read, available).CopyTo(inBuffer);
            inBuffer[available..needed].Clear();
            read += available;
            int produced = _wdl.ResampleOut(output.AsSpan(written), needed, frames, 1);
            if (produced <= 0)
            {
                break;
            }

            written += produced;
        }

        return written;
    }
}
