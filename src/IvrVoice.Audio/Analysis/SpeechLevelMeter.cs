using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
/// <see cref="Block"/> samples runs them as eight parts side by side (two vectors of four doubles) from zero state,
/// with the magnitudes stored part-interleaved (element 8n + k is sample 256k + n). The recursions are linear: the
/// state (P, Q) a part should have started from adds exactly g^(n+1) P to p and g^(n+1) (Q + (n+1) h P) to q at its
/// n-th sample, which a vectorised pass adds. That differs from the sample-by-sample recursion by rounding only
/// (relative 1e-15). A signal's last, shorter block runs sample by sample. Every instruction set (and the scalar
/// fallback) does the same operations in the same order, so the level does not depend on the machine.</para>
/// </remarks>
internal sealed class SpeechLevelMeter
{
    /// <summary>Samples per block; a signal is cut into blocks from its first sample.</summary>
    public const int Block = 2048;
    private const int Parts = 8;
    private const int Part = Block / Parts;
    private const int Thresholds = SpeechLevel.Thresholds;
    private const int ChangeWords = Parts * (Part / 64);
    /// <summary>
    /// Whole blocks shared by two threads at a time (2 MiB of envelope), and the fewest worth sharing per thread (64 K
    /// samples: a 10 s prompt at 8 kHz stays on one core, where handing work over would cost about what it saves).
    /// </summary>
    private const int GroupBlocks = 128, MinGroupBlocks = 32;

    private readonly double _gain, _g, _h;
    private readonly int _hangover;
    private readonly double[] _envelope = new double[Block];
    private readonly float[] _pending = new float[Block];
    private readonly double[] _powers;
    private readonly long[] _active = new long[Thresholds];
    private readonly int[] _runStart = new int[Thresholds];
    private readonly int[] _lastEnd = new int[Thresholds];
    private readonly ulong[] _changes = new ulong[ChangeWords];
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
        _g = Math.Exp(-1.0 / (sampleRate * SpeechLevel.TimeConstantSeconds));
        _h = 1 - _g;
        _hangover = (int)Math.Ceiling(SpeechLevel.HangoverSeconds * sampleRate);
        _powers = Powers(_g);
        Array.Fill(_lastEnd, int.MinValue);   // no run yet: nothing before the first one is active
    }

    /// <summary>
    /// Whether a long piece's whole blocks may be shared by two threads (when the machine has two cores); the result is
    /// the same bits either way. Off for a meter that runs beside other work that already keeps the cores busy.
    /// </summary>
    public bool Parallel { get; init; } = true;

    /// <summary>Samples seen so far.</summary>
    public long Length => _length + _filled;

    /// <summary>Measures the next samples of the signal.</summary>
    public void Add(ReadOnlySpan<float> x)
    {
        if (_filled > 0)
        {
            int take = Math.Min(x.Length, Block - _filled);
            x[..take].CopyTo(_pending.AsSpan(_filled));
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

        x.CopyTo(_pending);
        _filled = x.Length;
    }

    /// <summary>Ends the signal: its active level in dBov (-∞ for silence) and active share of samples.</summary>
    public (double LevelDb, double Activity) Finish()
    {
        if (_filled > 0)
        {
            LastBlock(_pending.AsSpan(0, _filled));
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

        return SpeechLevel.Level(_energy, _active, length);
    }

    private void WholeBlock(ReadOnlySpan<float> x)
    {
        Span<double> e = _envelope;
        Span<double> carries = stackalloc double[2 * Parts];
        _energy += Magnitudes(x, e, _gain);
        (Vector256<double> pLow, Vector256<double> pHigh) = Recurse(e, _g, _h);
        Carry(e, pLow, pHigh, carries);
        Correct(e, carries, _powers, _changes);
        Scan(e, _changes, (int)_length);
        _length += Block;
    }

    /// <summary>
    /// Whole blocks with the per-block work shared by two threads, in the same operations as <see cref="WholeBlock"/> so
    /// the result is the same bits: the magnitudes and zero-state recursions of every block (independent), then the
    /// carries from block to block in order (a few operations a block), then each block's correction (independent again,
    /// given its carry), then the scan in order. Only the two independent steps run side by side.
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
        double gain = _gain, g = _g, h = _h;
        double[] powers = _powers;
        Threading.SecondCore.Split(blocks, (from, to) =>
        {
            for (int b = from; b < to; b++)
            {
                Span<double> e = group.Envelope.AsSpan(b * Block, Block);
                group.Energy[b] = Magnitudes(group.Input.AsSpan(b * Block, Block), e, gain);
                (Vector256<double> pLow, Vector256<double> pHigh) = Recurse(e, g, h);
                pLow.StoreUnsafe(ref group.FinalP[b * Parts]);
                pHigh.StoreUnsafe(ref group.FinalP[(b * Parts) + 4]);
            }
        });
        for (int b = 0; b < blocks; b++)
        {
            _energy += group.Energy[b];
            Carry(group.Envelope.AsSpan(b * Block, Block), Vector256.Create(group.FinalP.AsSpan(b * Parts, 4)),
                Vector256.Create(group.FinalP.AsSpan((b * Parts) + 4, 4)), group.Carries.AsSpan(b * 2 * Parts, 2 * Parts));
        }

        Threading.SecondCore.Split(blocks, (from, to) =>
        {
            for (int b = from; b < to; b++)
            {
                Correct(group.Envelope.AsSpan(b * Block, Block), group.Carries.AsSpan(b * 2 * Parts, 2 * Parts), powers,
                    group.Changes.AsSpan(b * ChangeWords, ChangeWords));
            }
        });
        for (int b = 0; b < blocks; b++)
        {
            Scan(group.Envelope.AsSpan(b * Block, Block), group.Changes.AsSpan(b * ChangeWords, ChangeWords), (int)_length);
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
        public double[] Envelope { get; } = System.Buffers.ArrayPool<double>.Shared.Rent(blocks * Block);
        public double[] Energy { get; } = new double[blocks];
        public double[] FinalP { get; } = new double[blocks * Parts];
        public double[] Carries { get; } = new double[blocks * 2 * Parts];
        public ulong[] Changes { get; } = new ulong[blocks * ChangeWords];

        public void Return()
        {
            System.Buffers.ArrayPool<float>.Shared.Return(Input);
            System.Buffers.ArrayPool<double>.Shared.Return(Envelope);
        }
    }

    // |x| × gain, part-interleaved; returns the energy, summed per part in sample order, then over the parts.
    private static double Magnitudes(ReadOnlySpan<float> x, Span<double> e, double gain)
    {
        ref float source = ref MemoryMarshal.GetReference(x);
        ref double target = ref MemoryMarshal.GetReference(e);
        Vector256<double> sumLow = Vector256<double>.Zero, sumHigh = sumLow;
        if (Avx.IsSupported)
        {
            Vector256<double> scale = Vector256.Create(gain);
            for (nuint n = 0; n < Part; n += 4)
            {
                (Vector256<double> a0, Vector256<double> a1, Vector256<double> a2, Vector256<double> a3) = Transposed(ref source, n, 0, scale);
                (Vector256<double> b0, Vector256<double> b1, Vector256<double> b2, Vector256<double> b3) = Transposed(ref source, n, 4, scale);
                sumLow += a0 * a0;
                sumHigh += b0 * b0;
                sumLow += a1 * a1;
                sumHigh += b1 * b1;
                sumLow += a2 * a2;
                sumHigh += b2 * b2;
                sumLow += a3 * a3;
                sumHigh += b3 * b3;
                ref double row = ref Unsafe.Add(ref target, Parts * n);
                a0.StoreUnsafe(ref row);
                b0.StoreUnsafe(ref row, 4);
                a1.StoreUnsafe(ref row, 8);
                b1.StoreUnsafe(ref row, 12);
                a2.StoreUnsafe(ref row, 16);
                b2.StoreUnsafe(ref row, 20);
                a3.StoreUnsafe(ref row, 24);
                b3.StoreUnsafe(ref row, 28);
            }
        }
        else
        {
            Span<double> sums = stackalloc double[Parts];
            for (int n = 0; n < Part; n++)
            {
                for (int k = 0; k < Parts; k++)
                {
                    double magnitude = Math.Abs((double)x[(k * Part) + n]) * gain;
                    e[(Parts * n) + k] = magnitude;
                    sums[k] += magnitude * magnitude;
                }
            }

            sumLow = Vector256.Create(sums[..4]);
            sumHigh = Vector256.Create(sums[4..]);
        }

        double energy = 0;
        for (int k = 0; k < 4; k++)
        {
            energy += sumLow.GetElement(k);
        }

        for (int k = 0; k < 4; k++)
        {
            energy += sumHigh.GetElement(k);
        }

        return energy;
    }

    // Four samples (n .. n + 3) of parts first .. first + 3, as four vectors of one time each: a 4 × 4 transpose.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double>, Vector256<double>, Vector256<double>, Vector256<double>) Transposed(ref float x, nuint n, int first, Vector256<double> scale)
    {
        Vector256<double> d0 = Widened(ref x, n + (nuint)(first * Part), scale);
        Vector256<double> d1 = Widened(ref x, n + (nuint)((first + 1) * Part), scale);
        Vector256<double> d2 = Widened(ref x, n + (nuint)((first + 2) * Part), scale);
        Vector256<double> d3 = Widened(ref x, n + (nuint)((first + 3) * Part), scale);
        Vector256<double> a = Avx.UnpackLow(d0, d1), b = Avx.UnpackHigh(d0, d1), c = Avx.UnpackLow(d2, d3), d = Avx.UnpackHigh(d2, d3);
        return (Avx.Permute2x128(a, c, 0x20), Avx.Permute2x128(b, d, 0x20), Avx.Permute2x128(a, c, 0x31), Avx.Permute2x128(b, d, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widened(ref float x, nuint at, Vector256<double> scale) =>
        Avx.ConvertToVector256Double(Vector128.Abs(Vector128.LoadUnsafe(ref x, at))) * scale;

    // The two recursions, each part from zero state, in place: magnitudes in, envelope out; returns the parts' final p.
    private static (Vector256<double>, Vector256<double>) Recurse(Span<double> e, double g, double h)
    {
        ref double x = ref MemoryMarshal.GetReference(e);
        Vector256<double> vg = Vector256.Create(g), vh = Vector256.Create(h);
        Vector256<double> p0 = Vector256<double>.Zero, p1 = p0, q0 = p0, q1 = p0;
        for (nuint at = 0; at < Block; at += Parts)
        {
            p0 = Vector256.FusedMultiplyAdd(vg, p0, vh * Vector256.LoadUnsafe(ref x, at));
            p1 = Vector256.FusedMultiplyAdd(vg, p1, vh * Vector256.LoadUnsafe(ref x, at + 4));
            q0 = Vector256.FusedMultiplyAdd(vg, q0, vh * p0);
            q1 = Vector256.FusedMultiplyAdd(vg, q1, vh * p1);
            q0.StoreUnsafe(ref x, at);
            q1.StoreUnsafe(ref x, at + 4);
        }

        return (p0, p1);
    }

    // Each part's start state (carried part by part from the meter's state) as the vector pass of Correct adds it: Q, then
    // h P, per part; the meter's state moves to the block's end.
    private void Carry(ReadOnlySpan<double> e, Vector256<double> pLow, Vector256<double> pHigh, Span<double> carries)
    {
        ref double power = ref MemoryMarshal.GetArrayDataReference(_powers);
        double carryP = _p, carryQ = _q, gLast = Unsafe.Add(ref power, Part - 1), nLast = Unsafe.Add(ref power, (2 * Part) - 1);
        for (int k = 0; k < Parts; k++)
        {
            double fromQ = carryQ, fromP = _h * carryP;
            carries[k] = fromQ;
            carries[Parts + k] = fromP;
            double endQ = e[Block - Parts + k];
            // The same operations the vector pass below does on the part's last sample, so the carry is that sample.
            carryQ = endQ + Math.FusedMultiplyAdd(gLast, fromQ, nLast * fromP);
            carryP = (k < 4 ? pLow.GetElement(k) : pHigh.GetElement(k - 4)) + (gLast * carryP);
        }

        (_p, _q) = (carryP, carryQ);
    }

    // Adds each part's start state to its envelope, and marks the samples where the envelope moves to another power of two
    // than the sample before it in the same part.
    private static void Correct(Span<double> e, ReadOnlySpan<double> carries, double[] powers, Span<ulong> changed)
    {
        ref double x = ref MemoryMarshal.GetReference(e);
        ref double power = ref MemoryMarshal.GetArrayDataReference(powers);
        Vector256<double> q0 = Vector256.Create(carries[..4]), q1 = Vector256.Create(carries[4..8]);
        Vector256<double> hp0 = Vector256.Create(carries[8..12]), hp1 = Vector256.Create(carries[12..]);
        Vector256<double> low = Vector256.Create(0.5), high = Vector256.Create(32768.0);
        Vector256<ulong> previous0 = default, previous1 = default;
        changed.Clear();
        ref ulong changes = ref MemoryMarshal.GetReference(changed);
        for (nuint n = 0; n < Part; n++)
        {
            Vector256<double> gn = Vector256.Create(Unsafe.Add(ref power, n)), ngn = Vector256.Create(Unsafe.Add(ref power, Part + n));
            ref double row = ref Unsafe.Add(ref x, Parts * n);
            Vector256<double> v0 = Vector256.LoadUnsafe(ref row) + Vector256.FusedMultiplyAdd(gn, q0, ngn * hp0);
            Vector256<double> v1 = Vector256.LoadUnsafe(ref row, 4) + Vector256.FusedMultiplyAdd(gn, q1, ngn * hp1);
            v0.StoreUnsafe(ref row);
            v1.StoreUnsafe(ref row, 4);

            // The power of two as the exponent of the value clamped to [0.5, 2^15]: one key per band of Cross.
            Vector256<ulong> key0 = Vector256.ShiftRightLogical(Vector256.MinNative(Vector256.MaxNative(v0, low), high).AsUInt64(), 52);
            Vector256<ulong> key1 = Vector256.ShiftRightLogical(Vector256.MinNative(Vector256.MaxNative(v1, low), high).AsUInt64(), 52);
            uint moved = (~Vector256.Equals(key0, previous0)).ExtractMostSignificantBits()
                | ((~Vector256.Equals(key1, previous1)).ExtractMostSignificantBits() << 4);
            (previous0, previous1) = (key0, key1);
            if (moved != 0 && n != 0)
            {
                Mark(ref changes, moved, (int)n);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Mark(ref ulong changes, uint parts, int n)
    {
        for (; parts != 0; parts &= parts - 1)
        {
            int k = System.Numerics.BitOperations.TrailingZeroCount(parts);
            Unsafe.Add(ref changes, (k * (Part / 64)) + (n >> 6)) |= 1UL << (n & 63);
        }
    }

    // Visits, in time order, each part's first sample and the samples Correct marked, and books the runs they end or begin.
    private void Scan(ReadOnlySpan<double> e, ReadOnlySpan<ulong> changes, int start)
    {
        for (int k = 0; k < Parts; k++)
        {
            int first = start + (k * Part);
            Check(e[k], first);
            for (int w = 0; w < Part / 64; w++)
            {
                for (ulong bits = changes[(k * (Part / 64)) + w]; bits != 0; bits &= bits - 1)
                {
                    int n = (w * 64) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    Check(e[(Parts * n) + k], first + n);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Check(double value, int n)
    {
        if (!(value >= _low && value < _high))
        {
            _above = Cross(value, n, _above, _hangover, _active, _runStart, _lastEnd);
            _low = _above == 0 ? 0 : Math.ScaleB(1, _above - 1);
            _high = _above == Thresholds ? double.PositiveInfinity : Math.ScaleB(1, _above);
        }
    }

    // A signal's last block, shorter than a whole one: sample by sample.
    private void LastBlock(ReadOnlySpan<float> x)
    {
        double p = _p, q = _q, energy = 0;
        int start = (int)_length;
        for (int i = 0; i < x.Length; i++)
        {
            double magnitude = Math.Abs((double)x[i]) * _gain;
            energy += magnitude * magnitude;
            p = Math.FusedMultiplyAdd(_g, p, _h * magnitude);
            q = Math.FusedMultiplyAdd(_g, q, _h * p);
            Check(q, start + i);
        }

        (_p, _q) = (p, q);
        _energy += energy;
        _length += x.Length;
    }

    // The envelope left [low, high): find its new band, book the runs that ended and the gaps (hangover) before the runs
    // that began.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Cross(double q, int n, int above, int hangover, Span<long> active, Span<int> runStart, Span<int> lastEnd)
    {
        int now = q < 1 ? 0 : Math.Min(Thresholds, Math.ILogB(q) + 1);   // exact: q >= 2^j  <=>  ilogb(q) >= j
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
    // reader must never see one rate's g with another rate's table (a value-tuple field can be read half-written).
    private sealed record PowerTable(double G, double[] Table);

    private static PowerTable? s_powers;

    // g^(n+1), then (n+1) g^(n+1), for n < Part; the last rate's table is kept (one rate at a time in practice).
    private static double[] Powers(double g)
    {
        if (Volatile.Read(ref s_powers) is { } cached && cached.G == g)
        {
            return cached.Table;
        }

        double[] table = new double[2 * Part];
        for (int n = 0; n < Part; n++)
        {
            table[n] = Math.Pow(g, n + 1);
            table[Part + n] = (n + 1) * table[n];
        }

        Volatile.Write(ref s_powers, new PowerTable(g, table));
        return table;
    }
}
