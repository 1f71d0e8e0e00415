namespace IvrVoice.Audio;

/// <summary>Every interleaved sample layout the decoders read.</summary>
internal enum SampleFormat
{
    U8,
    S16LE,
    S16BE,
    S24LE,
    S32LE,
    F32LE,
    F64LE,
    MuLaw,
    ALaw,
}

internal static class SampleFormatExtensions
{
    public static int BytesPerSample(this SampleFormat format) => format switch
    {
        SampleFormat.U8 or SampleFormat.MuLaw or SampleFormat.ALaw => 1,
        SampleFormat.S16LE or SampleFormat.S16BE => 2,
        SampleFormat.S24LE => 3,
        SampleFormat.S32LE or SampleFormat.F32LE => 4,
        _ => 8,
    };
}
