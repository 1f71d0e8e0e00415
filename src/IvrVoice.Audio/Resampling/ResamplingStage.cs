using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio.Resampling;

/// <summary>
/// One rate change with its input buffer. The stream it sees is the input, preceded by the stage's leading zeros
/// (so the first output is centred on the first input sample) and, at the end of a stream, followed by the zeros the
/// last outputs' windows need. Outputs are computed from buffered input only; the caller drives Append and Produce.
/// </summary>
internal abstract class ResamplingStage
{
    private float[]? _scratch;

    /// <summary>Buffers as much of the input as fits and returns how many samples it took.</summary>
    /// <remarks>
    /// One method per input type rather than one generic virtual method: Native AOT resolves a generic virtual call through
    /// its type loader at run time, which every start paid for and which kept the type loader in the binary.
    /// </remarks>
    public abstract int Append(ReadOnlySpan<short> input);

    /// <inheritdoc cref="Append(ReadOnlySpan{short})"/>
    public abstract int Append(ReadOnlySpan<float> input);

    /// <summary>Calls the <see cref="Append(ReadOnlySpan{short})"/> for <typeparamref name="TSample"/> (int16 or float).</summary>
    public int Append<TSample>(ReadOnlySpan<TSample> input)
        where TSample : unmanaged
    {
        if (typeof(TSample) == typeof(short))
        {
            return Append(System.Runtime.InteropServices.MemoryMarshal.Cast<TSample, short>(input));
        }

        if (typeof(TSample) == typeof(float))
        {
            return Append(System.Runtime.InteropServices.MemoryMarshal.Cast<TSample, float>(input));
        }

        throw new NotSupportedException($"Resampling takes int16 or float samples, not {typeof(TSample).Name}.");
    }

    /// <summary>Buffers up to <paramref name="count"/> zeros and returns how many it took.</summary>
    public abstract int AppendZeros(int count);

    /// <summary>Computes the outputs the buffered input allows, at most <paramref name="output"/>'s length, and drops input no later output needs.</summary>
    public abstract int Produce(Span<float> output);

    /// <summary>As <see cref="Produce"/>, encoding the outputs to μ-law by <see cref="G711.MuLawFromFloat"/>.</summary>
    public virtual int ProduceMuLaw(Span<byte> output)
    {
        _scratch ??= new float[4096];
        int count = Produce(_scratch.AsSpan(0, Math.Min(_scratch.Length, output.Length)));
        G711.EncodeMuLaw(_scratch.AsSpan(0, count), output);
        return count;
    }

    /// <summary>How many outputs a stream of <paramref name="inputLength"/> samples allows before it is flushed.</summary>
    public abstract long AvailableOutputs(long inputLength);

    /// <summary>How many outputs a whole stream of <paramref name="inputLength"/> samples has: ceil(n × out / in).</summary>
    public abstract long TotalOutputs(long inputLength);

    /// <summary>Zeros to append after <paramref name="inputLength"/> samples so that all <see cref="TotalOutputs"/> can be computed.</summary>
    public abstract long FlushZeros(long inputLength);

    /// <summary>Forgets the stream: empties the buffer and restores the leading zeros.</summary>
    public abstract void Reset();
}
