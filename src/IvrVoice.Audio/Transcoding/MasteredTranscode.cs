using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using IvrVoice.Audio.Resampling;
using IvrVoice.Audio.Threading;

namespace IvrVoice.Audio;

/// <summary>
/// <see cref="TelephonyMastering.ApplyInPlace"/> and the encoder over a stream, in three passes that give the in-memory
/// result bit for bit: (1) resample, measure the P.56 level and each 10 ms frame's energy, spool the 8 kHz samples;
/// (2) read back the trimmed, faded signal and measure it at the first gain; (3) read it again, scale, limit, encode.
/// </summary>
internal static class MasteredTranscode
{
    private const int Rate = Resampler.TelephonyRate;
    /// <summary>8 kHz samples measured and read back at a time: 128 of the meter's blocks.</summary>
    private const int Batch = 128 * 2048;

    public static long Run(ChunkedPcm source, Resampler resampler, long outputs, Stream output, OutputFormat format,
        MasteringOptions options, Func<Stream> createSpool)
    {
        int count = checked((int)outputs);
        using Stream spool = createSpool();
        float[][] batches = [System.Buffers.ArrayPool<float>.Shared.Rent(Batch), System.Buffers.ArrayPool<float>.Shared.Rent(Batch)];
        try
        {
            return Run(source, resampler, output, format, options, count, spool, batches);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(batches[0]);
            System.Buffers.ArrayPool<float>.Shared.Return(batches[1]);
        }
    }

    private static long Run(ChunkedPcm source, Resampler resampler, Stream output, OutputFormat format, MasteringOptions options,
        int count, Stream spool, float[][] batches)
    {
        // Pass 1 runs on two threads: this one resamples into one batch while another core measures and spools the one
        // before (or this thread does, when no pool thread has started it by the time the next batch is full).
        SpeechLevelMeter meter = new(Rate) { Parallel = false };
        int frame = AudioAnalysis.FrameLength(Rate);
        double[] energies = new double[(count + frame - 1) / frame];
        int framesDone = 0;
        float[] pending = new float[frame];
        int pendingCount = 0;
        int current = 0, filled = 0;
        SecondCore? measuring = null;

        void Consume(ReadOnlySpan<float> y)
        {
            meter.Add(y);
            spool.Write(MemoryMarshal.AsBytes(y));
            while (!y.IsEmpty)
            {
                int take = Math.Min(frame - pendingCount, y.Length);
                y[..take].CopyTo(pending.AsSpan(pendingCount));
                pendingCount += take;
                y = y[take..];
                if (pendingCount == frame)
                {
                    energies[framesDone++] = AudioAnalysis.FrameEnergy(pending);
                    pendingCount = 0;
                }
            }
        }

        // Hands the filled batch over (after the previous one is done, so the batches are measured in order).
        void Hand()
        {
            measuring?.Join();
            (float[] batch, int n) = (batches[current], filled);
            measuring = SecondCore.Start(() => Consume(batch.AsSpan(0, n)));
            (current, filled) = (current ^ 1, 0);
        }

        // Pass 1.
        try
        {
            while (source.TryNext(out ChunkedPcm.Chunk chunk))
            {
                int needed = resampler.GetOutputLength(chunk.IsInt16 ? chunk.Int16.Length : chunk.Float.Length);
                if (needed > Batch - filled)
                {
                    Hand();
                }

                Span<float> into = needed > Batch ? new float[needed] : batches[current].AsSpan(filled);
                int n = chunk.IsInt16 ? resampler.Process(chunk.Int16, into) : resampler.Process(chunk.Float, into);
                if (needed > Batch)
                {
                    measuring?.Join();
                    Consume(into[..n]);
                }
                else
                {
                    filled += n;
                }
            }

            if (resampler.GetFlushLength() > Batch - filled)
            {
                Hand();
            }

            filled += resampler.Flush(batches[current].AsSpan(filled));
            Hand();
            measuring?.Join();
        }
        catch when (measuring is not null && Quietly(measuring))
        {
            throw;   // never reached: the filter only makes sure no pool thread still writes the spool
        }

        if (pendingCount > 0)
        {
            energies[framesDone++] = AudioAnalysis.FrameEnergy(pending.AsSpan(0, pendingCount));
        }

        float[] resampled = batches[0];
        double untrimmedLevel = meter.Finish().LevelDb;
        (int start, int end) = AudioAnalysis.SoundBounds(energies, frame, count, untrimmedLevel);
        ChunkWriter writer;
        if (end <= start)
        {
            // No sound: the signal as it is, unscaled.
            writer = new ChunkWriter(output, format, count);
            Trimmed plain = new(spool, 0, count, count, 0, false, false);
            for (int n; (n = plain.Read(resampled)) > 0;)
            {
                Write(writer, resampled.AsSpan(0, n));
            }

            return writer.Finish();
        }

        int pad = TelephonyMastering.PadSamples(Rate, options);
        int first = start - pad, last = end + pad;
        int fade = Math.Min((int)(TelephonyMastering.FadeSeconds * Rate), pad);

        // Pass 2: the trimmed signal's level at the first gain, and its largest magnitude.
        double gainDb = TelephonyMastering.FirstGainDb(options, untrimmedLevel);
        // On one core: the meter is a few milliseconds for ten minutes, less than sharing its batches cost (3 MiB of fresh
        // buffers to fault in, and a join per batch that waits whenever the other core is busy).
        SpeechLevelMeter trimmedMeter = new(Rate, TelephonyMastering.MeterGain(gainDb)) { Parallel = false };
        Trimmed trimmed = new(spool, first, last, count, fade, start - pad > 0, end + pad < count);
        float largest = 0;
        for (int n; (n = trimmed.Read(resampled)) > 0;)
        {
            trimmedMeter.Add(resampled.AsSpan(0, n));
            largest = Math.Max(largest, Largest(resampled.AsSpan(0, n)));
        }

        gainDb = TelephonyMastering.CorrectedGainDb(options, gainDb, trimmedMeter.Finish().LevelDb);
        float gain = TelephonyMastering.SampleGain(gainDb), ceiling = TelephonyMastering.Ceiling(options);
        // Rounding is monotonic, so the largest scaled magnitude is the largest magnitude scaled.
        StreamingLimiter? limiter = largest * gain > ceiling ? new StreamingLimiter(Rate, ceiling) : null;

        // Pass 3.
        writer = new ChunkWriter(output, format, last - first);
        trimmed = new Trimmed(spool, first, last, count, fade, start - pad > 0, end + pad < count);
        float[] limited = new float[resampled.Length + StreamingLimiter.LookAhead];
        for (int n; (n = trimmed.Read(resampled)) > 0;)
        {
            Scale(resampled.AsSpan(0, n), gain);
            if (limiter is null)
            {
                Write(writer, resampled.AsSpan(0, n));
            }
            else
            {
                Write(writer, limited.AsSpan(0, limiter.Process(resampled.AsSpan(0, n), limited)));
            }
        }

        if (limiter is not null)
        {
            Write(writer, limited.AsSpan(0, limiter.Finish(limited)));
        }

        return writer.Finish();
    }

    // Waits for the measuring work, ignoring its own failure (the caller's exception is the one that propagates).
    private static bool Quietly(SecondCore work)
    {
        try
        {
            work.Join();
        }
        catch (Exception ex) when (ex is IOException or AudioFormatException or ArgumentException or InvalidOperationException)
        {
        }

        return false;
    }

    // The writer encodes at most 16 K samples at a time (its 64 KiB buffer holds them as 16-bit PCM).
    private static void Write(ChunkWriter writer, ReadOnlySpan<float> samples)
    {
        for (; !samples.IsEmpty; samples = samples[Math.Min(samples.Length, 16 * 1024)..])
        {
            writer.Write(samples[..Math.Min(samples.Length, 16 * 1024)]);
        }
    }

    // The largest magnitude (NaN if any sample is NaN, as Math.Max gives).
    private static float Largest(ReadOnlySpan<float> samples)
    {
        int i = 0;
        float largest = 0;
        if (Vector256.IsHardwareAccelerated && samples.Length >= 8)
        {
            ref float x = ref MemoryMarshal.GetReference(samples);
            Vector256<float> most = Vector256<float>.Zero;
            for (; i + 8 <= samples.Length; i += 8)
            {
                most = Vector256.Max(most, Vector256.Abs(Vector256.LoadUnsafe(ref x, (nuint)i)));   // propagates NaN, as Math.Max
            }

            for (int lane = 0; lane < Vector256<float>.Count; lane++)
            {
                largest = Math.Max(largest, most.GetElement(lane));
            }
        }

        for (; i < samples.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(samples[i]));
        }

        return largest;
    }

    // One rounding per sample, as TelephonyMastering.Scale.
    private static void Scale(Span<float> samples, float gain)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float x = ref MemoryMarshal.GetReference(samples);
            for (; i + 8 <= samples.Length; i += 8)
            {
                (Vector256.LoadUnsafe(ref x, (nuint)i) * gain).StoreUnsafe(ref x, (nuint)i);
            }
        }

        for (; i < samples.Length; i++)
        {
            samples[i] *= gain;
        }
    }

    /// <summary>Signal positions [first, last) from the spool: zeros outside the signal, the fades where the cut is inside it.</summary>
    private sealed class Trimmed(Stream spool, int first, int last, int count, int fade, bool fadeIn, bool fadeOut)
    {
        private int _done;

        public int Read(Span<float> destination)
        {
            int position = first + _done;
            int n = Math.Min(destination.Length, last - position);
            if (n <= 0)
            {
                return 0;
            }

            Span<float> target = destination[..n];
            target.Clear();
            int from = Math.Max(position, 0), to = Math.Min(position + n, count);
            if (to > from)
            {
                spool.Position = (long)from * sizeof(float);
                spool.ReadExactly(MemoryMarshal.AsBytes(target.Slice(from - position, to - from)));
            }

            int length = last - first;
            for (int j = 0; j < n; j++)
            {
                int i = _done + j;
                if (fadeIn && i < fade)
                {
                    target[j] *= TelephonyMastering.Ramp(i, fade);
                }

                if (fadeOut && length - 1 - i < fade)
                {
                    target[j] *= TelephonyMastering.Ramp(length - 1 - i, fade);
                }

                if (i >= fade && length - 1 - i >= fade)
                {
                    j = Math.Min(n, length - fade - _done) - 1;   // nothing to fade until the end's fade
                }
            }

            _done += n;
            return n;
        }
    }
}
