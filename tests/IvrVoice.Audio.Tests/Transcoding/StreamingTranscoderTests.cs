using System.Buffers.Binary;
using IvrVoice.Audio.Buffers;
using IvrVoice.Audio.Tests.Wav;
using IvrVoice.Audio.Wav;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Transcoding;

/// <summary>
/// The streaming transcoder against the in-memory one on the same bytes: every output format, mastered (the limiter
/// acting and not), unmastered, every input layout the streaming reader takes; and its memory staying flat with length.
/// </summary>
public sealed class StreamingTranscoderTests
{
    private static readonly MasteringOptions Limiting = MasteringOptions.Default with { TargetLevelDbfs = -22, PeakCeilingDbfs = -20 };
    private static readonly AudioDecodeLimits Limits = new() { MaxInputBytes = 1 << 30, MaxDuration = TimeSpan.FromHours(3) };

    public static TheoryData<OutputFormat, string> FormatsAndMastering()
    {
        TheoryData<OutputFormat, string> data = [];
        foreach (OutputFormat format in Enum.GetValues<OutputFormat>())
        {
            foreach (string mastering in new[] { "default", "off", "limiting" })
            {
                data.Add(format, mastering);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormatsAndMastering))]
    public void TryTranscode_Pcm16MonoWav_EqualsInMemoryBitForBit(OutputFormat format, string mastering)
    {
        byte[] wav = WavWriter.WritePcm16(SignalGenerator.ToPcm16(Speech(24_000, 40)), 24_000);

        AssertSameAsInMemory(wav, format, Options(mastering));
    }

    // The in-memory path takes its signal, limiter gains and file from scratch memory whose contents start undefined
    // (zeros from a fresh mapping on Linux): filled with NaN here, so a sample or gain left unwritten changes the bytes.
    // Speech trimmed inside the source, and a tone from the first sample to the last, whose file then holds both pads.
    [Theory]
    [MemberData(nameof(FormatsAndMastering))]
    public void TryTranscode_ScratchMemoryNotZeroed_StillEqualsInMemoryBitForBit(OutputFormat format, string mastering)
    {
        byte[] speech = WavWriter.WritePcm16(SignalGenerator.ToPcm16(Speech(24_000, 12)), 24_000);
        byte[] tone = WavWriter.WritePcm16(SignalGenerator.ToPcm16(SignalGenerator.Sine(3 * 24_000, 440, 24_000, 12_000)), 24_000);
        ScratchMemory.PoisonForTests = true;
        try
        {
            AssertSameAsInMemory(speech, format, Options(mastering));
            AssertSameAsInMemory(tone, format, Options(mastering));
        }
        finally
        {
            ScratchMemory.PoisonForTests = false;
        }
    }

    [Theory]
    [InlineData(1, 16, 1, 16_000)]     // 16-bit mono at a rational rate
    [InlineData(1, 24, 2, 44_100)]     // 24-bit stereo
    [InlineData(3, 32, 1, 48_000)]     // float
    [InlineData(1, 8, 1, 8_000)]       // 8-bit unsigned, no rate change
    [InlineData(7, 8, 2, 8_000)]       // μ-law stereo
    public void TryTranscode_OtherLayouts_EqualsInMemoryBitForBit(ushort tag, int bits, int channels, int rate)
    {
        byte[] wav = Layout(Speech(rate, 12), tag, bits, channels, rate);

        foreach (string mastering in new[] { "default", "off", "limiting" })
        {
            AssertSameAsInMemory(wav, OutputFormat.MuLawWav, Options(mastering));
            AssertSameAsInMemory(wav, OutputFormat.Pcm16Wav, Options(mastering));
        }
    }

    [Theory]
    [InlineData(1)]   // 8-bit unsigned
    [InlineData(7)]   // μ-law
    public void TryTranscode_EightBitBelowEightKilohertz_EqualsInMemoryBitForBit(ushort tag)
    {
        // One byte a sample at 4 kHz: a 64 KiB chunk resamples to about 128 K samples, more than a chunk's buffers held.
        byte[] wav = Layout(Speech(4_000, 40), tag, 8, 1, 4_000);

        foreach (OutputFormat format in new[] { OutputFormat.MuLawWav, OutputFormat.Pcm16Wav, OutputFormat.RawALaw })
        {
            AssertSameAsInMemory(wav, format, MasteringOptions.Disabled);
            AssertSameAsInMemory(wav, format, MasteringOptions.Default);
        }
    }

    [Fact]
    public void TryTranscode_RawPcm_EqualsInMemoryBitForBit()
    {
        short[] pcm = SignalGenerator.ToPcm16(Speech(24_000, 10));
        byte[] raw = new byte[2 * pcm.Length];
        for (int i = 0; i < pcm.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(raw.AsSpan(2 * i), pcm[i]);
        }

        AssertSameAsInMemory(raw, OutputFormat.RawMuLaw, MasteringOptions.Default, new RawPcmFormat(24_000));
        AssertSameAsInMemory(raw, OutputFormat.RawSln, MasteringOptions.Disabled, new RawPcmFormat(24_000));
    }

    [Fact]
    public void TryTranscode_Silence_EqualsInMemoryUnscaled()
    {
        byte[] wav = WavWriter.WritePcm16(new short[24_000 * 5], 24_000);

        AssertSameAsInMemory(wav, OutputFormat.MuLawWav, MasteringOptions.Default);
    }

    [Fact]
    public void TryTranscode_DataSizeShorterThanFile_StopsWhereTheHeaderSays()
    {
        byte[] samples = new byte[2 * 24_000 * 4];
        SignalGenerator.ToPcm16(Speech(24_000, 4)).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(samples.AsSpan()));
        byte[] wav = new WavBuilder().Format(1, 1, 24_000, 16).Data(samples, declaredSize: (uint)(samples.Length - 20_000)).Chunk("LIST", new byte[30_000]).Build();

        AssertSameAsInMemory(wav, OutputFormat.MuLawWav, MasteringOptions.Default);
    }

    [Theory]
    [InlineData(1_000)]     // within the first 16 KiB looked at
    [InlineData(40_000)]    // past them: the header is looked for again in 64 KiB
    public void TryTranscode_MetadataBeforeTheData_EqualsInMemoryBitForBit(int metadataBytes)
    {
        byte[] samples = new byte[2 * 24_000 * 6];
        SignalGenerator.ToPcm16(Speech(24_000, 6)).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(samples.AsSpan()));
        byte[] wav = new WavBuilder().Format(1, 1, 24_000, 16).Chunk("LIST", new byte[metadataBytes]).Data(samples).Build();

        AssertSameAsInMemory(wav, OutputFormat.MuLawWav, MasteringOptions.Default);
        AssertSameAsInMemory(wav, OutputFormat.MuLawWav, MasteringOptions.Disabled);
    }

    [Fact]
    public void TryTranscode_SmallMp3OrUnseekable_ReturnsNullWritingNothing()
    {
        byte[] wav = WavWriter.WritePcm16(new short[1000], 24_000);
        byte[] mp3 = [0xFF, 0xFB, 0x90, 0x64, .. new byte[200_000]];
        using MemoryStream output = new();

        Assert.Null(StreamingTranscoder.TryTranscode(new MemoryStream(wav), output));
        Assert.Null(StreamingTranscoder.TryTranscode(new MemoryStream(mp3), output));
        Assert.Null(StreamingTranscoder.TryTranscode(new UnseekableStream(new byte[200_000]), output, rawFormat: new RawPcmFormat(24_000)));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void TryTranscode_BadRate_ThrowsTheDecodersError()
    {
        byte[] wav = WavWriter.WritePcm16(new short[100_000], 17);

        AudioFormatException error = Assert.Throws<AudioFormatException>(() =>
            StreamingTranscoder.TryTranscode(new MemoryStream(wav), new MemoryStream(), limits: Limits));
        Assert.Equal(AudioErrorKind.UnsupportedSampleRate, error.Kind);
    }

    [Fact]
    public void TryTranscode_TenTimesLonger_AllocatesAboutTheSame()
    {
        short[] minute = SignalGenerator.ToPcm16(Speech(24_000, 60));
        short[] tenMinutes = new short[minute.Length * 10];
        for (int i = 0; i < 10; i++)
        {
            minute.CopyTo(tenMinutes, i * minute.Length);
        }

        long Allocated(short[] pcm)
        {
            using MemoryStream input = new(WavWriter.WritePcm16(pcm, 24_000));
            long before = GC.GetAllocatedBytesForCurrentThread();
            StreamingTranscoder.TryTranscode(input, Stream.Null, limits: Limits, createSpool: () => new FileSpool());
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Allocated(tenMinutes);   // first-use tables, and the pooled batches and meter buffers
        long one = Allocated(minute), ten = Allocated(tenMinutes);

        // The in-memory path holds the 8 kHz floats (19.2 MB for ten minutes); the stream grows only by the 10 ms
        // frames' energies (8 bytes each: 432 KB for nine more minutes). The two 1 MiB batches and the meter's 3 MiB of
        // buffers come from the shared pool, which may have let them go between runs: at most 4 MiB more.
        Assert.True(ten - one < 600_000 + (4 << 20), $"one minute {one} bytes, ten minutes {ten} bytes");
        Assert.True(ten < 3_000_000 + (4 << 20), $"ten minutes {ten} bytes");
    }

    // Both ways a mastered stream goes: its 8 kHz signal mastered in memory (inputs of a prompt's size), and through the
    // spool (long recordings; forced here by a limit of no samples).
    private static void AssertSameAsInMemory(byte[] input, OutputFormat format, MasteringOptions mastering, RawPcmFormat? raw = null)
    {
        byte[] expected = Transcoder.ToTelephony(input, format, mastering, raw, Limits);
        foreach (long inMemorySamples in new[] { StreamingTranscoder.InMemoryMasteringSamples, 0 })
        {
            using MemoryStream output = new();
            TranscodeSummary? summary = StreamingTranscoder.TryTranscode(new MemoryStream(input), output, format, mastering, raw, Limits,
                createSpool: null, inMemorySamples);

            Assert.NotNull(summary);
            Assert.Equal(expected.Length, summary.OutputBytes);
            Assert.True(expected.AsSpan().SequenceEqual(output.ToArray()),
                $"{format}, {mastering.CanonicalForm()}, in memory up to {inMemorySamples} samples: the streamed bytes differ");
        }
    }

    private static MasteringOptions Options(string name) => name switch
    {
        "off" => MasteringOptions.Disabled,
        "limiting" => Limiting,
        _ => MasteringOptions.Default,
    };

    // Speech between a second of faint noise at each end, so the trim cuts inside the source and fades.
    private static float[] Speech(int rate, int seconds)
    {
        float[] speech = SignalGenerator.SpeechLike(Math.Min(seconds, 8) * rate, rate, seed: 7);
        float[] noise = SignalGenerator.RandomFloats(seconds * rate, seed: 3, amplitude: 20);
        float[] x = new float[seconds * rate];
        for (int i = 0; i < x.Length; i++)
        {
            bool inside = i >= rate && i < x.Length - rate;
            x[i] = noise[i] + (inside ? speech[i % speech.Length] : 0);
        }

        return x;
    }

    private static byte[] Layout(float[] mono, ushort tag, int bits, int channels, int rate)
    {
        int bytes = bits / 8;
        byte[] data = new byte[mono.Length * channels * bytes];
        for (int i = 0; i < mono.Length; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                float v = mono[i] * (c == 0 ? 1f : 0.5f);
                Span<byte> at = data.AsSpan(((i * channels) + c) * bytes, bytes);
                switch (tag, bits)
                {
                    case (3, 32):
                        BinaryPrimitives.WriteSingleLittleEndian(at, v / 32768f);
                        break;
                    case (7, 8):
                        at[0] = IvrVoice.Audio.Codecs.G711.MuLawFromFloat(v);
                        break;
                    case (1, 8):
                        at[0] = (byte)(Math.Clamp((int)v >> 8, -128, 127) + 128);
                        break;
                    case (1, 24):
                        int s24 = Math.Clamp((int)(v * 256), -8_388_608, 8_388_607);
                        at[0] = (byte)s24;
                        at[1] = (byte)(s24 >> 8);
                        at[2] = (byte)(s24 >> 16);
                        break;
                    default:
                        BinaryPrimitives.WriteInt16LittleEndian(at, (short)Math.Clamp(v, -32768, 32767));
                        break;
                }
            }
        }

        return new WavBuilder().Format(tag, channels, rate, bits).Data(data).Build();
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    // A spool that does not count towards the managed heap: a temporary file.
    private sealed class FileSpool() : FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
}
