extern alias emulator;

using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Caching;
using IvrVoice.Server.Tests.Support;

namespace IvrVoice.Server.Tests;

/// <summary>A caller never hears silence: prompts not ready in time, or that no route can render, are spoken with &lt;Say&gt;.</summary>
public sealed class SayFallbackTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly string EntryPath = $"/twilio/voice/{TestLibrary.Flow}";
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task EnterFlow_ProviderHangs_SaysThePromptWithTheMappedVoiceInsideTheGather()
    {
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.Hang) { Times = null });
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Service:InCallWait"] = "00:00:00.500",
            ["Providers:InCallDeadline"] = "00:00:01",
        });

        TwiML twiml = await host.PostWebhookAsync(EntryPath);

        Assert.Equal(["Gather", "Redirect"], twiml.Verbs);
        Assert.Empty(twiml.PlayUrls);
        System.Xml.Linq.XElement say = Assert.Single(twiml.Gather!.Elements("Say"));
        Assert.Equal(TestLibrary.WelcomeText, say.Value);
        Assert.Equal("Polly.Joanna-Neural", say.Attribute("voice")?.Value);   // Kore is a female voice
        Assert.Equal("en-US", say.Attribute("language")?.Value);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "was not ready within 0.5 s"));
    }

    [Fact]
    public async Task EnterFlow_EveryRouteFails_SaysThePromptsAndAnswers200()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        _emulator.Inject("openrouter", EmulatorFault.Http(503, times: null));
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, routes: ["gemini", "openrouter"]);

        TwiML spanish = await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer(digits: "2"));

        Assert.Empty(spanish.PlayUrls);
        System.Xml.Linq.XElement say = Assert.Single(spanish.Says);
        Assert.Equal(TestLibrary.WelcomeSpanishText, say.Value);
        Assert.Equal("Polly.Pedro-Neural", say.Attribute("voice")?.Value);   // Puck is a male voice
        Assert.Equal("es-US", say.Attribute("language")?.Value);
        Assert.True(_emulator.Submissions("gemini") > 0);
        Assert.True(_emulator.Submissions("openrouter") > 0);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "could not be rendered"));
    }

    [Fact]
    public async Task EnterFlow_RenderSlowerThanTheWait_SaysNowAndTheNextCallerHearsTheRender()
    {
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.Slow) { Delay = TimeSpan.FromSeconds(2) });
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Service:InCallWait"] = "00:00:00.300",
        });

        TwiML first = await host.PostWebhookAsync(EntryPath);
        Assert.Empty(first.PlayUrls);
        Assert.Single(first.Says);

        // The render the first call started goes on without it.
        PromptCache cache = host.Service<PromptCache>();
        await Wait.UntilAsync(async () => await cache.Store.ListAsync(CancellationToken.None).AnyAsync(), "the background render to be stored");

        TwiML second = await host.PostWebhookAsync(EntryPath);
        Assert.Matches(VoiceWebhookTests.PromptUrl(), Assert.Single(second.PlayUrls));
        Assert.Empty(second.Says);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task EnterFlow_HundredConcurrentCalls_RenderEachPromptOnce()
    {
        // A slow answer keeps the render open while every call arrives.
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.Slow) { Delay = TimeSpan.FromMilliseconds(500) });
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML[] answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            host.PostWebhookAsync(EntryPath, ServerHost.CallParameters($"CA{i:D32}"))));

        Assert.Equal(1, _emulator.Submissions("gemini"));
        string url = Assert.Single(answers[0].PlayUrls);
        Assert.All(answers, answer => Assert.Equal([url], answer.PlayUrls));
    }
}
