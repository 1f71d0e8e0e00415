using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace IvrVoice.Cli;

/// <summary>What the resampler's fast kernels need from the CPU, and the start-up notice when it is missing.</summary>
internal static class CpuSupport
{
    /// <summary>True when AVX2 and FMA are there (x86-64-v3), or on Arm64 with AdvSimd.</summary>
    public static bool HasFastPath =>
        (Avx2.IsSupported && Fma.IsSupported) || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>The instruction sets this process can use, e.g. "AVX2+FMA" or "AVX-512".</summary>
    public static string Describe() =>
        Vector512.IsHardwareAccelerated ? "AVX-512+FMA"
        : Avx2.IsSupported && Fma.IsSupported ? "AVX2+FMA"
        : Vector128.IsHardwareAccelerated ? "128-bit SIMD only (no AVX2/FMA)"
        : "no SIMD";

    /// <summary>
    /// Writes one line to <paramref name="error"/> when the CPU lacks AVX2/FMA: output stays correct (bit-identical on
    /// every SIMD width) but the resampler runs several times slower. <c>IVRVOICE_QUIET_CPU=1</c> silences it.
    /// </summary>
    public static void WarnIfSlow(TextWriter error)
    {
        if (!HasFastPath && Environment.GetEnvironmentVariable("IVRVOICE_QUIET_CPU") != "1")
        {
            error.WriteLine($"ivrvoice: this CPU lacks AVX2/FMA ({Describe()}): audio is correct but the resampler runs on its slower path.");
        }
    }
}
