using IvrVoice.ProviderEmulator;

namespace IvrVoice.Providers.Tests;

public sealed class EmulatorClipTests
{
    [Fact]
    public async Task StartAsync_ClipLength_ServesSpeechAtLeastThatLong()
    {
        await using TtsEmulator standard = await TtsEmulator.StartAsync();
        await using TtsEmulator longer = await TtsEmulator.StartAsync(clipLength: TimeSpan.FromSeconds(10));

        Assert.True(standard.Clip.Duration < TimeSpan.FromSeconds(10), $"standard clip {standard.Clip.Duration}");
        Assert.InRange(longer.Clip.Duration.TotalSeconds, 10, 10 + standard.Clip.Duration.TotalSeconds + 0.3);
        Assert.Equal(standard.Clip.Samples, longer.Clip.Samples.Take(standard.Clip.Samples.Length));
    }
}
