extern alias emulator;

using System.Net;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio;
using IvrVoice.Library;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Server.Voice;

namespace IvrVoice.Server.Tests;

/// <summary>Template announcements over a Media Stream: a join of cached pieces is sent at once, asking no provider.</summary>
public sealed class StreamedTemplateTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string CallSid = "CA7000000000000000000000000000000c";
    private readonly TemplateTestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Menu_JoinableTemplateInAStreamedMenu_SendsTheJoinAtOnceWithoutAProvider()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder, new Dictionary<string, string?> { ["Streaming:Playback"] = "Always" });
        await BuildPiecesAsync(host, "balance");
        byte[] welcome = await WarmAsync(host, "welcome");
        byte[] joined = await JoinedAsync(host);

        // The main menu (four digits, key presses only) plays the balance with the amount from the query, then the welcome.
        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TemplateTestLibrary.Flow}?amount=12.50", ServerHost.CallParameters(CallSid));
        Assert.Equal(["Connect"], twiml.Verbs);
        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, MediaStreamsClient.StreamOf(twiml).Parameters);
        await client.ReadAsync();

        Assert.Equal([.. joined, .. welcome], client.Audio);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task Api_JoinableTemplateWithPlaybackStream_SendsTheJoinAtOnceWithoutAProvider()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        await BuildPiecesAsync(host, "balance");
        byte[] joined = await JoinedAsync(host);

        using HttpResponseMessage signed = await host.PostJsonAsync("/api/announcements",
            """{"prompt":"balance","language":"en-US","values":{"amount":"12.50"},"playback":"stream"}""");
        string body = await signed.Content.ReadAsStringAsync();
        Assert.True(signed.StatusCode == HttpStatusCode.OK, body);
        string redirect = System.Xml.Linq.XElement.Parse(JsonDocument.Parse(body).RootElement.GetProperty("twiml").GetString()!).Element("Redirect")!.Value;
        TwiML twiml = await host.PostWebhookAsync(ServerHost.LocalPath(redirect), ServerHost.CallParameters(CallSid));
        Assert.Equal(["Connect"], twiml.Verbs);
        await using MediaStreamsClient client = await MediaStreamsClient.ConnectAsync(host);
        await client.StartAsync(CallSid, MediaStreamsClient.StreamOf(twiml).Parameters);
        await client.ReadAsync();

        Assert.Equal(joined, client.Audio);
        Assert.Equal(0, _emulator.Submissions("gemini"));
        // No 'next': the action ends the call (an empty answer).
        TwiML next = await host.PostWebhookAsync(ServerHost.LocalPath(MediaStreamsClient.StreamOf(twiml).Action), ServerHost.CallParameters(CallSid));
        Assert.Empty(next.Verbs);
    }

    /// <summary>The μ-law samples of the balance joined for $12.50, as its signed audio URL serves them.</summary>
    private async Task<byte[]> JoinedAsync(ServerHost host)
    {
        using HttpResponseMessage signed = await host.PostJsonAsync("/api/announcements", """{"prompt":"balance","language":"en-US","values":{"amount":"12.50"}}""");
        string url = JsonDocument.Parse(await signed.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString()!;
        byte[] wav = await host.Client.GetByteArrayAsync(ServerHost.LocalPath(url));
        _emulator.ClearRecords();
        return MuLaw(wav);
    }

    private static byte[] MuLaw(ReadOnlySpan<byte> wav)
    {
        PcmAudio audio = AudioDecoder.Decode(wav);
        byte[] codes = new byte[audio.Samples.Length];
        IvrVoice.Audio.Codecs.G711.EncodeMuLaw(audio.Samples, codes);
        return codes;
    }

    private async Task BuildPiecesAsync(ServerHost host, string promptId)
    {
        CallFlows flows = host.Service<CallFlows>();
        LibraryPrompt prompt = flows.Library.Prompts.Single(p => p.Id == promptId && p.Language == "en-US");
        foreach (PromptSpec spec in TemplateAudioPlan.PrerenderSpecs(prompt.Template!, flows.SpecFor(prompt)))
        {
            await host.Service<PromptRenderer>().GetOrRenderAsync(spec, RenderUrgency.Batch, Caching.CacheMode.ReadWrite, CancellationToken.None);
        }

        _emulator.ClearRecords();
    }

    private async Task<byte[]> WarmAsync(ServerHost host, string promptId)
    {
        CallFlows flows = host.Service<CallFlows>();
        PromptSpec spec = flows.SpecFor(flows.Library.Prompts.Single(p => p.Id == promptId && p.Language == "en-US"));
        Caching.CachedPrompt cached = await host.Service<PromptRenderer>().GetOrRenderAsync(spec, RenderUrgency.Batch, Caching.CacheMode.ReadWrite, CancellationToken.None);
        _emulator.ClearRecords();
        return MuLaw(cached.Audio.Span);
    }
}
