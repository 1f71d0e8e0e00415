using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace IvrVoice.Audio;

/// <summary>
/// The P.56 meter of <see cref="SpeechLevel"/> fed in pieces of any size: the same blocks, the same arithmetic, so a
/// signal fed in chunks (a streaming transcode) measures exactly as when measured whole.
/// </summary>
/// <remarks>
/// <para>Activity is counted by runs of the envelope: each run of samples at or above c_j = 2^j is active, and so are up
/// to the hangover's samples of the gap after it. Runs only begin or end where the envelope moves to another power of
/// two, which the smooth envelope seldom does, so a vectorised scan finds those samples and only they are looked at.</para>
/// <para>The envelope's two recursions are bound by their latency, not their arithmetic, so each block of
/// <see cref="Block"/> samples runs them as <see cref="Parts"/> parts side by side (one float lane each) from zero state,
/// on scaled states P = p/h and Q = q/h² (one fused multiply-add each: P' = gP + |x|, Q' = gQ + P'), with the samples
/// stored part-interleaved (element 32n + k is sample 64k + n). The recursions are linear: the state (P, Q) a part
/// should have started from adds exactly g^(n+1) P to P and g^(n+1) (Q + (n+1) P) to Q at its n-th sample, which a
/// vectorised pass adds while it scales Q to the envelope q × gain. The carries from part to part and block to block
/// run in double precision; a signal's last, shorter block is padded with zeros and counted to its length. Single precision
/// in the block's lanes puts the envelope within about 10⁻⁵ (relative; mostly g rounded to float) of the double-precision recursion, which the
/// tests state and check against a step-by-step double-precision transcription of the Recommendation. Every
/// instruction set (Vector512, Vector256, and the scalar fallback) does the same operations per lane in the same
/// order, so the level does not depend on the machine.</para>
/// </remarks>
internal sealed partial class SpeechLevelMeter
{
    /// <summary>Samples per block; a signal is cut into blocks from its first sample.</summary>
    public const int Block = 2048;
    /// <summary>Parts of a block run side by side, one float lane each.</summary>
    internal const int Parts = 32;
    private const int Part = Block / Parts;
    private const int Thresholds = SpeechLevel.Thresholds;
    /// <summary>
    /// Whole blocks shared by two threads at a time (1 MiB of envelope), and the fewest worth sharing per thread (64 K
    /// samples: a 10 s prompt at 8 kHz stays on one core, where handing work over would cost about what it saves).
    /// </summary>
    private const int GroupBlocks = 128, MinGroupBlocks = 32;
    /// <summary>Carried states under this are zero, so no lane ever works on subnormal floats in long silences.</summary>
    private const double Negligible = 1e-30;

    private readonly double _gain, _scale;
    private readonly float _gLane, _scaleLane;
    private readonly int _hangover;
    /// <summary>
    /// A block's envelope, scratch within one <see cref="WholeBlock"/> call (which never runs inside another), and a last
    /// block's padded copy for <see cref="MeasureAll"/>: one of each per thread rather than per meter, so a process that
    /// meters a prompt twice touches their pages once.
    /// </summary>
    [ThreadStatic]
    private static float[]? t_envelope, t_last;
    private float[]? _pending;   // a partial block kept between calls to Add; only a signal fed in pieces needs one
    private readonly PowerTable _powers;
    private readonly long[] _active = new long[Thresholds];
    private readonly int[] _runStart = new int[Thresholds];
    private readonly int[] _lastEnd = new int[Thresholds];
    private readonly ulong[] _changes = new ulong[Parts];
    private Group? _group;
    private int _filled;
    private long _length;
    private double _energy, _p, _q;
    private int _above;
    private double _low, _high = 1;   // `_above` holds while low <= q < high: 2^(above-1) and 2^above (0 and +inf at the ends)

    /// <summary>A meter for a signal at <paramref name="sampleRate"/>, scaled by <paramref name="gain"/> before measuring.</summary>
    public SpeechLevelMeter(int sampleRate, double gain = 1)
    {
        _gain = gain;
        // Every lane and every carry uses the single-precision g, so blocks and carries agree.
        _gLane = (float)Math.Exp(-1.0 / (sampleRate * SpeechLevel.TimeConstantSeconds));
        double h = 1 - (double)_gLane;
        _scale = gain * h * h;   // q × gain = Q × gain h²
        _scaleLane = (float)_scale;
        _hangover = (int)Math.Ceiling(SpeechLevel.HangoverSeconds * sampleRate);
        _powers = Powers(_gLane);
        Array.Fill(_lastEnd, int.MinValue);   // no run yet: nothing before the first one is active
    }

    /// <summary>
    /// Whether a long piece's whole blocks may be shared by two threads (when the machine has two cores); the result is
    /// the same bits either way. Off for a meter that runs beside other work that already keeps the cores busy.
    /// </summary>
    public bool Parallel { get; init; } = true;

    /// <summary>
    /// The vector width the block passes use: 512, 256 or 0 (scalar); the widest the machine accelerates unless a test
    /// asks for a narrower one. Every width gives the same bits.
    /// </summary>
    internal int Width { get; init; } = BestWidth;

    /// <summary>Samples seen so far.</summary>
    public long Length => _length + _filled;

    /// <summary>Measures the next samples of the signal.</summary>
    public void Add(ReadOnlySpan<float> x)
    {
        if (_filled > 0)
        {
            int take = Math.Min(x.Length, Block - _filled);
            x[..take].CopyTo(_pending.AsSpan(_filled));   // _filled > 0: Add kept a partial block
            _filled += take;
            x = x[take..];
            if (_filled < Block)
            {
                return;
            }

            WholeBlock(_pending);
            _filled = 0;
        }

        while (x.Length >= Block)
        {
            int blocks = x.Length / Block;
            if (Parallel && blocks >= 2 * MinGroupBlocks && Threading.SecondCore.Available)
            {
                int group = Math.Min(blocks, GroupBlocks);
                WholeBlocksOnTwoCores(x[..(group * Block)]);
                x = x[(group * Block)..];
            }
            else
            {
                WholeBlock(x[..Block]);
                x = x[Block..];
            }
        }

        if (!x.IsEmpty)
        {
            x.CopyTo(_pending ??= new float[Block]);
        }

        _filled = x.Length;
    }

    /// <summary>
    /// Measures a whole signal on a fresh meter: <see cref="Add"/> then <see cref="Finish"/>, the same bits, with the last
    /// partial block padded in a per-thread buffer rather than kept in the meter.
    /// </summary>
    public (double LevelDb, double Activity) MeasureAll(ReadOnlySpan<float> x)
    {
        if (Length != 0)
        {
            throw new InvalidOperationException("MeasureAll takes the whole signal on a fresh meter.");
        }

        int whole = x.Length / Block * Block;
        Add(x[..whole]);
        if (whole < x.Length)
        {
            float[] last = t_last ??= new float[Block];
            x[whole..].CopyTo(last);
            last.AsSpan(x.Length - whole).Clear();
            WholeBlock(last, x.Length - whole);
        }

        return Finish();
    }

    /// <summary>Ends the signal: its active level in dBov (-∞ for silence) and active share of samples.</summary>
    public (double LevelDb, double Activity) Finish()
    {
        if (_filled > 0)
        {
            LastBlock(_filled);
            _filled = 0;
        }

        _group?.Return();
        _group = null;
        long length = _length;
        for (int j = 0; j < Thresholds; j++)
        {
            if (j < _above)
            {
                _active[j] += length - _runStart[j];
                _lastEnd[j] = (int)(length - 1);
            }

            _active[j] += _lastEnd[j] == int.MinValue ? 0 : Math.Min(length - 1 - _lastEnd[j], _hangover);
        }

        return SpeechLevel.Level(_energy * _gain * _gain, _active, length);
    }

    private void WholeBlock(ReadOnlySpan<float> x, int length = Block)
    {
        Span<float> e = t_envelope ??= new float[Block];
        Span<float> finalP = stackalloc float[Parts];
        Span<float> carries = stackalloc float[2 * Parts];
        Interleave(x, e, Width);
        _energy += Recurse(e, finalP, _gLane, Width);
        Carry(e, finalP, carries);
        Correct(e, carries, _powers.Lanes, _scaleLane, _changes, Width);
        Scan(e, _changes, (int)_length, length);
        _length += length;
    }

    // A signal's last block, shorter than a whole one: padded with zeros and measured as a whole one, counted only to its
    // length. The recursions are causal, so the zeros change nothing before them; their energy is exactly zero.
    private void LastBlock(int length)
    {
        float[] pending = _pending!;   // Add keeps one whenever it leaves samples over
        pending.AsSpan(length).Clear();
        WholeBlock(pending, length);
    }

    /// <summary>
    /// Whole blocks with the per-block work shared by two threads, in the same operations as <see cref="WholeBlock"/> so
    /// the result is the same bits: the zero-state recursions of every block (independent), then the carries from block
    /// to block in order (a few operations a part), then each block's correction (independent again, given its carries),
    /// then the scan in order. Only the two independent steps run side by side.
    /// </summary>
    private void WholeBlocksOnTwoCores(ReadOnlySpan<float> x)
    {
        int blocks = x.Length / Block;
        if (_group is null || _group.Blocks < blocks)
        {
            _group?.Return();
            _group = new Group(Math.Max(blocks, MinGroupBlocks));
        }

        Group group = _group;
        x.CopyTo(group.Input);
        float g = _gLane, scale = _scaleLane;
        float[] powers = _powers.Lanes;
        int width = Width;
        Threading.SecondCore.Split(blocks, (from, to) =>
        {
            for (int b = from; b < to; b++)
            {
                Span<float> e = group.Envelope.AsSpan(b * Block, Block);
                Interleave(group.Input.AsSpan(b * Block, Block), e, width);
                group.Energy[b] = Recurse(e, group.FinalP.AsSpan(b * Parts, Parts), g, width);
            }
        });
        for (int b = 0; b < blocks; b++)
        {
            _energy += group.Energy[b];
            Carry(group.Envelope.AsSpan(b * Block, Block), group.FinalP.AsSpan(b * Parts, Parts), group.Carries.AsSpan(b * 2 * Parts, 2 * Parts));
        }

        Threading.SecondCore.Split(blocks, (from, to) =>
        {
            for (int b = from; b < to; b++)
            {
                Correct(group.Envelope.AsSpan(b * Block, Block), group.Carries.AsSpan(b * 2 * Parts, 2 * Parts), powers, scale,
                    group.Changes.AsSpan(b * Parts, Parts), width);
            }
        });
        for (int b = 0; b < blocks; b++)
        {
            Scan(group.Envelope.AsSpan(b * Block, Block), group.Changes.AsSpan(b * Parts, Parts), (int)_length);
            _length += Block;
        }
    }

    /// <summary>
    /// Buffers for <see cref="WholeBlocksOnTwoCores"/>, kept for the meter's next call; the two large ones are pooled
    /// (fresh megabytes cost page faults on every measurement) and go back to the pool when the meter finishes.
    /// </summary>
    private sealed class Group(int blocks)
    {
        public int Blocks { get; } = blocks;
        public float[] Input { get; } = System.Buffers.ArrayPool<float>.Shared.Rent(blocks * Block);
        public float[] Envelope { get; } = System.Buffers.ArrayPool<float>.Shared.Rent(blocks * Block);
        public double[] Energy { get; } = new double[blocks];
        public float[] FinalP { get; } = new float[blocks * Parts];
        public float[] Carries { get; } = new float[blocks * 2 * Parts];
        public ulong[] Changes { get; } = new ulong[blocks * Parts];

        public void Return()
        {
            System.Buffers.ArrayPool<float>.Shared.Return(Input);
            System.Buffers.ArrayPool<float>.Shared.Return(Envelope);
        }
    }

    // Each part's start state (carried part by part from the meter's state, in double precision) for the correction: Q,
    // then P, per part, scaled as the envelope is and rounded to single precision; the meter's state moves to the block's
    // end. The conversions run in loops of their own: inside the chain, a float load converted to double would wait for
    // the register it merges into (the chain's last value), which tripled the chain's length.
    private void Carry(ReadOnlySpan<float> e, ReadOnlySpan<float> finalP, Span<float> carries)
    {
        Span<double> ends = stackalloc double[2 * Parts];
        Span<double> starts = stackalloc double[2 * Parts];
        for (int k = 0; k < Parts; k += Vector256<float>.Count)
        {
            (Vector256<double> lowQ, Vector256<double> highQ) = Vector256.Widen(Vector256.Create(e.Slice(Block - Parts + k, Vector256<float>.Count)));
            (Vector256<double> lowP, Vector256<double> highP) = Vector256.Widen(Vector256.Create(finalP.Slice(k, Vector256<float>.Count)));
            lowQ.CopyTo(ends[k..]);
            highQ.CopyTo(ends[(k + 4)..]);
            lowP.CopyTo(ends[(Parts + k)..]);
            highP.CopyTo(ends[(Parts + k + 4)..]);
        }

        double carryP = _p, carryQ = _q, gLast = _powers.Last, nLast = Part * _powers.Last;
        for (int k = 0; k < Parts; k++)
        {
            starts[k] = carryQ;
            starts[Parts + k] = carryP;
            carryQ = Math.FusedMultiplyAdd(gLast, carryQ, Math.FusedMultiplyAdd(nLast, carryP, ends[k]));
            carryP = Math.FusedMultiplyAdd(gLast, carryP, ends[Parts + k]);
        }

        Vector256<double> scale = Vector256.Create(_scale);
        for (int k = 0; k < 2 * Parts; k += Vector256<float>.Count)
        {
            Vector256.Narrow(Vector256.Create(starts.Slice(k, 4)) * scale, Vector256.Create(starts.Slice(k + 4, 4)) * scale).CopyTo(carries[k..]);
        }

        (_p, _q) = (carryP < Negligible ? 0 : carryP, carryQ < Negligible ? 0 : carryQ);
    }

    // Visits, in time order, each part's first sample and the samples Correct marked, and books the runs they end or begin;
    // only the block's first `length` samples.
    private void Scan(ReadOnlySpan<float> e, ReadOnlySpan<ulong> changes, int start, int length = Block)
    {
        float low = (float)_low, high = (float)_high;   // powers of two (and 0, +inf): exact as floats
        for (int k = 0; k < Parts && k * Part < length; k++)
        {
            int first = start + (k * Part), left = length - (k * Part);
            float value = e[k];
            if (!(value >= low && value < high))
            {
                Enter(value, first);
                (low, high) = ((float)_low, (float)_high);
            }

            for (ulong bits = left >= Part ? changes[k] : changes[k] & ((1UL << left) - 1); bits != 0; bits &= bits - 1)
            {
                int n = System.Numerics.BitOperations.TrailingZeroCount(bits);
                value = e[(Parts * n) + k];
                if (!(value >= low && value < high))
                {
                    Enter(value, first + n);
                    (low, high) = ((float)_low, (float)_high);
                }
            }
        }
    }

    // The envelope left the current band at sample n: book it and hold the new band's bounds.
    private void Enter(double value, int n)
    {
        _above = Cross(value, n, _above, _hangover, _active, _runStart, _lastEnd);
        _low = _above == 0 ? 0 : Math.ScaleB(1, _above - 1);
        _high = _above == Thresholds ? double.PositiveInfinity : Math.ScaleB(1, _above);
    }

    // The envelope left [low, high): find its new band, book the runs that ended and the gaps (hangover) before the runs
    // that began.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Cross(double q, int n, int above, int hangover, Span<long> active, Span<int> runStart, Span<int> lastEnd)
    {
        int now = !(q >= 1) ? 0 : Math.Min(Thresholds, Math.ILogB(q) + 1);   // exact: q >= 2^j  <=>  ilogb(q) >= j (NaN: none)
        for (int j = above; j < now; j++)
        {
            active[j] += lastEnd[j] == int.MinValue ? 0 : Math.Min(n - lastEnd[j] - 1, hangover);
            runStart[j] = n;
        }

        for (int j = now; j < above; j++)
        {
            active[j] += n - runStart[j];
            lastEnd[j] = n - 1;
        }

        return now;
    }

    // One reference, written and read whole: meters at different rates on other threads may replace it at any time, and a
    // reader must never see one rate's g with another rate's table.
    private sealed record PowerTable(float G, float[] Lanes, double Last);

    private static PowerTable? s_powers;

    // g^(n+1), then (n+1) g^(n+1), for n < Part, rounded to single precision; and g^Part in double precision for the
    // carries. The last rate's table is kept (one rate at a time in practice).
    private static PowerTable Powers(float g)
    {
        if (Volatile.Read(ref s_powers) is { } cached && cached.G == g)
        {
            return cached;
        }

        float[] lanes = new float[2 * Part];
        for (int n = 0; n < Part; n++)
        {
            double power = Math.Pow(g, n + 1);
            lanes[n] = (float)power;
            lanes[Part + n] = (float)((n + 1) * power);
        }

        PowerTable table = new(g, lanes, Math.Pow(g, Part));
        Volatile.Write(ref s_powers, table);
        return table;
    }
}
