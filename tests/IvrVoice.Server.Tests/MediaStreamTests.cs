extern alias emulator;

using System.Net.WebSockets;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Server.Streaming;
using IvrVoice.Server.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>Menus played over Twilio Media Streams, driven by a client that speaks Twilio's side of the protocol.</summary>
public sealed class MediaStreamTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string BillingMenu = $"/twilio/voice/{TestLibrary.Flow}/menu/billing";
    private const string CallSid = "CA5000000000000000000000000000000a";
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    /// <summary>The emulator as every streaming test starts it: no faults, streaming as fast as asked, 100 ms chunks.</summary>
    internal static TtsEmulator Reset(TtsEmulator emulator)
    {
        VoiceWebhookTests.Reset(emulator);
        emulator.StreamPace = 0;
        emulator.StreamChunk = TimeSpan.FromMilliseconds(100);
        emulator.StreamFirstChunkDelay = TimeSpan.Zero;
        return emulator;
    }

    private ServerHost Start(string playback = "Auto", bool levelControl = false, string stall = "00:00:00.5", FakeTimeProvider? clock = null) =>
        ServerHost.Start(
            clock is null ? null : services => services.AddSingleton(new StreamingClock(clock)),
            _emulator,
            _library.Folder,
            new Dictionary<string, string?>
            {
                ["Streaming:Playback"] = playback,
                ["Streaming:LevelControl"] = levelControl ? "true" : "false",
                ["Streaming:MaxStallSilence"] = stall,
            });

    private static async Task<(TwiML Twiml, string Url, Dictionary<string, string> Parameters, string Action)> AnswerAsync(ServerHost host, string callSid = CallSid)
    {
        TwiML twiml = await host.PostWebhookAsync(BillingMenu, ServerHost.CallParameters(callSid));
        (string url, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(twiml);
        return (twiml, url, parameters, action);
    }

    private static Task<TwiML> PostActionAsync(ServerHost host, string action, string callSid = CallSid) =>
        host.PostWebhookAsync(ServerHost.LocalPath(action), ServerHost.CallParameters(callSid));

    [Fact]
    public async Task Menu_UncachedPromptWithAutoPlayback_AnswersWithConnectStream()
    {
        await using ServerHost host = Start();

        (TwiML twiml, string url, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);

        Assert.Equal(["Connect"], twiml.Verbs);
        Assert.Equal(ServerHost.PublicWssStreamUrl, url);
        Assert.Equal($"{ServerHost.PublicBaseUrl}/twilio/voice/clinic/streamed/billing?lang=en-US&noinput=0&invalid=0", action);
        Assert.Equal("POST", twiml.Root.Element("Connect")!.Attribute("method")?.Value);
        Assert.Contains("p0", parameters.Keys);
        Assert.Contains("sig", parameters.Keys);
        Assert.All(parameters, p => Assert.True(p.Key.Length + p.Value.Length < 500, $"{p.Key} is over Twilio's 500 characters"));
        Assert.DoesNotContain(TestLibrary.BillingText, twiml.Xml, StringComparison.Ordinal);   // the text travels compressed and signed
        Assert.Equal(0, _emulator.Submissions("gemini"));   // nothing rendered before the stream asks
    }

    [Fact]
    public async Task Menu_PlaybackStreamInTheLibrary_StreamsWithStreamingOffAndEvenWhenCached()
    {
        string flows = Path.Combine(_library.Folder, "flows.yaml");
        File.WriteAllText(flows, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(flows), @"\n( +)play: \[billing\]\n", "\n$1play: [billing]\n$1playback: stream\n"));
        await using ServerHost host = Start(playback: "Off");
        await host.Service<PromptRenderer>().GetOrRenderAsync(SpecOfBilling(host), Providers.RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None);

        (TwiML twiml, string url, _, _) = await AnswerAsync(host);

        Assert.Equal(["Connect"], twiml.Verbs);
        Assert.Equal(ServerHost.PublicWssStreamUrl, url);
        // The welcome menu says nothing of playback and streaming is off: it keeps <Gather>.
        TwiML welcome = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");
        Assert.Equal("Gather", welcome.Verbs[0]);
    }

    [Fact]
    public async Task Stream_Miss_StreamsTheRenderBitForBitThenCachesItAndTheActionWaitsForInput()
    {
        _emulator.StreamPace = 0.05;
        await using ServerHost host = Start();
        (_, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        bool open = await client.ReadAsync();

        Assert.False(open);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal("mark", client.Events[^1]);
        Assert.True(client.Events.Count(e => e == "media") > 10);
        // Level control off: what the caller got is the provider's audio through the resampler and μ-law, sample for sample.
        byte[] expected = Transcoder.ToTelephony(new PcmAudio([.. _emulator.Clip.Samples.Select(s => (float)s)], 24_000), OutputFormat.RawMuLaw, MasteringOptions.Disabled);
        Assert.Equal(expected, client.Audio);
        Assert.Contains(_emulator.RequestsTo("gemini"), r => r.Path.Contains(":streamGenerateContent?alt=sse", StringComparison.Ordinal));

        // The finished render is mastered in full and cached for the next caller.
        PromptRenderer renderer = host.Service<PromptRenderer>();
        PromptSpec spec = SpecOfBilling(host);
        await Wait.UntilAsync(async () => await renderer.TryGetAsync(spec, CacheMode.ReadWrite, CancellationToken.None) is not null, "the streamed prompt is cached");

        // The call goes on: the prompts were heard, so the action only waits for input.
        TwiML next = await PostActionAsync(host, action);
        Assert.Equal(["Gather", "Redirect"], next.Verbs);
        Assert.Contains("/gather/billing", next.GatherAction, StringComparison.Ordinal);
        Assert.Empty(next.PlayUrls);
        Assert.Empty(next.Says);
    }

    [Fact]
    public async Task Stream_CachedPrompt_SendsTheCachedAudioWithoutRendering()
    {
        await using ServerHost host = Start(playback: "Always");
        PromptRenderer renderer = host.Service<PromptRenderer>();
        CachedPrompt cached = await renderer.GetOrRenderAsync(SpecOfBilling(host), Providers.RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None);
        int rendered = _emulator.Submissions("gemini");
        (_, _, Dictionary<string, string> parameters, _) = await AnswerAsync(host);

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        await client.ReadAsync();

        PcmAudio wav = AudioDecoder.Decode(cached.Audio.Span);
        byte[] codes = new byte[wav.Samples.Length];
        IvrVoice.Audio.Codecs.G711.EncodeMuLaw(wav.Samples, codes);
        Assert.Equal(codes, client.Audio);
        Assert.Equal(rendered, _emulator.Submissions("gemini"));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task Stream_DigitDuringPlayback_ClearsAudioAndTheActionTakesTheChoice()
    {
        _emulator.StreamPace = 1;   // real time: the prompt is still playing when the digit comes
        await using ServerHost host = Start();
        (_, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);

        await using MediaStreamsClient client = await MediaStreamsClient.PressDuringAudioAsync(host, CallSid, parameters, "*");
        await client.ReadAsync();

        Assert.Contains("clear", client.Events);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.True(client.Audio.Count < 8000 * _emulator.Clip.Duration.TotalSeconds, "the whole prompt was sent despite the digit");

        // The <Connect> action carries the digit: '*' in the billing menu goes back to the welcome menu.
        TwiML next = await PostActionAsync(host, action);
        Assert.Contains("/gather/welcome", next.GatherAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_TwoCallsMissTheSamePromptAtOnce_OneProviderRequestServesBoth()
    {
        // The provider's first audio comes late, so both streams start while the render is being opened.
        _emulator.StreamPace = 0.05;
        _emulator.StreamFirstChunkDelay = TimeSpan.FromMilliseconds(400);
        await using ServerHost host = Start();
        const string OtherCall = "CA5000000000000000000000000000000b";
        (_, _, Dictionary<string, string> first, _) = await AnswerAsync(host);
        (_, _, Dictionary<string, string> second, _) = await AnswerAsync(host, OtherCall);

        await using MediaStreamsClient one = await MediaStreamsClient.ConnectAsync(host);
        await using MediaStreamsClient two = await MediaStreamsClient.ConnectAsync(host);
        await one.StartAsync(CallSid, first);
        await two.StartAsync(OtherCall, second);
        await Task.WhenAll(one.ReadAsync(), two.ReadAsync());

        byte[] expected = Transcoder.ToTelephony(new PcmAudio([.. _emulator.Clip.Samples.Select(s => (float)s)], 24_000), OutputFormat.RawMuLaw, MasteringOptions.Disabled);
        Assert.Equal(expected, one.Audio);
        Assert.Equal(expected, two.Audio);
        Assert.Single(_emulator.RequestsTo("gemini"), r => r.Path.Contains(":streamGenerateContent", StringComparison.Ordinal));
    }

    /// <summary>The billing menu takes three digits, as a &lt;Gather numDigits="3"&gt; would: "123" dials the desk, "12" then '#' hangs up.</summary>
    private void BillingTakesThreeDigits()
    {
        string flows = Path.Combine(_library.Folder, "flows.yaml");
        File.WriteAllText(flows, new System.Text.RegularExpressions.Regex(@"\n( +)input: dtmf\n( +)choices:\n").Replace(File.ReadAllText(flows),
            "\n$1input: dtmf\n$1numDigits: 3\n$1choices:\n$1  - digits: \"123\"\n$1    dial: \"+15035550140\"\n$1  - digits: \"12\"\n$1    hangup: true\n", 1));
    }

    [Fact]
    public async Task Stream_MultiDigitMenu_KeepsCollectingAfterTheBargeInAndTheActionGetsEveryDigit()
    {
        BillingTakesThreeDigits();
        _emulator.StreamPace = 1;
        await using ServerHost host = Start();
        (TwiML twiml, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);
        Assert.Equal(["Connect"], twiml.Verbs);

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        Assert.True(await client.ReadAsync(c => c.Events.Contains("media")));
        await client.SendDtmfAsync("1");
        Assert.True(await client.ReadAsync(c => c.Events.Contains("clear")));
        await client.SendDtmfAsync("2");
        await client.SendDtmfAsync("3");
        await client.ReadAsync();

        // One clear (the first digit), the socket closed once the third came, and "123" reached the action: the desk is dialled.
        Assert.Single(client.Events, e => e == "clear");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        TwiML next = await PostActionAsync(host, action);
        Assert.Equal(["Dial"], next.Verbs);
    }

    [Fact]
    public async Task Stream_MultiDigitMenu_FinishKeyEndsTheEntryEarly()
    {
        BillingTakesThreeDigits();
        _emulator.StreamPace = 1;
        await using ServerHost host = Start();
        (_, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);

        await using MediaStreamsClient client = await MediaStreamsClient.PressDuringAudioAsync(host, CallSid, parameters, "1", "2", "#");
        await client.ReadAsync();

        // Twilio's default finishOnKey '#' submits "12" (without the '#'): that choice hangs up.
        TwiML next = await PostActionAsync(host, action);
        Assert.Equal(["Hangup"], next.Verbs);
    }

    [Fact]
    public async Task Stream_MultiDigitMenu_PlayoutEndingMidEntryKeepsTheSocketForTheRest()
    {
        BillingTakesThreeDigits();
        await using ServerHost host = Start(playback: "Always");
        (_, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);

        // The end mark (if the playout had finished) is echoed by the client; the socket must stay open for the next digits.
        await using MediaStreamsClient client = await MediaStreamsClient.PressDuringAudioAsync(host, CallSid, parameters, "1", "2", "3");
        await client.ReadAsync();

        TwiML next = await PostActionAsync(host, action);
        Assert.Equal(["Dial"], next.Verbs);
    }

    [Fact]
    public async Task Stream_ProviderStalls_TheCallerHearsAtMostMaxStallSilenceAfterTheAudioSent()
    {
        FakeTimeProvider clock = new();
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.StallMidStream) { AfterChunks = 3, Delay = TimeSpan.FromSeconds(60) });
        await using ServerHost host = Start(stall: "00:00:01", clock: clock);
        (_, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);
        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        Task<bool> reading = client.ReadAsync();
        // Three 100 ms chunks arrive, then nothing: about 0.3 s of audio is sent (all of it at the clock's one instant).
        await Wait.UntilAsync(() => Task.FromResult(client.AudioCount >= 2000), "the audio before the stall is sent");
        int sent;
        do
        {
            sent = client.AudioCount;
            await Task.Delay(100);
        }
        while (client.AudioCount != sent);
        TimeSpan played = TimeSpan.FromSeconds(sent / 8000.0);

        // Until the audio sent has played plus 1 s of silence, the stream waits for the provider...
        clock.Advance(played + TimeSpan.FromMilliseconds(900));
        await Task.Delay(200);
        Assert.False(reading.IsCompleted, "the stream ended before Streaming:MaxStallSilence had passed");
        Assert.Equal(1, host.Service<StreamOutcomes>().Active);

        // ...and not a moment longer: then it ends and the menu falls back.
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(await reading);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("stalled", StringComparison.Ordinal));
        TwiML next = await PostActionAsync(host, action);
        Assert.Equal("Gather", next.Verbs[0]);
        Assert.True(next.PlayUrls.Count + next.Says.Count == 1, next.Xml);
    }

    [Fact]
    public async Task Stream_NoMessageForTheIdleTimeout_ClosesTheSocket()
    {
        FakeTimeProvider clock = new();
        await using ServerHost host = Start(clock: clock);
        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        Task<bool> reading = client.ReadAsync();

        // Streaming:IdleTimeout is 15 s by default; Twilio sends media every 20 ms, this client sends nothing at all. The clock
        // moves a second at a time, so the session's timer (set just after the upgrade) is never more than a second behind.
        for (int i = 0; i < 14; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        await Task.Delay(200);
        Assert.False(reading.IsCompleted, "closed before Streaming:IdleTimeout");
        clock.Advance(TimeSpan.FromSeconds(3));

        Assert.False(await reading);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task Stream_StreamOlderThanMaxDuration_IsClosedEvenWhileTwilioTalks()
    {
        FakeTimeProvider clock = new();
        await using ServerHost host = Start(clock: clock);
        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        Task<bool> reading = client.ReadAsync();

        // Streaming:MaxDuration is 5 min; a message every 10 s keeps the idle limit from striking first.
        for (int i = 0; i < 29; i++)
        {
            await client.SendMediaAsync();
            await Task.Delay(20);
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        await Task.Delay(200);
        Assert.False(reading.IsCompleted, "closed before Streaming:MaxDuration");
        await client.SendMediaAsync();
        await Task.Delay(20);
        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.False(await reading);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("too_long", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_MultiDigitMenu_TimeoutBetweenKeysSubmitsWhatWasPressed()
    {
        BillingTakesThreeDigits();
        FakeTimeProvider clock = new();
        _emulator.StreamPace = 1;
        await using ServerHost host = Start(clock: clock);
        (_, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);
        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        Assert.True(await client.ReadAsync(c => c.Events.Contains("media")));
        await client.SendDtmfAsync("1");
        Assert.True(await client.ReadAsync(c => c.Events.Contains("clear")));
        Task<bool> reading = client.ReadAsync();

        // The menu's timeout (5 s) between keys, as its <Gather> would wait.
        clock.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(200);
        Assert.False(reading.IsCompleted, "the entry ended before the menu's timeout");
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await reading);

        // "1" alone matches no choice of the three-digit menu: invalid, and with no retries the menu goes to welcome.
        TwiML next = await PostActionAsync(host, action);
        Assert.Contains("/gather/welcome", next.GatherAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FaultKind.StallMidStream)]
    [InlineData(FaultKind.CutMidStream)]
    [InlineData(FaultKind.TruncatedStream)]
    public async Task Stream_ProviderFailsMidStream_EndsTheStreamAndTheActionFallsBack(FaultKind kind)
    {
        _emulator.StreamPace = 0.05;
        _emulator.Inject("gemini", new EmulatorFault(kind) { AfterChunks = 3, Delay = TimeSpan.FromSeconds(60) });
        await using ServerHost host = Start();
        (_, _, Dictionary<string, string> parameters, string action) = await AnswerAsync(host);

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        await client.ReadAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.NotEmpty(client.Audio);
        Assert.True(client.Audio.Count < 8000 * _emulator.Clip.Duration.TotalSeconds);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("stalled", StringComparison.Ordinal) || e.Message.Contains("broke off", StringComparison.Ordinal));

        // The call goes on with the menu answered the usual way: the prompt again, as <Play> or <Say>, inside the <Gather>.
        TwiML next = await PostActionAsync(host, action);
        Assert.Equal("Gather", next.Verbs[0]);
        Assert.Contains("/gather/billing", next.GatherAction, StringComparison.Ordinal);
        Assert.True(next.PlayUrls.Count + next.Says.Count == 1, next.Xml);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wss://ivr.example.test/twilio/other")]
    [InlineData("https://ivr.example.test/twilio/stream")]
    public async Task Upgrade_UnsignedOrSignedForAnotherUrl_IsRefusedBeforeTheUpgrade(string? signedUrl)
    {
        await using ServerHost host = Start();

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => MediaStreamsClient.ConnectAsync(host, signedUrl));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_SignedWithAnotherToken_IsRefused()
    {
        await using ServerHost host = Start();

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => MediaStreamsClient.ConnectAsync(host, token: "00000000000000000000000000000000"));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ParametersReplayedForAnotherCall_AreRefusedWithoutAudio()
    {
        await using ServerHost host = Start();
        (_, _, Dictionary<string, string> parameters, _) = await AnswerAsync(host);

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync("CA9999999999999999999999999999999f", parameters);
        await client.ReadAsync();

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Empty(client.Audio);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Start_TamperedParameters_AreRefusedWithoutAudio()
    {
        await using ServerHost host = Start();
        (_, _, Dictionary<string, string> parameters, _) = await AnswerAsync(host);
        parameters["p0"] = parameters["p0"][..^2] + (parameters["p0"][^2] == 'A' ? "B" : "A") + parameters["p0"][^1];

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        await client.ReadAsync();

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Empty(client.Audio);
    }

    [Fact]
    public async Task Start_SecondStreamForTheSameCall_IsRefused()
    {
        _emulator.StreamPace = 1;
        await using ServerHost host = Start();
        (_, _, Dictionary<string, string> parameters, _) = await AnswerAsync(host);
        await using MediaStreamsClient first = await MediaStreamsClient.ConnectAsync(host);
        await first.StartAsync(CallSid, parameters);
        Assert.True(await first.ReadAsync(c => c.Events.Contains("media")));

        await using MediaStreamsClient second = await MediaStreamsClient.ConnectAsync(host);
        await second.StartAsync(CallSid, parameters);
        await second.ReadAsync();

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, second.CloseStatus);
        Assert.Empty(second.Audio);
    }

    private static PromptSpec SpecOfBilling(ServerHost host)
    {
        IvrVoice.Server.Voice.CallFlows flows = host.Service<IvrVoice.Server.Voice.CallFlows>();
        return flows.SpecFor(flows.Library.GetPrompt(new IvrVoice.Library.Flows.PromptReference("billing", null), "en-US"));
    }
}
