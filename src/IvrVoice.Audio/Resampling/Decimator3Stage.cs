namespace IvrVoice.Audio.Resampling;

/// <summary>
/// 3:1 decimation (24 kHz to 8 kHz, or any rate to a third of it) with the fixed 192-tap filter. The buffer keeps the
/// stream's three phases side by side; output j (counted from the buffer start) needs stream samples up to 3j + 191.
/// </summary>
internal sealed class Decimator3Stage : ResamplingStage
{
    // 2048 outputs a block: the buffer (24.8 KB) stays in L1 with the taps, and a prompt-sized process faults in 6
    // fresh pages for it rather than 13 (at 4096).
    private const int BlockOutputs = 2048;
    private const int Stride = BlockOutputs + Decimator3Kernels.PhaseTaps;   // phase capacity: one block's window
    private const int Capacity = 3 * Stride;
    private const int Window = Decimator3Kernels.TapCount;
    private readonly float[] _phases = GC.AllocateUninitializedArray<float>(Capacity);   // Reset clears it
    private int _filled;   // stream samples buffered, counted from the buffer start

    public Decimator3Stage() => Reset();

    public override int Append(ReadOnlySpan<short> input) => Append<short, Int16Input>(input);

    public override int Append(ReadOnlySpan<float> input) => Append<float, FloatInput>(input);

    private int Append<TSample, TInput>(ReadOnlySpan<TSample> input)
        where TSample : unmanaged
        where TInput : IStageInput<TSample>
    {
        int count = Math.Min(input.Length, Capacity - _filled);
        TInput.Deinterleave(input[..count], _phases, Stride, _filled);
        _filled += count;
        return count;
    }

    public override int AppendZeros(int count)
    {
        count = Math.Min(count, Capacity - _filled);
        for (int t = _filled; t < _filled + count; t++)
        {
            _phases[((t % 3) * Stride) + (t / 3)] = 0;
        }

        _filled += count;
        return count;
    }

    public override int Produce(Span<float> output) => Produce<float, FloatWriter>(output);

    // Fused: the kernel encodes each finished block to μ-law in registers; no float output is stored.
    public override int ProduceMuLaw(Span<byte> output) => Produce<byte, MuLawWriter>(output);

    public override long AvailableOutputs(long inputLength)
    {
        long stream = Decimator3Kernels.Delay + inputLength;
        return stream >= Window ? ((stream - Window) / 3) + 1 : 0;
    }

    public override long TotalOutputs(long inputLength) => (inputLength + 2) / 3;

    public override long FlushZeros(long inputLength)
    {
        long total = TotalOutputs(inputLength);
        long needed = total == 0 ? 0 : (3 * (total - 1)) + Window;
        return Math.Max(0, needed - (Decimator3Kernels.Delay + inputLength));
    }

    private int Produce<TOutput, TWriter>(Span<TOutput> output)
        where TOutput : unmanaged
        where TWriter : IBlockWriter<TOutput>
    {
        int available = _filled >= Window ? ((_filled - Window) / 3) + 1 : 0;
        int count = Math.Min(available, output.Length);
        if (count == 0)
        {
            return 0;
        }

        Decimator3Kernels.Compute<TOutput, TWriter>(_phases, Stride, 0, output[..count]);

        // Keep each phase from index `count` on: the next output's window starts there.
        int kept = _filled - (3 * count);
        for (int r = 0; r < 3; r++)
        {
            int entries = (kept - r + 2) / 3;
            Array.Copy(_phases, (r * Stride) + count, _phases, r * Stride, entries);
        }

        _filled = kept;
        return count;
    }

    public override void Reset()
    {
        Array.Clear(_phases);
        _filled = Decimator3Kernels.Delay;   // the cleared buffer already holds the leading zeros
    }
}
