namespace IvrVoice.Audio;

/// <summary>
/// <see cref="TelephonyMastering.Limit"/> over a stream, with the same results bit for bit (both are built from <see cref="LimiterGains"/>). The forward (release) pass
/// only looks back, so it carries one gain; the backward (attack) pass lowers a gain by at most 1/attack per sample ahead
/// of a peak, so a peak reaches back at most attack + 1 samples (a gain of 1 or more cannot lower a later minimum).
/// Samples are therefore held <see cref="LookAhead"/> (more than that) samples before they are final.
/// </summary>
internal sealed class StreamingLimiter
{
    /// <summary>Samples held back; must exceed the attack in samples plus one (40 + 1 at 8 kHz).</summary>
    public const int LookAhead = 64;
    private readonly float _ceiling, _release, _attack;
    private float[] _samples = new float[4096];
    private float[] _forward = new float[4096];
    private float[] _gain = new float[4096];
    private int _count;
    private float _last = float.NaN;   // the forward gain of the sample before the held ones; NaN at the start

    public StreamingLimiter(int rate, float ceiling)
    {
        _ceiling = ceiling;
        _release = TelephonyMastering.ReleaseStep(rate);
        _attack = TelephonyMastering.AttackStep(rate);
        if ((int)(TelephonyMastering.AttackSeconds * rate) + 1 >= LookAhead)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The look-ahead is sized for telephone rates.");
        }
    }

    /// <summary>Takes scaled samples and writes the ones that are final; returns how many (at most input + <see cref="LookAhead"/>).</summary>
    public int Process(ReadOnlySpan<float> scaled, Span<float> output)
    {
        Append(scaled);
        int ready = Math.Max(0, _count - LookAhead);
        return Emit(ready, output);
    }

    /// <summary>Ends the stream: writes the samples still held.</summary>
    public int Finish(Span<float> output) => Emit(_count, output);

    private void Append(ReadOnlySpan<float> scaled)
    {
        if (_count + scaled.Length > _samples.Length)
        {
            int size = Math.Max(2 * _samples.Length, _count + scaled.Length);
            Array.Resize(ref _samples, size);
            Array.Resize(ref _forward, size);
            _gain = new float[size];
        }

        scaled.CopyTo(_samples.AsSpan(_count));
        Span<float> forward = _forward.AsSpan(_count, scaled.Length);
        LimiterGains.Needed(scaled, forward, _ceiling);
        _last = LimiterGains.Release(forward, _last, _release);
        _count += scaled.Length;
    }

    // Runs the backward pass from the last held sample and writes the first `ready`, which no later sample can change.
    private int Emit(int ready, Span<float> output)
    {
        if (_count == 0)
        {
            return 0;
        }

        Span<float> gain = _gain.AsSpan(0, _count);
        _forward.AsSpan(0, _count).CopyTo(gain);
        LimiterGains.Attack(gain, _attack);
        LimiterGains.Apply(_samples.AsSpan(0, ready), gain[..ready], output, _ceiling);

        int kept = _count - ready;
        Array.Copy(_samples, ready, _samples, 0, kept);
        Array.Copy(_forward, ready, _forward, 0, kept);
        _count = kept;
        return ready;
    }
}
