extern alias emulator;

using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;

namespace IvrVoice.Server.Tests;

/// <summary>
/// Menus that take speech never stream (a Media Stream has no speech recognition): whatever <c>Streaming:Playback</c> says,
/// they answer with <c>&lt;Gather input="…speech"&gt;</c>, while the announcements of their steps may stream.
/// </summary>
public sealed class StreamedSpeechMenuTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string CallSid = "CA8000000000000000000000000000000a";
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Theory]
    [InlineData("Auto")]
    [InlineData("Always")]
    public async Task SpeechMenu_UncachedPromptWithStreamingOn_KeepsGatherWithSpeech(string playback)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?> { ["Streaming:Playback"] = playback });

        // The welcome menu takes "dtmf speech"; its prompt is not cached, and Gemini streams.
        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}", ServerHost.CallParameters(CallSid));

        Assert.Equal("Gather", twiml.Verbs[0]);
        Assert.DoesNotContain("Connect", twiml.Verbs);
        Assert.Equal("dtmf speech", twiml.Root.Element("Gather")!.Attribute("input")?.Value);
        Assert.Equal(1, twiml.PlayUrls.Count + twiml.Says.Count);
    }

    [Fact]
    public async Task SpeechMenu_StepAnnouncementWithStreamingAlways_Streams()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?> { ["Streaming:Playback"] = "Always" });
        Dictionary<string, string> call = ServerHost.CallParameters(CallSid);
        call["Digits"] = "0";

        // '0' in the speech menu announces the transfer, then dials: nobody answers an announcement, so it streams.
        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}/gather/welcome?lang=en-US&noinput=0&invalid=0", call);

        Assert.Equal(["Connect"], twiml.Verbs);
        Assert.Contains("/announced/welcome", MediaStreamsClient.StreamOf(twiml).Action, StringComparison.Ordinal);
    }
}
