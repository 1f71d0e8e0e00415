using System.Runtime.InteropServices;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// The baselines, called through P/Invoke into Debian's packages: libsoxr0 (libsoxr.so.0, the resampler Pipecat uses)
/// and libspeexdsp1 (libspeexdsp.so.1, the Speex resampler of Asterisk-style stacks). Both run single-threaded on int16.
/// </summary>
internal static partial class NativeResamplers
{
    private const string Soxr = "libsoxr.so.0";
    private const string Speex = "libspeexdsp.so.1";

    public const uint SoxrInt16Interleaved = 3;   // SOXR_INT16_I
    public const uint SoxrHighQuality = 4;        // SOXR_HQ: 20-bit precision

    [StructLayout(LayoutKind.Sequential)]
    public struct SoxrIoSpec
    {
        public uint InputType;
        public uint OutputType;
        public double Scale;
        public nint Reserved;
        public nuint Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct SoxrQualitySpec
    {
        public double Precision;
        public double PhaseResponse;
        public double PassbandEnd;
        public double StopbandBegin;
        public nint Reserved;
        public nuint Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct SoxrRuntimeSpec
    {
        public uint Log2MinDftSize;
        public uint Log2LargeDftSize;
        public uint CoefSizeKbytes;
        public uint NumThreads;
        public nint Reserved;
        public nuint Flags;
    }

    [LibraryImport(Soxr, EntryPoint = "soxr_io_spec")]
    public static partial SoxrIoSpec SoxrIo(uint inputType, uint outputType);

    [LibraryImport(Soxr, EntryPoint = "soxr_quality_spec")]
    public static partial SoxrQualitySpec SoxrQuality(nuint recipe, nuint flags);

    [LibraryImport(Soxr, EntryPoint = "soxr_runtime_spec")]
    public static partial SoxrRuntimeSpec SoxrRuntime(uint threads);

    [LibraryImport(Soxr, EntryPoint = "soxr_create")]
    public static unsafe partial nint SoxrCreate(double inputRate, double outputRate, uint channels, nint* error,
        SoxrIoSpec* io, SoxrQualitySpec* quality, SoxrRuntimeSpec* runtime);

    [LibraryImport(Soxr, EntryPoint = "soxr_process")]
    public static unsafe partial nint SoxrProcess(nint resampler, short* input, nuint inputLength, nuint* inputDone,
        short* output, nuint outputLength, nuint* outputDone);

    [LibraryImport(Soxr, EntryPoint = "soxr_clear")]
    public static partial nint SoxrClear(nint resampler);

    [LibraryImport(Soxr, EntryPoint = "soxr_delete")]
    public static partial void SoxrDelete(nint resampler);

    [LibraryImport(Speex, EntryPoint = "speex_resampler_init")]
    public static unsafe partial nint SpeexInit(uint channels, uint inputRate, uint outputRate, int quality, int* error);

    [LibraryImport(Speex, EntryPoint = "speex_resampler_process_int")]
    public static unsafe partial int SpeexProcess(nint resampler, uint channel, short* input, uint* inputLength, short* output, uint* outputLength);

    [LibraryImport(Speex, EntryPoint = "speex_resampler_reset_mem")]
    public static partial int SpeexReset(nint resampler);

    [LibraryImport(Speex, EntryPoint = "speex_resampler_destroy")]
    public static partial void SpeexDestroy(nint resampler);

    /// <summary>A single-threaded libsoxr HQ resampler for mono int16.</summary>
    public static unsafe nint CreateSoxrHighQuality(double inputRate, double outputRate)
    {
        SoxrIoSpec io = SoxrIo(SoxrInt16Interleaved, SoxrInt16Interleaved);
        SoxrQualitySpec quality = SoxrQuality(SoxrHighQuality, 0);
        SoxrRuntimeSpec runtime = SoxrRuntime(1);
        nint error = 0;
        nint soxr = SoxrCreate(inputRate, outputRate, 1, &error, &io, &quality, &runtime);
        return error == 0 && soxr != 0 ? soxr : throw new InvalidOperationException($"soxr_create failed: {Marshal.PtrToStringUTF8(error)}");
    }

    /// <summary>Resamples a whole signal and flushes; returns the samples written.</summary>
    public static unsafe int SoxrWhole(nint soxr, ReadOnlySpan<short> input, Span<short> output)
    {
        SoxrClear(soxr);
        nuint done = 0, written = 0, flushed = 0;
        fixed (short* i = input)
        fixed (short* o = output)
        {
            SoxrProcess(soxr, i, (nuint)input.Length, &done, o, (nuint)output.Length, &written);
            SoxrProcess(soxr, null, 0, null, o + written, (nuint)output.Length - written, &flushed);   // end of input
        }

        return (int)(written + flushed);
    }

    /// <summary>A Speex resampler at <paramref name="quality"/> (0–10) for mono int16.</summary>
    public static unsafe nint CreateSpeex(uint inputRate, uint outputRate, int quality)
    {
        int error = 0;
        nint speex = SpeexInit(1, inputRate, outputRate, quality, &error);
        return error == 0 && speex != 0 ? speex : throw new InvalidOperationException($"speex_resampler_init failed: {error}");
    }

    /// <summary>Resamples a whole signal (the filter's tail is not flushed; Speex has no end-of-stream call).</summary>
    public static unsafe int SpeexWhole(nint speex, ReadOnlySpan<short> input, Span<short> output)
    {
        SpeexReset(speex);
        uint inputLength = (uint)input.Length, outputLength = (uint)output.Length;
        fixed (short* i = input)
        fixed (short* o = output)
        {
            SpeexProcess(speex, 0, i, &inputLength, o, &outputLength);
        }

        return (int)outputLength;
    }
}
