extern alias emulator;

using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio;
using IvrVoice.Server.Tests.Support;

namespace IvrVoice.Server.Tests;

/// <summary>
/// Announcements over Twilio Media Streams: a flow step's announcement before a dial, redirect or hang-up, <c>/twilio/announce</c>
/// and <c>POST /api/announcements</c>, each answered with <c>&lt;Connect action&gt;&lt;Stream&gt;</c> and driven by a client that
/// speaks Twilio's side of the protocol; the action goes on with the step.
/// </summary>
public sealed class StreamedAnnouncementTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string CallSid = "CA6000000000000000000000000000000b";
    private const string DialChoice = $"/twilio/voice/{TestLibrary.Flow}/gather/welcome?lang=en-US&noinput=0&invalid=0";
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    private static TtsEmulator Reset(TtsEmulator emulator)
    {
        MediaStreamTests.Reset(emulator).StreamPace = 0.05;
        return emulator;
    }

    private ServerHost Start(string playback) =>
        ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?>
        {
            ["Streaming:Playback"] = playback,
            ["Streaming:LevelControl"] = "false",
            ["Streaming:MaxStallSilence"] = "00:00:00.5",
        });

    /// <summary>Adds <paramref name="playback"/> beside the first <c>announce: [transfer]</c> of the test flow: the '0' choice that dials the desk.</summary>
    private void DialChoicePlayback(string playback)
    {
        string flows = Path.Combine(_library.Folder, "flows.yaml");
        File.WriteAllText(flows, new Regex(@"\n( +)announce: \[transfer\]\n").Replace(File.ReadAllText(flows), $"\n$1announce: [transfer]\n$1playback: {playback}\n", 1));
    }

    private static Dictionary<string, string> Call(string? digits = null)
    {
        Dictionary<string, string> form = ServerHost.CallParameters(CallSid);
        if (digits is not null)
        {
            form["Digits"] = digits;
        }

        return form;
    }

    private static async Task<MediaStreamsClient> PlayAsync(ServerHost host, Dictionary<string, string> parameters)
    {
        MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        await client.ReadAsync();
        return client;
    }

    private byte[] WholeClip() =>
        Transcoder.ToTelephony(new PcmAudio([.. _emulator.Clip.Samples.Select(s => (float)s)], 24_000), OutputFormat.RawMuLaw, MasteringOptions.Disabled);

    [Fact]
    public async Task Step_AnnounceWithPlaybackStream_StreamsItThenTheActionDials()
    {
        DialChoicePlayback("stream");
        await using ServerHost host = Start("Off");

        TwiML twiml = await host.PostWebhookAsync(DialChoice, Call("0"));

        Assert.Equal(["Connect"], twiml.Verbs);
        (string url, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(twiml);
        Assert.Equal(ServerHost.PublicWssStreamUrl, url);
        // The third choice ('0') of the welcome menu, in the call's state.
        Assert.Equal($"{ServerHost.PublicBaseUrl}/twilio/voice/clinic/announced/welcome?lang=en-US&noinput=0&invalid=0&step=c2", action);
        await using MediaStreamsClient client = await PlayAsync(host, parameters);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal(WholeClip(), client.Audio);

        // The announcement was heard: the action only dials.
        TwiML next = await host.PostWebhookAsync(ServerHost.LocalPath(action), Call());
        Assert.Equal(["Dial"], next.Verbs);
        Assert.Equal(TestLibrary.FrontDesk, next.Root.Element("Dial")!.Value.Trim());
    }

    [Fact]
    public async Task Step_DigitDuringAnAnnouncement_NeitherClearsNorEndsIt()
    {
        DialChoicePlayback("stream");
        _emulator.StreamPace = 0.5;
        await using ServerHost host = Start("Off");
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(await host.PostWebhookAsync(DialChoice, Call("0")));

        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, parameters);
        Assert.True(await client.ReadAsync(c => c.Events.Contains("media")));
        await client.SendDtmfAsync("5");
        await client.ReadAsync();

        // Played outside the menu's <Gather>, an announcement cannot be skipped: the whole of it is sent and no clear.
        Assert.DoesNotContain("clear", client.Events);
        Assert.Equal(WholeClip(), client.Audio);
        TwiML next = await host.PostWebhookAsync(ServerHost.LocalPath(action), Call());
        Assert.Equal(["Dial"], next.Verbs);
    }

    [Fact]
    public async Task Step_AnnouncementStreamCut_TheActionPlaysItBeforeDialling()
    {
        DialChoicePlayback("stream");
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.CutMidStream) { AfterChunks = 2 });
        await using ServerHost host = Start("Off");
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(await host.PostWebhookAsync(DialChoice, Call("0")));

        await using MediaStreamsClient client = await PlayAsync(host, parameters);
        Assert.True(client.Audio.Count < WholeClip().Length);

        TwiML next = await host.PostWebhookAsync(ServerHost.LocalPath(action), Call());
        Assert.Equal(2, next.Verbs.Count);
        Assert.Contains(next.Verbs[0], (string[])["Play", "Say"]);
        Assert.Equal("Dial", next.Verbs[1]);
    }

    [Fact]
    public async Task Step_PlaybackPlayWithStreamingAlways_PlaysTheAnnouncementBeforeTheDial()
    {
        DialChoicePlayback("play");
        await using ServerHost host = Start("Always");

        TwiML twiml = await host.PostWebhookAsync(DialChoice, Call("0"));

        Assert.Equal(2, twiml.Verbs.Count);
        Assert.Contains(twiml.Verbs[0], (string[])["Play", "Say"]);
        Assert.Equal("Dial", twiml.Verbs[1]);
    }

    [Fact]
    public async Task Step_AutoPlaybackUncachedAnnouncementBeforeHangUp_StreamsThenTheActionHangsUp()
    {
        await using ServerHost host = Start("Auto");

        // The welcome menu's second silence: its noInput step announces goodbye and hangs up.
        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}/gather/welcome?lang=en-US&noinput=1&invalid=0", Call());

        Assert.Equal(["Connect"], twiml.Verbs);
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(twiml);
        Assert.EndsWith("&step=noinput", action, StringComparison.Ordinal);
        await using MediaStreamsClient client = await PlayAsync(host, parameters);
        Assert.Equal(WholeClip(), client.Audio);
        TwiML next = await host.PostWebhookAsync(ServerHost.LocalPath(action), Call());
        Assert.Equal(["Hangup"], next.Verbs);
    }

    [Fact]
    public async Task Step_UnknownStepInTheAction_RestartsTheFlow()
    {
        await using ServerHost host = Start("Auto");

        TwiML next = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}/announced/welcome?lang=en-US&noinput=0&invalid=0&step=c99", Call());

        Assert.Contains("/gather/welcome", next.GatherAction, StringComparison.Ordinal);
    }

    /// <summary>Twilio's &lt;Connect action&gt; request after the stream: the announcement's <c>next</c>, the clinic flow.</summary>
    private static async Task AssertActionGoesToClinicAsync(ServerHost host, string action)
    {
        TwiML next = await host.PostWebhookAsync(ServerHost.LocalPath(action), Call());
        Assert.Equal(["Redirect"], next.Verbs);
        Assert.Equal($"{ServerHost.PublicBaseUrl}/twilio/voice/clinic", next.Root.Element("Redirect")!.Value);
    }

    [Fact]
    public async Task Announce_PlaybackStream_StreamsTheTextThenTheActionRedirectsToNext()
    {
        await using ServerHost host = Start("Off");

        TwiML twiml = await host.PostWebhookAsync("/twilio/announce?text=Your%20table%20is%20ready.&voice=Leda&playback=stream&next=%2Ftwilio%2Fvoice%2Fclinic", Call());

        Assert.Equal(["Connect"], twiml.Verbs);
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(twiml);
        Assert.Equal($"{ServerHost.PublicBaseUrl}/twilio/announce?text=Your%20table%20is%20ready.&voice=Leda&playback=stream&next=%2Ftwilio%2Fvoice%2Fclinic&streamed=1", action);
        await using MediaStreamsClient client = await PlayAsync(host, parameters);
        Assert.Equal(WholeClip(), client.Audio);

        await AssertActionGoesToClinicAsync(host, action);
    }

    [Fact]
    public async Task Announce_AutoPlayback_StreamsAMissAndPlaysWhatIsCached()
    {
        await using ServerHost host = Start("Auto");
        const string Path = "/twilio/announce?text=Your%20table%20is%20ready.&voice=Leda";

        TwiML miss = await host.PostWebhookAsync(Path, Call());
        Assert.Equal(["Connect"], miss.Verbs);
        await using (MediaStreamsClient client = await PlayAsync(host, MediaStreamsClient.StreamOf(miss).Parameters))
        {
            Assert.Equal(WholeClip(), client.Audio);
        }

        // The streamed audio was cached: the next call gets <Play> of it.
        await Wait.UntilAsync(async () => (await host.PostWebhookAsync(Path, Call())).Verbs.SequenceEqual(["Play"]), "the streamed announcement is cached and played");
    }

    [Fact]
    public async Task Announce_BadPlaybackValue_IsLoggedAndPlaysAsUsual()
    {
        await using ServerHost host = Start("Off");

        TwiML twiml = await host.PostWebhookAsync("/twilio/announce?text=Hello%20there.&voice=Leda&playback=loud", Call());

        Assert.Contains(twiml.Verbs[0], (string[])["Play", "Say"]);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("'playback' other than stream or play", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_PlaybackStream_AnswersARedirectWhoseAnswerStreamsThenGoesToNext()
    {
        await using ServerHost host = Start("Off");

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements",
            """{"text":"Your table is ready.","voice":"Leda","playback":"stream","next":"/twilio/voice/clinic"}""");

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        System.Xml.Linq.XElement twiml = System.Xml.Linq.XElement.Parse(JsonDocument.Parse(body).RootElement.GetProperty("twiml").GetString()!);
        string redirect = Assert.Single(twiml.Elements("Redirect")).Value;
        Assert.StartsWith($"{ServerHost.PublicBaseUrl}/twilio/announce/signed?a=", redirect, StringComparison.Ordinal);
        Assert.Equal("POST", twiml.Element("Redirect")!.Attribute("method")?.Value);

        // Twilio follows the redirect with the call's parameters: the stream is signed for that call.
        TwiML answer = await host.PostWebhookAsync(ServerHost.LocalPath(redirect), Call());
        Assert.Equal(["Connect"], answer.Verbs);
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(answer);
        await using MediaStreamsClient client = await PlayAsync(host, parameters);
        Assert.Equal(WholeClip(), client.Audio);
        await AssertActionGoesToClinicAsync(host, action);
    }

    [Fact]
    public async Task Api_PlaybackStreamTooLongForAUrl_StreamsItThenGoesToNext()
    {
        await using ServerHost host = Start("Off");
        // 2,000 characters that do not compress: too long for a URL, so the announcement is kept server-side under a ticket.
        string text = string.Concat(Enumerable.Range(0, 2000).Select(i => (char)(0x4E00 + (i * 7919 % 20000))));

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements",
            JsonSerializer.Serialize(new { text, language = "cmn-CN", voice = "Leda", playback = "stream", next = "/twilio/voice/clinic" }));

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(0, _emulator.Submissions("gemini"));   // nothing rendered to sign it: the call streams it
        JsonElement signed = JsonDocument.Parse(body).RootElement;
        System.Xml.Linq.XElement twiml = System.Xml.Linq.XElement.Parse(signed.GetProperty("twiml").GetString()!);
        string redirect = Assert.Single(twiml.Elements("Redirect")).Value;
        Assert.DoesNotContain("a=", new Uri(redirect).Query, StringComparison.Ordinal);
        Assert.Contains("t=", new Uri(redirect).Query, StringComparison.Ordinal);
        Assert.True(redirect.Length < 400, redirect);

        TwiML answer = await host.PostWebhookAsync(ServerHost.LocalPath(redirect), Call());
        Assert.Equal(["Connect"], answer.Verbs);
        (_, Dictionary<string, string> parameters, string action) = MediaStreamsClient.StreamOf(answer);
        Assert.All(parameters, p => Assert.True(p.Key.Length + p.Value.Length < 500, $"{p.Key} is over Twilio's 500 characters"));
        await using MediaStreamsClient client = await PlayAsync(host, parameters);
        Assert.Equal(WholeClip(), client.Audio);
        Assert.Contains(_emulator.RequestsTo("gemini"), r => r.Path.Contains(":streamGenerateContent?alt=sse", StringComparison.Ordinal));
        await AssertActionGoesToClinicAsync(host, action);

        // The audio URL names the same ticket and serves the announcement too.
        using HttpResponseMessage audio = await host.UnsignedClient.GetAsync(ServerHost.LocalPath(signed.GetProperty("url").GetString()!));
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Api_PlaybackStreamTicketNoLongerHeld_PlaysNothingAndGoesToNext()
    {
        await using ServerHost host = Start("Off");
        string text = string.Concat(Enumerable.Range(0, 2000).Select(i => (char)(0x4E00 + (i * 7919 % 20000))));
        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements",
            JsonSerializer.Serialize(new { text, language = "cmn-CN", voice = "Leda", playback = "stream", next = "/twilio/voice/clinic" }));
        JsonElement signed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        string redirect = System.Xml.Linq.XElement.Parse(signed.GetProperty("twiml").GetString()!).Element("Redirect")!.Value;
        string ticket = Regex.Match(redirect, "[?&]t=([^&]+)").Groups[1].Value;
        Assert.NotNull(await host.Service<IvrVoice.Caching.IHandoffStore>().TakeAsync("announcement:" + Uri.UnescapeDataString(ticket), CancellationToken.None));

        TwiML answer = await host.PostWebhookAsync(ServerHost.LocalPath(redirect), Call());
        using HttpResponseMessage audio = await host.UnsignedClient.GetAsync(ServerHost.LocalPath(signed.GetProperty("url").GetString()!));

        Assert.Equal(["Redirect"], answer.Verbs);
        Assert.Equal(HttpStatusCode.NotFound, audio.StatusCode);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Api_SignedStreamUrlTampered_PlaysNothingAndGoesToNext()
    {
        await using ServerHost host = Start("Off");
        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements",
            """{"text":"Your table is ready.","voice":"Leda","playback":"stream","next":"/twilio/voice/clinic"}""");
        string redirect = System.Xml.Linq.XElement.Parse(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("twiml").GetString()!)
            .Element("Redirect")!.Value;
        string tampered = Regex.Replace(ServerHost.LocalPath(redirect), "exp=([0-9]+)", m => "exp=" + (long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1));

        TwiML answer = await host.PostWebhookAsync(tampered, Call());

        Assert.Equal(["Redirect"], answer.Verbs);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Theory]
    [InlineData("""{"text":"Hi.","voice":"Leda","playback":"loud"}""", "\\\"playback\\\" must be")]
    [InlineData("""{"text":"Hi.","voice":"Leda","next":"/twilio/voice/clinic"}""", "\\\"next\\\" goes with")]
    [InlineData("""{"text":"Hi.","voice":"Leda","playback":"stream","next":"ftp://x"}""", "\\\"next\\\" must be")]
    public async Task Api_BadPlaybackOrNext_Is400(string json, string detail)
    {
        await using ServerHost host = Start("Off");

        using HttpResponseMessage response = await host.PostJsonAsync("/api/announcements", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
