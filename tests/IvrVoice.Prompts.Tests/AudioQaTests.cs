using IvrVoice.Audio;
using IvrVoice.Testing;

namespace IvrVoice.Prompts.Tests;

public sealed class AudioQaTests
{
    private const int Rate = 24_000;
    private const string Text = "Thank you for calling.";

    [Fact]
    public void Check_SpeechOfPlausibleLength_Passes() =>
        Assert.Empty(AudioQa.Check(new PcmAudio(SignalGenerator.SpeechLike(Rate * 2, Rate, seed: 1), Rate), Text));

    [Fact]
    public void Check_HeaderOnlyLength_Rejected() =>
        Assert.Contains("shorter than", Assert.Single(AudioQa.Check(new PcmAudio(new float[Rate / 100], Rate), Text)), StringComparison.Ordinal);

    [Fact]
    public void Check_DigitalSilence_Rejected() =>
        Assert.Contains(AudioQa.Check(new PcmAudio(new float[Rate * 2], Rate), Text), p => p.Contains("silent", StringComparison.Ordinal));

    [Fact]
    public void Check_ClippedSquareWave_Rejected()
    {
        float[] square = [.. Enumerable.Range(0, Rate * 2).Select(i => (i / 30 % 2 == 0) ? 32767f : -32768f)];
        Assert.Contains(AudioQa.Check(new PcmAudio(square, Rate), Text), p => p.Contains("clipped", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_MinutesOfAudioForOneSentence_Rejected() =>
        Assert.Contains(AudioQa.Check(new PcmAudio(SignalGenerator.SpeechLike(Rate * 30, Rate, seed: 2), Rate), Text),
            p => p.Contains("implausible", StringComparison.Ordinal));
}
