using System.Buffers.Binary;
using System.Runtime.InteropServices;
using IvrVoice.Audio.Buffers;
using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Resampling;
using IvrVoice.Audio.Wav;

namespace IvrVoice.Audio;

/// <summary>What a transcode read and wrote.</summary>
/// <param name="InputRate">The input's sample rate.</param>
/// <param name="InputDuration">The input's length.</param>
/// <param name="OutputBytes">Bytes written, header included.</param>
public sealed record TranscodeSummary(int InputRate, TimeSpan InputDuration, long OutputBytes);

/// <summary>
/// <see cref="Transcoder.ToTelephony(ReadOnlySpan{byte}, OutputFormat, MasteringOptions?, RawPcmFormat?, AudioDecodeLimits?)"/>
/// from a seekable stream to a stream with bounded memory, for long recordings: the same bytes out, bit for bit.
/// </summary>
/// <remarks>
/// The input is read once, in chunks of <see cref="ChunkBytes"/>. Without mastering each chunk is resampled and encoded
/// as it comes. Mastering needs the whole signal's measurements before the first sample can be scaled (the P.56 level
/// sets the gain and the sound bounds, and the trimmed, scaled signal is measured once more to correct the gain), so the
/// 8 kHz signal (4 bytes a sample, 1.9 MB a minute) goes to a spool stream (a temporary file that deletes itself) while
/// it is measured, and is read back twice: to measure the trimmed signal, then to scale, limit and encode it. Memory
/// stays near a few hundred kilobytes whatever the length, plus 8 bytes per 10 ms frame for the sound bounds.
/// </remarks>
public static class StreamingTranscoder
{
    /// <summary>Input bytes read at a time.</summary>
    public const int ChunkBytes = 64 * 1024;
    private const int Rate = Resampler.TelephonyRate;
    /// <summary>The longest header the streaming reader reads (the in-memory reader takes longer ones).</summary>
    private const int HeaderBytes = 64 * 1024;
    /// <summary>
    /// The header is first looked for in this many bytes (WAV headers are tens of bytes, a few KB with metadata), and an
    /// input of up to <see cref="SmallInputBytes"/> is then read in chunks of this size, into the same buffer: a
    /// prompt-sized process touches 4 fresh pages for its input rather than 16, or 59 for a 5-second file read whole.
    /// </summary>
    private const int FirstHeadBytes = 16 * 1024;
    private const long SmallInputBytes = 4 << 20;

    /// <summary>
    /// Mastered inputs up to this many 8 kHz samples (about 131 s; 4 MiB of floats) are mastered in memory, as
    /// <see cref="Transcoder"/> does, with no spool: for a prompt-sized file the spool's file, threads and buffers cost
    /// more than the audio work, and the whole input is never held (only its 8 kHz signal).
    /// </summary>
    internal const long InMemoryMasteringSamples = 1 << 20;

    /// <summary>
    /// Reads a WAV (RIFF) or headerless PCM (<paramref name="rawFormat"/>) from <paramref name="input"/>, which must be
    /// seekable (its length decides where the data ends, as it does for a body in memory), and writes the telephone file.
    /// </summary>
    /// <returns>Null when the input is not one the streaming reader handles (RF64, a 'data' chunk before 'fmt ', MP3 or
    /// another container, a header longer than 64 KiB); the caller then decodes it in memory. Nothing has been written then.</returns>
    /// <exception cref="AudioFormatException">The input is WAV or raw PCM this decoder rejects (as the in-memory path would).</exception>
    public static TranscodeSummary? TryTranscode(Stream input, Stream output, OutputFormat format = OutputFormat.MuLawWav,
        MasteringOptions? mastering = null, RawPcmFormat? rawFormat = null, AudioDecodeLimits? limits = null, Func<Stream>? createSpool = null) =>
        TryTranscode(input, output, format, mastering, rawFormat, limits, createSpool, InMemoryMasteringSamples);

    /// <summary>As the public overload; mastered inputs of more than <paramref name="inMemorySamples"/> 8 kHz samples go through the spool.</summary>
    internal static TranscodeSummary? TryTranscode(Stream input, Stream output, OutputFormat format, MasteringOptions? mastering,
        RawPcmFormat? rawFormat, AudioDecodeLimits? limits, Func<Stream>? createSpool, long inMemorySamples)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        limits ??= AudioDecodeLimits.Default;
        mastering ??= MasteringOptions.Default;
        mastering.Validate();
        if (!input.CanSeek)
        {
            return null;
        }

        long start = input.Position;
        long total = input.Length - start;
        if (total > limits.MaxInputBytes || total <= HeaderBytes)
        {
            return null;   // the in-memory path reports the size, or reads a small file whole
        }

        byte[] head = new byte[FirstHeadBytes];
        PcmLayout? found = Locate(input, head, total, rawFormat, limits);
        if (found is null)
        {
            input.Position = start;
            head = new byte[HeaderBytes];
            found = Locate(input, head, total, rawFormat, limits);
        }

        if (found is not { } layout)
        {
            input.Position = start;
            return null;
        }

        if (!Resampler.IsSupported(layout.SampleRate, Rate))
        {
            throw new AudioFormatException(AudioErrorKind.UnsupportedSampleRate,
                $"Audio at {layout.SampleRate} Hz cannot be converted to {Rate} Hz: supported rates are 1–384 kHz with a simple ratio to 8 kHz (e.g. 11.025, 16, 22.05, 24, 32, 44.1, 48 kHz).");
        }

        input.Position = start + layout.Offset;
        ChunkedPcm source = new(input, layout, total <= SmallInputBytes || head.Length == ChunkBytes ? head : new byte[ChunkBytes]);
        long frames = layout.Length / (layout.Sample.BytesPerSample() * layout.Channels);
        long outputs = Resampler.GetTotalOutputLength(frames, layout.SampleRate, Rate);
        long written = !mastering.Enabled ? Unmastered(source, Resampler.Create(layout.SampleRate), outputs, output, format)
            : outputs <= inMemorySamples ? MasteredInMemory(source, Resampler.Create(layout.SampleRate), outputs, output, format, mastering)
            : MasteredTranscode.Run(source, Resampler.Create(layout.SampleRate), outputs, output, format, mastering, createSpool ?? TemporarySpool);
        return new TranscodeSummary(layout.SampleRate, TimeSpan.FromSeconds((double)frames / layout.SampleRate), written);
    }

    /// <summary>A temporary file that deletes itself when closed.</summary>
    public static Stream TemporarySpool() => new FileStream(
        Path.Combine(Path.GetTempPath(), $"ivrvoice-spool-{Environment.ProcessId}-{Guid.NewGuid():N}.f32"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.SequentialScan);

    // Where the samples are, exactly as the in-memory decoder finds them in the whole body; null for what only it reads.
    private static PcmLayout? Locate(Stream input, byte[] head, long total, RawPcmFormat? rawFormat, AudioDecodeLimits limits)
    {
        input.ReadExactly(head);
        AudioContainer container = rawFormat is null ? AudioSniffer.Identify(head) : AudioSniffer.IdentifyBySignature(head);
        if (container == AudioContainer.Unknown && rawFormat is { } raw && !head.AsSpan().StartsWith("ID3"u8))
        {
            PcmLayout whole = RawPcmReader.ReadLayout(head, raw, limits);   // the format checks; the length follows
            return WholeFrames(whole with { Length = (int)Math.Min(int.MaxValue, total) }, limits);
        }

        if (container != AudioContainer.Wav || !head.AsSpan().StartsWith("RIFF"u8))
        {
            return null;
        }

        PcmLayout layout;
        try
        {
            layout = WavReader.ReadLayout(head, limits);
        }
        catch (AudioFormatException)
        {
            return null;   // e.g. 'fmt ' after a long 'data' chunk: the in-memory reader decides
        }

        // The data chunk's size as the in-memory reader judges it against the whole body.
        uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(layout.Offset - 4));
        bool riffSizeKnown = riffSize != 0 && riffSize != uint.MaxValue && (long)riffSize + 8 <= total;
        long available = total - layout.Offset;
        bool toEnd = declared == uint.MaxValue || (declared == 0 && !riffSizeKnown) || declared > available;
        return WholeFrames(layout with { Length = (int)Math.Min(int.MaxValue, toEnd ? available : declared) }, limits);
    }

    private static PcmLayout? WholeFrames(PcmLayout layout, AudioDecodeLimits limits)
    {
        int frameBytes = layout.Sample.BytesPerSample() * layout.Channels;
        int frames = layout.Length / frameBytes;
        if (frames == 0)
        {
            return null;   // the in-memory reader names the problem
        }

        AudioLimits.CheckDuration(frames, layout.SampleRate, limits);
        return layout with { Length = frames * frameBytes };
    }

    // The whole 8 kHz signal with a pad of zeros on each side, mastered in place as the in-memory transcoder does, then
    // encoded into one file-sized piece and written at once. The signal, the limiter's gains and the file come from one
    // scratch mapping brought in at once: as GC arrays they were most of the fresh pages a prompt-sized process touched.
    private static long MasteredInMemory(ChunkedPcm source, Resampler resampler, long outputs, Stream output, OutputFormat format, MasteringOptions mastering)
    {
        int count = checked((int)outputs);
        int pad = TelephonyMastering.PadSamples(Rate, mastering);
        int padded = checked(count + (2 * pad));
        int header = AudioEncoder.HeaderSize(format), bytesPerSample = AudioEncoder.BytesPerSample(format);
        int fileBytes = checked(header + (bytesPerSample * padded) + 1);
        long signalBytes = (sizeof(float) * (long)padded + 63) & ~63L;   // each piece starts on 64 bytes
        using ScratchMemory scratch = ScratchMemory.Allocate((2 * signalBytes) + fileBytes + 63, signalBytes + fileBytes);
        Span<float> signal = scratch.Take<float>(padded);
        Span<byte> file = scratch.Take<byte>(fileBytes);
        Span<float> limiterGains = scratch.Take<float>(padded);   // touched only when a peak needs limiting
        Transcoder.ZeroPads(signal, pad, count);
        int written = 0;
        while (source.TryNext(out ChunkedPcm.Chunk chunk))
        {
            Span<float> into = signal.Slice(pad + written, count - written);
            written += chunk.IsInt16 ? resampler.Process(chunk.Int16, into) : resampler.Process(chunk.Float, into);
        }

        ReadOnlySpan<float> mastered = signal[Transcoder.FlushMaster(resampler, signal, pad, count, written, mastering, limiterGains)];
        int length = header + (bytesPerSample * mastered.Length);
        AudioEncoder.WriteHeader(file, format, mastered.Length, Rate);
        AudioEncoder.EncodeSamples(mastered, file[header..length], format);
        if (format is OutputFormat.MuLawWav or OutputFormat.ALawWav && (mastered.Length & 1) == 1)
        {
            file[length++] = 0;   // a RIFF chunk's odd size is padded to a whole word
        }

        output.Write(file[..length]);
        output.Flush();
        return length;
    }

    // Each chunk resampled and encoded as it comes. The buffers are sized to what one chunk gives (about 2,700 samples
    // from 16 KiB of 24 kHz input), not to the largest chunk: a prompt-sized process touches one page for μ-law codes,
    // about five for floats and a writer buffer, where a 64 K-sample buffer was sixteen or more.
    private static long Unmastered(ChunkedPcm source, Resampler resampler, long outputs, Stream output, OutputFormat format)
    {
        bool fused = format is OutputFormat.MuLawWav or OutputFormat.RawMuLaw;
        int piece = resampler.GetOutputLength(source.ChunkFrames) + 64;   // a whole chunk's output, with room for the phase
        ChunkWriter writer = new(output, format, outputs, fused ? 0 : piece);
        float[] resampled = fused ? [] : new float[piece];
        byte[] codes = fused ? new byte[piece] : [];
        while (source.TryNext(out ChunkedPcm.Chunk chunk))
        {
            // Below 8 kHz a chunk's output outgrows its input (4 kHz 8-bit: twice as many samples as bytes read).
            int produced = resampler.GetOutputLength(chunk.IsInt16 ? chunk.Int16.Length : chunk.Float.Length);
            if (fused)
            {
                codes = AtLeast(codes, produced);
                int n = chunk.IsInt16 ? resampler.ProcessToMuLaw(chunk.Int16, codes) : resampler.ProcessToMuLaw(chunk.Float, codes);
                writer.WriteCodes(codes.AsSpan(0, n));
            }
            else
            {
                resampled = AtLeast(resampled, produced);
                int n = chunk.IsInt16 ? resampler.Process(chunk.Int16, resampled) : resampler.Process(chunk.Float, resampled);
                writer.Write(resampled.AsSpan(0, n));
            }
        }

        if (fused)
        {
            codes = AtLeast(codes, resampler.GetFlushLength());
            writer.WriteCodes(codes.AsSpan(0, resampler.FlushToMuLaw(codes)));
        }
        else
        {
            resampled = AtLeast(resampled, resampler.GetFlushLength());
            writer.Write(resampled.AsSpan(0, resampler.Flush(resampled)));
        }

        return writer.Finish();
    }

    private static T[] AtLeast<T>(T[] buffer, int length) => length > buffer.Length ? new T[length] : buffer;
}

/// <summary>Whole frames of the data, a chunk at a time, as int16 (16-bit mono, no conversion) or mono floats.</summary>
/// <remarks><paramref name="buffer"/>, if given, is the chunk buffer (by default <see cref="StreamingTranscoder.ChunkBytes"/>
/// long; at least one frame), e.g. the one the header was read into; the float buffers exist only for data that is not
/// 16-bit mono.</remarks>
internal sealed class ChunkedPcm(Stream input, PcmLayout layout, byte[]? buffer = null)
{
    private readonly int _frameBytes = layout.Sample.BytesPerSample() * layout.Channels;
    private readonly byte[] _bytes = buffer ?? new byte[StreamingTranscoder.ChunkBytes];
    private readonly bool _int16 = layout.Sample == SampleFormat.S16LE && layout.Channels == 1 && BitConverter.IsLittleEndian;
    private float[]? _interleaved;
    private float[]? _mono;
    private long _left = layout.Length;

    public readonly ref struct Chunk(bool isInt16, ReadOnlySpan<short> int16, ReadOnlySpan<float> samples)
    {
        public bool IsInt16 { get; } = isInt16;
        public ReadOnlySpan<short> Int16 { get; } = int16;
        public ReadOnlySpan<float> Float { get; } = samples;
    }

    /// <summary>The most frames one chunk holds.</summary>
    public int ChunkFrames => _bytes.Length / _frameBytes;

    /// <summary>The next chunk; false at the end of the data.</summary>
    public bool TryNext(out Chunk chunk)
    {
        chunk = default;
        int want = (int)Math.Min(_left, _bytes.Length / _frameBytes * _frameBytes);
        if (want == 0)
        {
            return false;
        }

        int read = input.ReadAtLeast(_bytes.AsSpan(0, want), want, throwOnEndOfStream: false);
        read -= read % _frameBytes;
        if (read == 0)
        {
            throw new AudioFormatException(AudioErrorKind.Truncated, "The audio ended while it was being read.");
        }

        _left -= read;
        ReadOnlySpan<byte> data = _bytes.AsSpan(0, read);
        if (_int16)
        {
            chunk = new Chunk(true, MemoryMarshal.Cast<byte, short>(data), default);
            return true;
        }

        _mono ??= new float[StreamingTranscoder.ChunkBytes];
        int samples = read / layout.Sample.BytesPerSample();
        int frames = samples / layout.Channels;
        if (layout.Channels == 1)
        {
            PcmConverter.Convert(data, layout.Sample, _mono.AsSpan(0, frames));
        }
        else
        {
            _interleaved ??= new float[StreamingTranscoder.ChunkBytes];
            PcmConverter.Convert(data, layout.Sample, _interleaved.AsSpan(0, samples));
            PcmConverter.Downmix(_interleaved.AsSpan(0, samples), layout.Channels, _mono.AsSpan(0, frames));
        }

        chunk = new Chunk(false, default, _mono.AsSpan(0, frames));
        return true;
    }
}

/// <summary>Writes the telephone file a chunk at a time: the header for a known sample count, then the encoded samples.</summary>
internal sealed class ChunkWriter
{
    private const int Rate = Resampler.TelephonyRate;
    private readonly Stream _output;
    private readonly OutputFormat _format;
    private readonly long _count;
    private readonly byte[] _bytes;
    private long _written;
    private long _samples;

    /// <param name="output">Where the file goes.</param>
    /// <param name="format">The file's format.</param>
    /// <param name="count">The samples the file will hold.</param>
    /// <param name="pieceSamples">The most samples each <see cref="Write"/> is given (its buffer holds them as 16-bit);
    /// 0 for a writer given only μ-law codes (<see cref="WriteCodes"/>), whose buffer then holds just the header.</param>
    public ChunkWriter(Stream output, OutputFormat format, long count, int pieceSamples = StreamingTranscoder.ChunkBytes)
    {
        (_output, _format, _count) = (output, format, count);
        _bytes = new byte[Math.Max(2 * pieceSamples, 64)];   // at least a header's worth
        int header = AudioEncoder.HeaderSize(format);
        AudioEncoder.WriteHeader(_bytes, format, checked((int)count), Rate);
        _output.Write(_bytes, 0, header);
        _written = header;
    }

    /// <summary>Encodes and writes samples, at most as many as the buffer holds as 16-bit at a time.</summary>
    public void Write(ReadOnlySpan<float> samples)
    {
        System.Diagnostics.Debug.Assert(_bytes.Length > 64 || samples.IsEmpty, "a codes-only writer is given codes");
        int piece = _bytes.Length / 2;
        while (samples.Length > piece)
        {
            WritePiece(samples[..piece]);
            samples = samples[piece..];
        }

        WritePiece(samples);
    }

    private void WritePiece(ReadOnlySpan<float> samples)
    {
        int bytes = AudioEncoder.BytesPerSample(_format) * samples.Length;
        AudioEncoder.EncodeSamples(samples, _bytes.AsSpan(0, bytes), _format);
        _output.Write(_bytes, 0, bytes);
        _written += bytes;
        _samples += samples.Length;
    }

    /// <summary>Writes μ-law codes made elsewhere (the resampler's fused path).</summary>
    public void WriteCodes(ReadOnlySpan<byte> codes)
    {
        _output.Write(codes);
        _written += codes.Length;
        _samples += codes.Length;
    }

    /// <summary>Pads a G.711 WAV's odd data chunk and returns the bytes written.</summary>
    public long Finish()
    {
        if (_samples != _count)
        {
            throw new InvalidOperationException($"The writer was promised {_count} samples and got {_samples}.");
        }

        if (_format is OutputFormat.MuLawWav or OutputFormat.ALawWav && (_count & 1) == 1)
        {
            _output.WriteByte(0);
            _written++;
        }

        _output.Flush();
        return _written;
    }
}
