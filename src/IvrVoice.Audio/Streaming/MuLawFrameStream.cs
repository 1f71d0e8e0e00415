using System.Buffers;
using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Resampling;

namespace IvrVoice.Audio.Streaming;

/// <summary>
/// The streaming telephony path: chunks of any size at the provider's rate → the streaming <see cref="Resampler"/> → an
/// optional <see cref="StreamingLevelControl"/> → G.711 μ-law (<see cref="G711.MuLawFromFloat"/>) → 20 ms frames of 160
/// bytes. Without level control the bytes equal, bit for bit, those of a whole render resampled and encoded in one go
/// (<see cref="Transcoder.ToTelephony(PcmAudio, OutputFormat, MasteringOptions?)"/> with mastering off): the resampler's
/// streaming outputs equal its one-shot outputs and μ-law encodes each sample alone.
/// </summary>
/// <remarks>Buffers come from <see cref="ArrayPool{T}.Shared"/> and go back on <see cref="Dispose"/>. Not thread-safe.</remarks>
public sealed class MuLawFrameStream : IDisposable
{
    /// <summary>Bytes in one 20 ms frame at 8 kHz, the size Twilio's Media Streams use.</summary>
    public const int FrameBytes = 160;

    private readonly Resampler _resampler;
    private readonly StreamingLevelControl? _level;
    private float[] _telephone = [];
    private float[] _levelled = [];
    private byte[] _pending;
    private int _start;
    private int _end;
    private bool _completed;

    /// <summary>A stream from <paramref name="inputRate"/>; <paramref name="level"/> null means no level control.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate cannot be resampled to 8 kHz, or a level setting is out of range.</exception>
    public MuLawFrameStream(int inputRate, StreamingLevelOptions? level = null)
    {
        _resampler = Resampler.Create(inputRate);
        _level = level is null ? null : new StreamingLevelControl(Resampler.TelephonyRate, level);
        _pending = ArrayPool<byte>.Shared.Rent(4 * FrameBytes);
    }

    public int InputRate => _resampler.InputRate;

    /// <summary>The level control, when there is one.</summary>
    public StreamingLevelControl? Level => _level;

    /// <summary>μ-law bytes produced and not yet read.</summary>
    public int BufferedBytes => _end - _start;

    /// <summary>True after <see cref="Complete"/>, once every byte has been read.</summary>
    public bool IsFinished => _completed && _start == _end;

    /// <summary>Takes the next chunk of the provider's audio (floats on the 16-bit scale).</summary>
    /// <exception cref="InvalidOperationException">The stream was completed.</exception>
    public void Write(ReadOnlySpan<float> chunk)
    {
        ObjectDisposedException.ThrowIf(_pending.Length == 0, this);
        if (_completed)
        {
            throw new InvalidOperationException("The stream is complete.");
        }

        if (_level is null)
        {
            Span<byte> codes = Reserve(_resampler.GetOutputLength(chunk.Length));
            Commit(_resampler.ProcessToMuLaw(chunk, codes));
            return;
        }

        Span<float> telephone = Scratch(ref _telephone, _resampler.GetOutputLength(chunk.Length));
        int produced = _resampler.Process(chunk, telephone);
        ApplyLevel(telephone[..produced]);
    }

    /// <summary>Ends the input: the resampler's and the limiter's last samples are encoded; the last frame may be short.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_pending.Length == 0, this);
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_level is null)
        {
            Commit(_resampler.FlushToMuLaw(Reserve(_resampler.GetFlushLength())));
            return;
        }

        Span<float> telephone = Scratch(ref _telephone, _resampler.GetFlushLength());
        ApplyLevel(telephone[.._resampler.Flush(telephone)]);
        Span<float> tail = Scratch(ref _levelled, _level.GetFlushLength());
        int released = _level.Flush(tail);
        Span<byte> codes = Reserve(released);
        G711.EncodeMuLaw(tail[..released], codes);
        Commit(released);
    }

    /// <summary>
    /// Copies the next frame into <paramref name="destination"/> (at least <see cref="FrameBytes"/> long) and returns its
    /// length: <see cref="FrameBytes"/>, or fewer for the last frame after <see cref="Complete"/>, or 0 when no whole frame is ready.
    /// </summary>
    public int ReadFrame(Span<byte> destination)
    {
        int available = _end - _start;
        int length = available >= FrameBytes ? FrameBytes : _completed ? available : 0;
        _pending.AsSpan(_start, length).CopyTo(destination);
        _start += length;
        return length;
    }

    public void Dispose()
    {
        if (_pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = [];
        }

        ReturnScratch(ref _telephone);
        ReturnScratch(ref _levelled);
    }

    private void ApplyLevel(ReadOnlySpan<float> telephone)
    {
        Span<float> levelled = Scratch(ref _levelled, _level!.GetOutputLength(telephone.Length));
        int count = _level.Process(telephone, levelled);
        Span<byte> codes = Reserve(count);
        G711.EncodeMuLaw(levelled[..count], codes);
        Commit(count);
    }

    // Room for `count` more bytes after the unread ones, compacting or growing the pooled buffer as needed.
    private Span<byte> Reserve(int count)
    {
        if (_end + count > _pending.Length)
        {
            int unread = _end - _start;
            if (unread + count > _pending.Length)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(unread + count, 2 * _pending.Length));
                _pending.AsSpan(_start, unread).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_pending);
                _pending = larger;
            }
            else
            {
                _pending.AsSpan(_start, unread).CopyTo(_pending);
            }

            _start = 0;
            _end = unread;
        }

        return _pending.AsSpan(_end, count);
    }

    private void Commit(int count) => _end += count;

    private static Span<float> Scratch(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            ReturnScratch(ref buffer);
            buffer = ArrayPool<float>.Shared.Rent(length);
        }

        return buffer.AsSpan(0, length);
    }

    private static void ReturnScratch(ref float[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<float>.Shared.Return(buffer);
            buffer = [];
        }
    }
}
