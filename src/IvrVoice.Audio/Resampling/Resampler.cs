using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio.Resampling;

/// <summary>
/// A streaming sample-rate converter for one rate pair: a polyphase windowed-sinc FIR with a 3:1 fast path (24 kHz to
/// 8 kHz) and a general rational path (11.025, 16, 22.05, 32, 44.1, 48 kHz to 8 kHz, 8 kHz to 16 or 24 kHz, and any
/// other pair whose reduced ratio has at most 4096 phases). Output j is centred on input time j × in / out, with the
/// signal taken as zero before its first sample and after its last.
/// </summary>
/// <remarks>
/// <para>Feed input in chunks of any size with <c>Process</c>, then call <c>Flush</c> once: the outputs equal, bit for bit,
/// those of the one-shot <see cref="Resample(ReadOnlySpan{float}, int, int)"/>. A call writes exactly
/// <see cref="GetOutputLength"/> outputs; the filter's look-ahead is released by <c>Flush</c>. After <c>Flush</c> the
/// resampler is ready for a new stream. Buffers are allocated once, at construction.</para>
/// <para>Quality at 8 kHz output: 0–3.4 kHz flat within ±0.001 dB; input between 4.6 kHz and the input Nyquist frequency
/// (whose aliases land in the telephone band) at least 100 dB down; 4.0–4.6 kHz at least 60 dB down.</para>
/// <para>Samples are floats on the 16-bit scale (full scale ±32768), as <see cref="PcmAudio"/> holds them, or int16.
/// Not thread-safe: use one instance per stream.</para>
/// </remarks>
public sealed class Resampler
{
    /// <summary>The telephone rate.</summary>
    public const int TelephonyRate = 8000;
    private const int MinRate = 1000;
    private const int MaxRate = 384_000;
    private readonly ResamplingStage _stage;
    private long _inputLength;
    private long _produced;

    private Resampler(int inputRate, int outputRate, ResamplingStage stage)
    {
        InputRate = inputRate;
        OutputRate = outputRate;
        _stage = stage;
    }

    /// <summary>Input samples per second.</summary>
    public int InputRate { get; }

    /// <summary>Output samples per second.</summary>
    public int OutputRate { get; }

    /// <summary>Whether <see cref="Create"/> accepts the pair: both rates within 1–384 kHz and a reduced ratio of at most 4096 phases.</summary>
    public static bool IsSupported(int inputRate, int outputRate) =>
        inputRate is >= MinRate and <= MaxRate && outputRate is >= MinRate and <= MaxRate
        && (inputRate == outputRate || inputRate == 3 * outputRate || PolyphaseFilterBank.Supports(inputRate, outputRate));

    /// <summary>A resampler for one stream from <paramref name="inputRate"/> to <paramref name="outputRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The pair is not supported (see <see cref="IsSupported"/>).</exception>
    public static Resampler Create(int inputRate, int outputRate = TelephonyRate)
    {
        if (!IsSupported(inputRate, outputRate))
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), inputRate,
                $"Resampling from {inputRate} Hz to {outputRate} Hz is not supported: rates must be {MinRate}–{MaxRate} Hz with a ratio of at most {PolyphaseFilterBank.MaxPhases} phases.");
        }

        ResamplingStage stage = inputRate == outputRate ? new PassThroughStage()
            : inputRate == 3 * outputRate ? new Decimator3Stage()
            : new PolyphaseStage(inputRate, outputRate);
        return new Resampler(inputRate, outputRate, stage);
    }

    /// <summary>The number of samples a whole stream of <paramref name="inputLength"/> input samples produces: ceil(n × out / in).</summary>
    public static long GetTotalOutputLength(long inputLength, int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        return (long)Math.Ceiling((decimal)inputLength * outputRate / inputRate);
    }

    /// <summary>Resamples a whole signal.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The pair is not supported.</exception>
    public static float[] Resample(ReadOnlySpan<float> input, int inputRate, int outputRate = TelephonyRate)
    {
        Resampler resampler = Create(inputRate, outputRate);
        float[] output = new float[checked((int)resampler._stage.TotalOutputs(input.Length))];
        int written = resampler.Process(input, output);
        resampler.Flush(output.AsSpan(written));
        return output;
    }

    /// <inheritdoc cref="Resample(ReadOnlySpan{float}, int, int)"/>
    public static float[] Resample(ReadOnlySpan<short> input, int inputRate, int outputRate = TelephonyRate)
    {
        Resampler resampler = Create(inputRate, outputRate);
        float[] output = new float[checked((int)resampler._stage.TotalOutputs(input.Length))];
        int written = resampler.Process(input, output);
        resampler.Flush(output.AsSpan(written));
        return output;
    }

    /// <summary>Resamples a whole signal and encodes it as G.711 μ-law (no intermediate float array).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The pair is not supported.</exception>
    public static byte[] ResampleToMuLaw(ReadOnlySpan<short> input, int inputRate, int outputRate = TelephonyRate)
    {
        Resampler resampler = Create(inputRate, outputRate);
        byte[] output = new byte[checked((int)resampler._stage.TotalOutputs(input.Length))];
        int written = resampler.ProcessToMuLaw(input, output);
        resampler.FlushToMuLaw(output.AsSpan(written));
        return output;
    }

    /// <inheritdoc cref="ResampleToMuLaw(ReadOnlySpan{short}, int, int)"/>
    public static byte[] ResampleToMuLaw(ReadOnlySpan<float> input, int inputRate, int outputRate = TelephonyRate)
    {
        Resampler resampler = Create(inputRate, outputRate);
        byte[] output = new byte[checked((int)resampler._stage.TotalOutputs(input.Length))];
        int written = resampler.ProcessToMuLaw(input, output);
        resampler.FlushToMuLaw(output.AsSpan(written));
        return output;
    }

    /// <summary>The exact number of outputs the next <c>Process</c> call writes for <paramref name="inputLength"/> input samples.</summary>
    public int GetOutputLength(int inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        return checked((int)(_stage.AvailableOutputs(_inputLength + inputLength) - _produced));
    }

    /// <summary>The exact number of outputs <c>Flush</c> writes now.</summary>
    public int GetFlushLength() => checked((int)(_stage.TotalOutputs(_inputLength) - _produced));

    /// <summary>Resamples the next chunk of the stream and returns the number of outputs written.</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetOutputLength"/>.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output) => Run<float, FloatInput, float, FloatOutput>(input, output);

    /// <inheritdoc cref="Process(ReadOnlySpan{float}, Span{float})"/>
    public int Process(ReadOnlySpan<short> input, Span<float> output) => Run<short, Int16Input, float, FloatOutput>(input, output);

    /// <summary>Resamples the next chunk and encodes it as μ-law (by <see cref="G711.MuLawFromFloat"/>); returns the bytes written.</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetOutputLength"/>.</exception>
    public int ProcessToMuLaw(ReadOnlySpan<short> input, Span<byte> output) => Run<short, Int16Input, byte, MuLawOutput>(input, output);

    /// <inheritdoc cref="ProcessToMuLaw(ReadOnlySpan{short}, Span{byte})"/>
    public int ProcessToMuLaw(ReadOnlySpan<float> input, Span<byte> output) => Run<float, FloatInput, byte, MuLawOutput>(input, output);

    /// <summary>Ends the stream: writes the remaining outputs (<see cref="GetFlushLength"/>) and resets for a new stream.</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetFlushLength"/>.</exception>
    public int Flush(Span<float> output) => Finish<float, FloatOutput>(output);

    /// <summary>Ends the stream in μ-law: writes the remaining codes and resets for a new stream.</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetFlushLength"/>.</exception>
    public int FlushToMuLaw(Span<byte> output) => Finish<byte, MuLawOutput>(output);

    /// <summary>Forgets the current stream.</summary>
    public void Reset()
    {
        _stage.Reset();
        _inputLength = 0;
        _produced = 0;
    }

    // The one processing loop: the stage takes what fits, produces what that allows, until the input is used up.
    private int Run<TSample, TInput, TOutput, TSink>(ReadOnlySpan<TSample> input, Span<TOutput> output)
        where TSample : unmanaged
        where TInput : IStageInput<TSample>
        where TOutput : unmanaged
        where TSink : IStageOutput<TOutput>
    {
        CheckCapacity(output.Length, GetOutputLength(input.Length));
        int written = 0;
        while (true)
        {
            int taken = _stage.Append(input);
            input = input[taken..];
            _inputLength += taken;
            int count;
            while ((count = TSink.Produce(_stage, output[written..])) > 0)
            {
                written += count;
                _produced += count;
            }

            if (input.IsEmpty)
            {
                return written;
            }
        }
    }

    // The end of a stream: the zeros the last windows need, then everything they allow.
    private int Finish<TOutput, TSink>(Span<TOutput> output)
        where TOutput : unmanaged
        where TSink : IStageOutput<TOutput>
    {
        int remaining = GetFlushLength();
        CheckCapacity(output.Length, remaining);
        long zeros = _stage.FlushZeros(_inputLength);
        int written = 0;
        while (written < remaining)
        {
            int appended = _stage.AppendZeros((int)Math.Min(zeros, int.MaxValue));
            zeros -= appended;
            int produced = TSink.Produce(_stage, output[written..remaining]);
            written += produced;
            StalledIf(appended == 0 && produced == 0);
        }

        Reset();
        return written;
    }

    // A stage that can neither take zeros nor produce before the stream's end is a bug; fail instead of spinning.
    private static void StalledIf(bool stalled)
    {
        if (stalled)
        {
            throw new InvalidOperationException("The resampler stalled while flushing.");
        }
    }

    private static void CheckCapacity(int length, int required)
    {
        if (length < required)
        {
            throw new ArgumentException($"The output holds {length} samples but this call writes {required}.", "output");
        }
    }
}
