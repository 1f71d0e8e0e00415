extern alias emulator;

using System.Net.WebSockets;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Streaming;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// A call's Media Stream on one node and its <c>&lt;Connect action&gt;</c> on another, both nodes sharing one PostgreSQL: the
/// digits and the stream's outcome reach the action through the store's hand-off table; a store that hangs costs a bounded
/// wait and the flow's fallback, never a call without TwiML.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StreamHandoffTests(EmulatorFixture emulatorFixture, PostgresFixture postgres)
    : IClassFixture<EmulatorFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private const string BillingMenu = $"/twilio/voice/{TestLibrary.Flow}/menu/billing";
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = MediaStreamTests.Reset(emulatorFixture.Emulator);

    public void Dispose() => _library.Dispose();

    private ServerHost Node(string? connectionString = null, FakeTimeProvider? clock = null, string handoffTimeout = "00:00:02", string playback = "Always") =>
        ServerHost.Start(
            clock is null ? null : services => services.AddSingleton(new StreamingClock(clock)),
            _emulator,
            _library.Folder,
            new Dictionary<string, string?>
            {
                ["Cache:Store"] = "Postgres",
                ["Cache:Postgres:ConnectionString"] = connectionString ?? postgres.ConnectionString,
                ["Cache:StoreTimeout"] = "00:00:00.5",
                ["Streaming:Playback"] = playback,
                ["Prompts:MaxTextLength"] = "6000",
                ["Streaming:LevelControl"] = "false",
                ["Streaming:HandoffTimeout"] = handoffTimeout,
            });

    private static async Task<(Dictionary<string, string> Parameters, string Action)> AnswerAsync(ServerHost node, string callSid)
    {
        TwiML twiml = await node.PostWebhookAsync(BillingMenu, ServerHost.CallParameters(callSid));
        Assert.Equal(["Connect"], twiml.Verbs);
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(twiml);
        return (parameters, action);
    }

    /// <summary>Streams the billing menu for <paramref name="callSid"/> on <paramref name="node"/>; the caller presses <paramref name="digit"/> once audio plays.</summary>
    private static async Task<MediaStreamsClient> StreamWithDigitAsync(ServerHost node, string callSid, Dictionary<string, string> parameters, string digit)
    {
        MediaStreamsClient client = await MediaStreamsClient.PressDuringAudioAsync(node, callSid, parameters, digit);
        Assert.False(await client.ReadAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        return client;
    }

    private static Task<TwiML> PostActionAsync(ServerHost node, string action, string callSid) =>
        node.PostWebhookAsync(ServerHost.LocalPath(action), ServerHost.CallParameters(callSid));

    /// <summary>The node's <c>ivrvoice_stream_handoffs_total</c> for these results, from /metrics.</summary>
    private static async Task<double> HandoffsAsync(ServerHost node, params string[] results)
    {
        string metrics = await node.Client.GetStringAsync("/metrics");
        return metrics.Split('\n')
            .Where(line => line.StartsWith("ivrvoice_stream_handoffs_total{", StringComparison.Ordinal)
                && results.Any(r => line.Contains($"result=\"{r}\"", StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task TwoNodes_StreamOnAActionOnB_TheActionCarriesTheDigit()
    {
        const string CallSid = "CA6000000000000000000000000000000a";
        await using ServerHost a = Node();
        await using ServerHost b = Node();
        (Dictionary<string, string> parameters, string action) = await AnswerAsync(a, CallSid);

        await using MediaStreamsClient client = await StreamWithDigitAsync(a, CallSid, parameters, "*");

        // '*' in the billing menu goes back to the welcome menu: B answers that, from what A heard.
        TwiML next = await PostActionAsync(b, action, CallSid);
        Assert.Contains("/gather/welcome", next.GatherAction, StringComparison.Ordinal);
        Assert.Contains("clear", client.Events);
        Assert.Equal(1, await HandoffsAsync(b, "shared"));

        // Taken once, on either node: a repeated action finds nothing and answers the menu again (the fallback).
        TwiML again = await PostActionAsync(a, action, CallSid);
        Assert.Contains("/gather/billing", again.GatherAction, StringComparison.Ordinal);
        Assert.Equal(1, again.PlayUrls.Count + again.Says.Count);
    }

    [SkippableFact]
    public async Task TwoNodes_PlayoutCompletedOnA_ActionOnBOnlyWaitsForInput()
    {
        const string CallSid = "CA6000000000000000000000000000000b";
        await using ServerHost a = Node();
        await using ServerHost b = Node();
        (Dictionary<string, string> parameters, string action) = await AnswerAsync(a, CallSid);

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(a);
        await client.StartAsync(CallSid, parameters);
        Assert.False(await client.ReadAsync());
        Assert.Equal("mark", client.Events[^1]);

        // The prompts were heard on A: B's answer waits for the caller's choice without playing them again.
        TwiML next = await PostActionAsync(b, action, CallSid);
        Assert.Equal(["Gather", "Redirect"], next.Verbs);
        Assert.Contains("/gather/billing", next.GatherAction, StringComparison.Ordinal);
        Assert.Empty(next.PlayUrls);
        Assert.Empty(next.Says);
    }

    [SkippableFact]
    public async Task TwoNodes_ActionArrivesBeforeTheOutcome_WaitsForItOnTheStreamingClock()
    {
        const string CallSid = "CA6000000000000000000000000000000c";
        FakeTimeProvider clock = new();
        await using ServerHost a = Node();
        await using ServerHost b = Node(clock: clock);
        (_, string action) = await AnswerAsync(a, CallSid);

        // B is asked first; nothing is in the store yet, so it polls on its streaming clock.
        Task<TwiML> answering = PostActionAsync(b, action, CallSid);
        for (int i = 0; i < 5; i++)
        {
            await Task.Delay(50);
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.False(answering.IsCompleted, "the action answered before the outcome existed or its wait ran out");

        // Now A's stream records the caller's digit; B's next poll finds it.
        await a.Service<StreamOutcomes>().SetAsync(CallSid, "*", failed: false);
        while (!answering.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(answering, Task.Delay(50));
        }

        Assert.Contains("/gather/welcome", (await answering).GatherAction, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TwoNodes_NoOutcomeEverArrives_TheActionFallsBackAfterHandoffTimeout()
    {
        const string CallSid = "CA6000000000000000000000000000000d";
        FakeTimeProvider clock = new();
        await using ServerHost a = Node();
        await using ServerHost b = Node(clock: clock, handoffTimeout: "00:00:01");
        (_, string action) = await AnswerAsync(a, CallSid);

        Task<TwiML> answering = PostActionAsync(b, action, CallSid);
        await Task.Delay(100);
        clock.Advance(TimeSpan.FromMilliseconds(800));
        await Task.Delay(100);
        Assert.False(answering.IsCompleted, "the action gave up before Streaming:HandoffTimeout");
        while (!answering.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(answering, Task.Delay(50));
        }

        // The flow's fallback: the menu answered with <Play>/<Say>, as after a stream that failed.
        TwiML next = await answering;
        Assert.Equal("Gather", next.Verbs[0]);
        Assert.Equal(1, next.PlayUrls.Count + next.Says.Count);
        Assert.Contains(b.Logs.Entries, e => e.Message.Contains("no stream outcome arrived within 1 s", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task StoreHangs_TheSocketStillClosesAndEachNodeAnswersWithTwiml()
    {
        const string CallSid = "CA6000000000000000000000000000000e";
        await using HangingTcpProxy proxy = new(HangingTcpProxy.TargetOf(postgres.ConnectionString));
        await using ServerHost a = Node(proxy.Redirect(postgres.ConnectionString), handoffTimeout: "00:00:00.5");
        await using ServerHost b = Node(proxy.Redirect(postgres.ConnectionString), handoffTimeout: "00:00:00.5");
        (Dictionary<string, string> parameters, string action) = await AnswerAsync(a, CallSid);
        // The prompt is in A's memory tier, so what is tested is the hand-off, not a render against a hung store.
        IvrVoice.Server.Voice.CallFlows flows = a.Service<IvrVoice.Server.Voice.CallFlows>();
        await a.Service<IvrVoice.Prompts.PromptRenderer>().GetOrRenderAsync(
            flows.SpecFor(flows.Library.GetPrompt(new IvrVoice.Library.Flows.PromptReference("billing", null), "en-US")),
            IvrVoice.Providers.RenderUrgency.Batch, IvrVoice.Caching.CacheMode.ReadWrite, CancellationToken.None);
        proxy.Hang();

        // A cannot write what it heard: it gives up within the hand-off timeout and closes the socket all the same.
        await using MediaStreamsClient client = await StreamWithDigitAsync(a, CallSid, parameters, "*");
        Assert.Contains(a.Logs.Entries, e => e.Message.Contains("could not be written to the shared store", StringComparison.Ordinal));

        // B cannot read it: the flow's fallback (the menu again), logged. A still has it in memory: the digit's choice.
        TwiML onB = await PostActionAsync(b, action, CallSid);
        Assert.Equal("Gather", onB.Verbs[0]);
        Assert.Contains("/gather/billing", onB.GatherAction, StringComparison.Ordinal);
        Assert.Contains(b.Logs.Entries, e => e.Message.Contains("answering as after a failed stream", StringComparison.Ordinal));
        TwiML onA = await PostActionAsync(a, action, CallSid);
        Assert.Contains("/gather/welcome", onA.GatherAction, StringComparison.Ordinal);
        // (The playout may have finished, and its "played" failed to be written too, before the digit's.)
        Assert.InRange(await HandoffsAsync(a, "write_failed"), 1, 2);
        Assert.Equal(1, await HandoffsAsync(a, "local"));
        Assert.Equal(1, await HandoffsAsync(b, "failed", "missing"));
        proxy.Resume();
    }

    [SkippableFact]
    public async Task StoreHangs_UncachedPromptStillStreamsFromTheProvider()
    {
        const string CallSid = "CA6000000000000000000000000000000f";
        await using HangingTcpProxy proxy = new(HangingTcpProxy.TargetOf(postgres.ConnectionString));
        await using ServerHost a = Node(proxy.Redirect(postgres.ConnectionString), handoffTimeout: "00:00:00.5");
        (Dictionary<string, string> parameters, _) = await AnswerAsync(a, CallSid);
        int requestsBefore = _emulator.Requests.Count;
        proxy.Hang();

        // The cache lookup cannot be answered: it counts as a miss, and the caller hears the provider's audio as it streams.
        await using MediaStreamsClient client = await StreamWithDigitAsync(a, CallSid, parameters, "*");
        Assert.Contains("clear", client.Events);
        Assert.True(_emulator.Requests.Count > requestsBefore);
        Assert.Contains(a.Logs.Entries, e => e.Message.Contains("the prompt store did not answer; streaming it from the provider", StringComparison.Ordinal));
        Assert.DoesNotContain(a.Logs.Entries, e => e.Message.Contains("the stream's playout failed", StringComparison.Ordinal));
        proxy.Resume();
    }

    [SkippableFact]
    public async Task TwoNodes_LongApiAnnouncementSignedOnA_StreamsWhereverTwilioGoes()
    {
        const string CallSid = "CA6000000000000000000000000000000f";
        await using ServerHost a = Node(playback: "Off");
        await using ServerHost b = Node(playback: "Off");
        // 5,000 characters that do not compress: too long for a URL and for a stream's parameters, so both the announcement
        // and the stream's prompts are kept in the shared store.
        Random random = new(7);
        string text = string.Concat(Enumerable.Range(0, 5000).Select(_ => (char)random.Next(0x4E00, 0x9FA5)));
        using HttpResponseMessage response = await a.PostJsonAsync("/api/announcements", System.Text.Json.JsonSerializer.Serialize(
            new { text, language = "cmn-CN", voice = "Leda", playback = "stream", next = "/twilio/voice/clinic" }));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, body);
        System.Text.Json.JsonElement signed = System.Text.Json.JsonDocument.Parse(body).RootElement;
        string redirect = System.Xml.Linq.XElement.Parse(signed.GetProperty("twiml").GetString()!).Element("Redirect")!.Value;
        Assert.Equal(0, _emulator.Submissions("gemini"));

        // Twilio follows the redirect to B, opens the stream on A and posts the action to B.
        TwiML answer = await b.PostWebhookAsync(ServerHost.LocalPath(redirect), ServerHost.CallParameters(CallSid));
        Assert.Equal(["Connect"], answer.Verbs);
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(answer);
        Assert.Contains("ref", parameters.Keys);
        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(a);
        await client.StartAsync(CallSid, parameters);
        Assert.False(await client.ReadAsync());
        Assert.Equal("mark", client.Events[^1]);
        Assert.True(client.AudioCount > 0);
        TwiML next = await PostActionAsync(b, action, CallSid);
        Assert.Equal(["Redirect"], next.Verbs);
        Assert.Equal($"{ServerHost.PublicBaseUrl}/twilio/voice/clinic", next.Root.Element("Redirect")!.Value);

        // The audio URL signed on A plays from B.
        using HttpResponseMessage audio = await b.UnsignedClient.GetAsync(ServerHost.LocalPath(signed.GetProperty("url").GetString()!));
        Assert.Equal(System.Net.HttpStatusCode.OK, audio.StatusCode);
    }
}
