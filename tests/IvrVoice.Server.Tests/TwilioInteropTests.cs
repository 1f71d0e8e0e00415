extern alias emulator;

using System.Net;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Server.Tests;

/// <summary>
/// The service against the official <c>twilio</c> npm package: webhooks it signs are accepted and altered ones refused, and
/// every kind of answer the call flows give rebuilds with its VoiceResponse into the same XML, with no unknown verb or attribute.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TwilioInteropTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);
    private TwilioLibraryOracle _twilio = null!;

    public Task InitializeAsync()
    {
        _twilio = TwilioLibraryOracle.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _twilio.DisposeAsync();
        _library.Dispose();
    }

    [Fact]
    public async Task Webhook_SignedByTheTwilioLibrary_IsAcceptedAndRefusedOnceAltered()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = VoiceWebhookTests.GatherPath("welcome");
        Dictionary<string, string> form = VoiceWebhookTests.Answer(speech: "Billing, please & thank you: 100% <sure>");
        string signature = await _twilio.SignAsync(ServerHost.AuthToken, ServerHost.PublicBaseUrl + path, form);
        Assert.Equal(TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + path, form), signature);

        using HttpResponseMessage accepted = await host.Client.SendAsync(Post(path, form, signature));
        using HttpResponseMessage alteredForm = await host.Client.SendAsync(Post(path, new Dictionary<string, string>(form) { ["SpeechResult"] = "Spanish" }, signature));
        using HttpResponseMessage alteredUrl = await host.Client.SendAsync(Post(path.Replace("noinput=0", "noinput=1", StringComparison.Ordinal), form, signature));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, alteredForm.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, alteredUrl.StatusCode);
    }

    [Fact]
    public async Task Answers_OfEveryKind_RebuildIdenticallyWithTheTwilioLibrary()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        List<TwiML> answers =
        [
            await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}"),                                          // Gather with Play, Redirect
            await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer()),          // Play, Gather, Redirect
            await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer("0")),       // Play, Dial
            await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer("8")),       // Play, Redirect
            await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome", noInput: 1), VoiceWebhookTests.Answer()), // Play, Hangup
            await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer("1")),       // dtmf-only Gather
            await host.PostWebhookAsync("/twilio/voice/unknown"),                                                      // Say, Hangup
            await host.PostWebhookAsync("/twilio/announce?text=Hello%20there&next=%2Ftwilio%2Fvoice%2Fclinic"),        // Play of the announced prompt
        ];
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        answers.Add(await host.PostWebhookAsync(VoiceWebhookTests.GatherPath("welcome"), VoiceWebhookTests.Answer("2")));   // Say fallback inside Gather

        foreach (TwiML answer in answers)
        {
            (string xml, IReadOnlyList<string> problems) = await _twilio.RebuildAsync(answer.Xml);
            Assert.Empty(problems);
            Assert.Equal(xml, answer.Xml);
        }
    }

    private static HttpRequestMessage Post(string path, IReadOnlyDictionary<string, string> form, string signature)
    {
        HttpRequestMessage request = new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.HeaderName, signature);
        return request;
    }
}
