namespace IvrVoice.Audio.Resampling;

/// <summary>
/// Any rational rate change L/M through a Kaiser-windowed sinc filter bank. Output j sits at input time jM/L; its window
/// starts at stream index floor(jM/L) (the stream begins with the bank's leading zeros) and uses phase (jM mod L).
/// </summary>
internal sealed class PolyphaseStage : ResamplingStage
{
    private const int BlockInput = 8192;
    private readonly PolyphaseFilterBank _bank;
    private readonly float[] _buffer;
    private int _filled;
    private int _offset;   // buffer index of the next output's window
    private int _phase;    // the next output's phase

    public PolyphaseStage(int inputRate, int outputRate)
    {
        _bank = PolyphaseFilterBank.Get(inputRate, outputRate);
        _buffer = new float[BlockInput + _bank.TapsPerPhase];
        Reset();
    }

    public override int Append(ReadOnlySpan<short> input) => Append<short, Int16Input>(input);

    public override int Append(ReadOnlySpan<float> input) => Append<float, FloatInput>(input);

    private int Append<TSample, TInput>(ReadOnlySpan<TSample> input)
        where TSample : unmanaged
        where TInput : IStageInput<TSample>
    {
        int count = Math.Min(input.Length, _buffer.Length - _filled);
        TInput.Convert(input[..count], _buffer.AsSpan(_filled, count));
        _filled += count;
        return count;
    }

    public override int AppendZeros(int count)
    {
        count = Math.Min(count, _buffer.Length - _filled);
        Array.Clear(_buffer, _filled, count);
        _filled += count;
        return count;
    }

    public override int Produce(Span<float> output)
    {
        // Outputs whose window [offset, offset + taps) is buffered: offsets advance by (phase + kM) / L.
        int last = _filled - _bank.TapsPerPhase;   // the largest usable window offset
        if (_offset > last)
        {
            return 0;
        }

        long available = ((((long)(last - _offset + 1) * _bank.Interpolation) - _phase - 1) / _bank.Decimation) + 1;
        int count = (int)Math.Min(available, output.Length);
        PolyphaseKernels.Compute(_bank, _buffer.AsSpan(0, _filled), ref _offset, ref _phase, output[..count]);

        Array.Copy(_buffer, _offset, _buffer, 0, _filled - _offset);
        _filled -= _offset;
        _offset = 0;
        return count;
    }

    public override long AvailableOutputs(long inputLength)
    {
        long lastOffset = _bank.LeadingZeros + inputLength - _bank.TapsPerPhase;
        return lastOffset < 0 ? 0 : ((((lastOffset + 1) * _bank.Interpolation) - 1) / _bank.Decimation) + 1;
    }

    public override long TotalOutputs(long inputLength) =>
        ((inputLength * _bank.Interpolation) + _bank.Decimation - 1) / _bank.Decimation;

    public override long FlushZeros(long inputLength)
    {
        long total = TotalOutputs(inputLength);
        if (total == 0)
        {
            return 0;
        }

        long lastOffset = (total - 1) * _bank.Decimation / _bank.Interpolation;
        return Math.Max(0, lastOffset + _bank.TapsPerPhase - (_bank.LeadingZeros + inputLength));
    }

    public override void Reset()
    {
        Array.Clear(_buffer);
        _filled = _bank.LeadingZeros;
        _offset = 0;
        _phase = 0;
    }
}
