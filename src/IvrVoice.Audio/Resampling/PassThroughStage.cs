namespace IvrVoice.Audio.Resampling;

/// <summary>Equal rates: samples pass unchanged (short input is converted exactly).</summary>
internal sealed class PassThroughStage : ResamplingStage
{
    private readonly float[] _buffer = new float[4096];
    private int _filled;

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

    public override int AppendZeros(int count) => 0;

    public override int Produce(Span<float> output)
    {
        int count = Math.Min(_filled, output.Length);
        _buffer.AsSpan(0, count).CopyTo(output);
        Array.Copy(_buffer, count, _buffer, 0, _filled - count);
        _filled -= count;
        return count;
    }

    public override long AvailableOutputs(long inputLength) => inputLength;

    public override long TotalOutputs(long inputLength) => inputLength;

    public override long FlushZeros(long inputLength) => 0;

    public override void Reset() => _filled = 0;
}
