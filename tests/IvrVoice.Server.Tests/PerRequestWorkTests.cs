extern alias emulator;

using System.Net;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Library;
using IvrVoice.Prompts;
using IvrVoice.Server.Api;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Server.Voice;
using Microsoft.AspNetCore.Http;

namespace IvrVoice.Server.Tests;

/// <summary>Work a request needs is done once: prompt keys live with their specs, the API key is hashed once, cached announcements get a stable URL.</summary>
public sealed class PerRequestWorkTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    private static PromptSpec Spec(string text) => new()
    {
        Text = text,
        Voice = "Kore",
        Language = "en-US",
        Model = "gemini-3.1-flash-tts",
        Mastering = MasteringOptions.Default,
    };

    [Fact]
    public void PromptKeysFor_SameSpecTwice_ReturnsTheKeyComputedTheFirstTime()
    {
        PromptSpec spec = Spec("Your call is important to us.");

        PromptKey first = PromptKeys.For(spec);
        PromptKey second = PromptKeys.For(spec);

        // A fresh computation makes a new hex string; the same string instance is the memo.
        Assert.Same(first.ToString(), second.ToString());
        Assert.Equal(PromptKey.FromSha256(System.Security.Cryptography.SHA256.HashData(PromptKeys.CanonicalBytes(spec))), first);
    }

    [Fact]
    public void PromptKeysFor_CopyWithAnotherText_ComputesItsOwnKey()
    {
        PromptSpec original = Spec("Press one for billing.");
        PromptKey originalKey = PromptKeys.For(original);

        PromptSpec changed = original with { Text = "Press two for appointments." };
        PromptSpec same = original with { };

        Assert.NotEqual(originalKey, PromptKeys.For(changed));
        Assert.Equal(PromptKeys.For(Spec("Press two for appointments.")), PromptKeys.For(changed));
        Assert.Equal(originalKey, PromptKeys.For(same));
    }

    [Fact]
    public void PromptSpecEquality_KeyAskedOfOneOnly_StillEqual()
    {
        PromptSpec asked = Spec("Goodbye.");
        PromptSpec fresh = Spec("Goodbye.");
        _ = PromptKeys.For(asked);

        Assert.Equal(fresh, asked);
        Assert.Equal(fresh.GetHashCode(), asked.GetHashCode());
    }

    [Fact]
    public async Task Webhook_TwoCalls_UseTheFlowSpecsKeyWithoutRecomputing()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        CallFlows flows = host.Service<CallFlows>();
        LibraryPrompt welcome = flows.Library.Prompts.First(p => p.Id == "welcome" && p.Language == "en-US");
        string before = PromptKeys.For(flows.SpecFor(welcome)).ToString();

        TwiML first = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");
        TwiML second = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");

        Assert.Same(flows.SpecFor(welcome), flows.SpecFor(welcome));
        Assert.Same(before, PromptKeys.For(flows.SpecFor(welcome)).ToString());
        Assert.Equal($"{ServerHost.PublicBaseUrl}/prompts/{before}.wav", Assert.Single(first.PlayUrls));
        Assert.Equal(first.PlayUrls, second.PlayUrls);
    }

    [Fact]
    public async Task AnnounceWebhook_CachedText_PlaysTheImmutablePromptUrlOnEveryCall()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = "/twilio/announce?text=" + Uri.EscapeDataString("Your order 4411 ships tomorrow.") + "&voice=Puck";

        TwiML first = await host.PostWebhookAsync(path, ServerHost.CallParameters("CA00000000000000000000000000000001"));
        TwiML second = await host.PostWebhookAsync(path, ServerHost.CallParameters("CA00000000000000000000000000000002"));

        string play = Assert.Single(first.PlayUrls);
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(ServerHost.PublicBaseUrl)}/prompts/[0-9a-f]{{64}}\\.wav$", play);
        Assert.Equal(first.PlayUrls, second.PlayUrls);
        using HttpResponseMessage audio = await host.Client.GetAsync(ServerHost.LocalPath(play));
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Contains(audio.Headers.CacheControl!.Extensions, e => e.Name == "immutable");
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task ApiKeysMatch_SameRequestTwice_HashesOnceAndReusesTheAnswer()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        ApiKeys keys = host.Service<ApiKeys>();
        DefaultHttpContext context = new();
        context.Request.Headers[ApiKeys.HeaderName] = ServerHost.ApiKey;

        int first = keys.Match(context);
        // Had the header been read again, this would no longer match.
        context.Request.Headers[ApiKeys.HeaderName] = "not-the-key-at-all-0000";
        int second = keys.Match(context);

        Assert.Equal(0, first);
        Assert.Equal(0, second);
        Assert.Equal(-1, keys.Match(new DefaultHttpContext()));
    }
}
