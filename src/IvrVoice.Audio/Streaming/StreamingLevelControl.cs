namespace IvrVoice.Audio.Streaming;

/// <summary>
/// Brings streamed speech to the target level causally, within <see cref="LatencySamples"/> of delay, and never lets a
/// sample past the ceiling. Three parts, in order: (1) a starting gain, target − the voice's typical level; (2) a slow
/// tracker: the mean square of active 20 ms blocks (those within 16 dB of the loudest seen, the P.56 margin, so pauses do
/// not count) is averaged with a 2 s time constant and the gain moves toward target − that level by at most
/// <see cref="StreamingLevelOptions.TrackerDbPerSecond"/>, within the tracker range and the maximum gain, interpolated per
/// sample; (3) a look-ahead limiter: each sample needs at most gain r = ceiling / |x|; the gain applied to the sample
/// leaving the delay line is the least of (previous gain + release step) and r_k + (k − t) / L over every sample k in the
/// window, so it ramps down linearly ahead of a peak, reaches r_k at it (|output| ≤ ceiling) and returns over 50 ms.
/// </summary>
/// <remarks>Not thread-safe: one instance per stream. Samples are floats on the 16-bit scale.</remarks>
public sealed class StreamingLevelControl
{
    private const double BlockSeconds = 0.02;
    private const double AverageSeconds = 2.0;
    private const double ActiveMarginDb = 16;
    private const double ReleaseSeconds = 0.05;

    private readonly float _ceiling;
    private readonly int _lookAhead;
    private readonly float _attackStep;
    private readonly float _releaseStep;
    private readonly int _blockLength;
    private readonly double _minGainDb;
    private readonly double _maxGainDb;
    private readonly double _stepDb;
    private readonly double _targetDb;
    private readonly double _averageWeight;

    // The delay line: gained samples and the gain each needs, in a ring of L + 1.
    private readonly float[] _delayed;
    private readonly float[] _needed;
    private int _head;
    private int _filled;
    private int _limitedInWindow;
    private float _limiterGain = 1f;

    // Tracker state.
    private double _gainDb;
    private float _blockStartGain;
    private float _blockEndGain;
    private int _blockPosition;
    private double _blockEnergy;
    private double _meanSquare;
    private double _loudestBlock;
    private bool _hasLevel;

    /// <summary>A control for one stream at <paramref name="sampleRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range, or the rate is not positive.</exception>
    public StreamingLevelControl(int sampleRate, StreamingLevelOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        options ??= StreamingLevelOptions.Default;
        options.Validate();
        _ceiling = (float)(32768 * Math.Pow(10, options.PeakCeilingDbfs / 20));
        _lookAhead = Math.Max(1, (int)Math.Round(options.LookAheadMilliseconds * sampleRate / 1000));
        _attackStep = 1f / _lookAhead;
        _releaseStep = 1f / Math.Max(1, (int)(ReleaseSeconds * sampleRate));
        _blockLength = Math.Max(1, (int)(BlockSeconds * sampleRate));
        _targetDb = options.TargetLevelDbfs;
        double start = options.TypicalLevelDbfs is { } typical ? Math.Min(options.MaxGainDb, _targetDb - typical) : 0;
        _gainDb = start;
        _minGainDb = start - options.TrackerRangeDb;
        _maxGainDb = Math.Min(options.MaxGainDb, start + options.TrackerRangeDb);
        _stepDb = options.TrackerDbPerSecond * BlockSeconds;
        _averageWeight = BlockSeconds / AverageSeconds;
        _blockStartGain = _blockEndGain = (float)Math.Pow(10, start / 20);
        _delayed = new float[_lookAhead + 1];
        _needed = new float[_lookAhead + 1];
        SampleRate = sampleRate;
    }

    public int SampleRate { get; }

    /// <summary>The delay this control adds, in samples (the limiter's look-ahead).</summary>
    public int LatencySamples => _lookAhead;

    /// <summary>The gain the tracker currently applies, in dB (before the limiter).</summary>
    public double CurrentGainDb => _gainDb;

    /// <summary>The number of outputs the next <see cref="Process"/> of <paramref name="inputLength"/> samples writes.</summary>
    public int GetOutputLength(int inputLength) => Math.Max(0, Pending + inputLength - _lookAhead);

    /// <summary>The number of outputs <see cref="Flush"/> writes now.</summary>
    public int GetFlushLength() => Pending;

    // Samples in the delay line not yet output (a full line's oldest has already left).
    private int Pending => _filled == _delayed.Length ? _filled - 1 : _filled;

    /// <summary>Processes the next chunk; returns the outputs written (the input delayed by <see cref="LatencySamples"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetOutputLength"/>.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length < GetOutputLength(input.Length))
        {
            throw new ArgumentException($"The output holds {output.Length} samples but this call writes {GetOutputLength(input.Length)}.", nameof(output));
        }

        int written = 0;
        foreach (float sample in input)
        {
            float gained = sample * Gain(sample);
            if (Push(gained, out float leaving))
            {
                output[written++] = leaving;
            }
        }

        return written;
    }

    /// <summary>Ends the stream: releases the delay line (<see cref="GetFlushLength"/> outputs) and empties it; the tracker keeps its level.</summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetFlushLength"/>.</exception>
    public int Flush(Span<float> output)
    {
        int pending = Pending;
        if (output.Length < pending)
        {
            throw new ArgumentException($"The output holds {output.Length} samples but this call writes {pending}.", nameof(output));
        }

        int written = 0;
        while (written < pending)
        {
            // Zeros after the end need no gain reduction, so the last samples leave with the ramp they already had.
            if (Push(0f, out float leaving))
            {
                output[written++] = leaving;
            }
        }

        Array.Clear(_delayed);
        Array.Clear(_needed);
        _head = 0;
        _filled = 0;
        _limitedInWindow = 0;
        _limiterGain = 1f;
        return written;
    }

    // Tracker: the gain for this sample, interpolated (linearly, in amplitude) across the block from the last block's gain to this one's.
    private float Gain(float sample)
    {
        _blockEnergy += (double)sample * sample;
        float gain = _blockStartGain + ((_blockEndGain - _blockStartGain) * _blockPosition / _blockLength);
        if (++_blockPosition == _blockLength)
        {
            EndBlock();
        }

        return gain;
    }

    private void EndBlock()
    {
        double blockMeanSquare = _blockEnergy / _blockLength;
        _blockEnergy = 0;
        _blockPosition = 0;
        _loudestBlock = Math.Max(_loudestBlock, blockMeanSquare);
        bool active = blockMeanSquare > 1 && 10 * Math.Log10(blockMeanSquare / _loudestBlock) > -ActiveMarginDb;
        if (active)
        {
            _meanSquare = _hasLevel ? _meanSquare + (_averageWeight * (blockMeanSquare - _meanSquare)) : blockMeanSquare;
            _hasLevel = true;
        }

        _blockStartGain = _blockEndGain;
        if (_hasLevel)
        {
            // dBov: the RMS against full scale on the square-wave scale (32768).
            double levelDb = 10 * Math.Log10(_meanSquare / (32768.0 * 32768.0));
            double wanted = Math.Clamp(_targetDb - levelDb, _minGainDb, _maxGainDb);
            _gainDb += Math.Clamp(wanted - _gainDb, -_stepDb, _stepDb);
        }

        _blockEndGain = (float)Math.Pow(10, _gainDb / 20);
    }

    // Limiter: puts a gained sample in the delay line; when the line is full, the oldest leaves with its limiter gain.
    private bool Push(float gained, out float leaving)
    {
        float magnitude = Math.Abs(gained);
        float needed = magnitude > _ceiling ? _ceiling / magnitude : 1f;
        int size = _delayed.Length;
        int slot = (_head + _filled) % size;
        if (_filled == size)
        {
            // The line is full: the slot to write is the oldest; it left on the previous call.
            if (_needed[_head] < 1f)
            {
                _limitedInWindow--;
            }

            _head = (_head + 1) % size;
            _filled--;
        }

        _delayed[slot] = gained;
        _needed[slot] = needed;
        if (needed < 1f)
        {
            _limitedInWindow++;
        }

        _filled++;
        if (_filled < size)
        {
            leaving = 0;
            return false;
        }

        float gain = Math.Min(1f, _limiterGain + _releaseStep);
        if (_limitedInWindow > 0)
        {
            for (int k = 0; k < size; k++)
            {
                gain = Math.Min(gain, _needed[(_head + k) % size] + (k * _attackStep));
            }
        }

        _limiterGain = gain;
        leaving = Math.Clamp(_delayed[_head] * gain, -_ceiling, _ceiling);
        return true;
    }
}
