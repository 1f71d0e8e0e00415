namespace IvrVoice.Audio;

/// <summary>
/// <see cref="TelephonyMastering.Limit"/> over a stream, with the same results bit for bit. The forward (release) pass
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
        _release = 1f / Math.Max(1, (int)(TelephonyMastering.ReleaseSeconds * rate));
        _attack = 1f / Math.Max(1, (int)(TelephonyMastering.AttackSeconds * rate));
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
        for (int i = _count; i < _count + scaled.Length; i++)
        {
            float magnitude = Math.Abs(_samples[i]);
            float gain = magnitude > _ceiling ? _ceiling / magnitude : 1f;
            _forward[i] = float.IsNaN(_last) ? gain : Math.Min(gain, _last + _release);
            _last = _forward[i];
        }

        _count += scaled.Length;
    }

    // Runs the backward pass from the last held sample and writes the first `ready`, which no later sample can change.
    private int Emit(int ready, Span<float> output)
    {
        if (_count == 0)
        {
            return 0;
        }

        _gain[_count - 1] = _forward[_count - 1];
        for (int i = _count - 2; i >= 0; i--)
        {
            _gain[i] = Math.Min(_forward[i], _gain[i + 1] + _attack);
        }

        for (int i = 0; i < ready; i++)
        {
            output[i] = Math.Clamp(_samples[i] * _gain[i], -_ceiling, _ceiling);
        }

        int kept = _count - ready;
        Array.Copy(_samples, ready, _samples, 0, kept);
        Array.Copy(_forward, ready, _forward, 0, kept);
        _count = kept;
        return ready;
    }
}
