extern alias emulator;

using System.Net;
using System.Text.RegularExpressions;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Server.Tests;

/// <summary>The Twilio webhooks against the real app, a test library and the provider emulator: signatures, menus, choices and retries.</summary>
public sealed partial class VoiceWebhookTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly string EntryPath = $"/twilio/voice/{TestLibrary.Flow}";
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task EnterFlow_SignedPost_PlaysEntryMenuInsideGather()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync(EntryPath);

        Assert.Equal(["Gather", "Redirect"], twiml.Verbs);
        string expectedAction = $"{ServerHost.PublicBaseUrl}/twilio/voice/clinic/gather/welcome?lang=en-US&noinput=0&invalid=0";
        Assert.Equal(expectedAction, twiml.GatherAction);
        Assert.Equal(expectedAction, twiml.Root.Element("Redirect")!.Value);
        Assert.Equal("POST", twiml.Gather!.Attribute("method")?.Value);
        Assert.Equal("dtmf speech", twiml.Gather.Attribute("input")?.Value);
        Assert.Equal("1", twiml.Gather.Attribute("numDigits")?.Value);
        Assert.Equal("5", twiml.Gather.Attribute("timeout")?.Value);
        Assert.Equal("true", twiml.Gather.Attribute("actionOnEmptyResult")?.Value);
        Assert.Equal("en-US", twiml.Gather.Attribute("language")?.Value);
        Assert.Contains("pay my bill", twiml.Gather.Attribute("hints")?.Value);
        string play = Assert.Single(twiml.Gather.Elements("Play")).Value;
        Assert.Matches(PromptUrl(), play);
        Assert.Empty(twiml.Says);
        Assert.Equal(1, _emulator.Submissions("gemini"));

        using HttpResponseMessage audio = await host.Client.GetAsync(ServerHost.LocalPath(play));
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task EnterFlow_SecondCall_PlaysCachedPromptWithoutRendering()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML first = await host.PostWebhookAsync(EntryPath, ServerHost.CallParameters("CA00000000000000000000000000000001"));
        TwiML second = await host.PostWebhookAsync(EntryPath, ServerHost.CallParameters("CA00000000000000000000000000000002"));

        Assert.Equal(first.PlayUrls, second.PlayUrls);
        Assert.Equal(1, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task EnterFlowAndGather_CachedPrompts_OneLogLinePerRequestSayingWhatTheCallDid()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        await host.PostWebhookAsync(EntryPath, ServerHost.CallParameters("CA00000000000000000000000000000001"));   // renders and caches
        await host.PostWebhookAsync(GatherPath("welcome"), Answer(digits: "1"));
        await Wait.UntilAsync(() => Task.FromResult(OurLines(host).Count(l => l.Contains(" chose ", StringComparison.Ordinal)) == 1), "the gather's line");
        int before = OurLines(host).Length;

        await host.PostWebhookAsync(EntryPath, ServerHost.CallParameters("CA00000000000000000000000000000002"));
        await host.PostWebhookAsync(GatherPath("welcome"), Answer(digits: "1"));
        await Wait.UntilAsync(() => Task.FromResult(OurLines(host).Length >= before + 2), "two more request lines");
        await Task.Delay(200);   // room for a second line per request, were one written

        string[] lines = OurLines(host)[before..];
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"HTTP POST {EntryPath} responded 200 in ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith($"ms: call CA00000000000000000000000000000002 entered flow {TestLibrary.Flow}", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"HTTP POST /twilio/voice/{TestLibrary.Flow}/gather/welcome responded 200 in ", lines[1], StringComparison.Ordinal);
        Assert.Contains($" chose 1: ", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains(ServerHost.CallerNumber, StringComparison.Ordinal));

        // The service's own lines at Information and above; ASP.NET Core's are Warning and above in the shipped settings.
        static string[] OurLines(ServerHost host) =>
            [.. host.Logs.Entries.Where(e => e.Level >= LogLevel.Information && e.Category.StartsWith("IvrVoice", StringComparison.Ordinal)).Select(e => e.Message)];
    }

    [Fact]
    public async Task EnterFlow_CallSidNotInTwilioForm_RequestLineSaysQuestionMarkAndStaysOneLine()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string forged = "CA1 entered flow x\nHTTP POST /admin responded 200 in 0.1 ms" + new string('z', 4000);
        Dictionary<string, string> call = ServerHost.CallParameters("CA00000000000000000000000000000009");
        call["CallSid"] = forged;

        await host.PostWebhookAsync(EntryPath, call);
        await Wait.UntilAsync(() => Task.FromResult(host.Logs.Entries.Any(e => e.Message.Contains(" entered flow ", StringComparison.Ordinal))), "the request line");

        string line = host.Logs.Entries.Single(e => e.Message.Contains(" entered flow ", StringComparison.Ordinal)).Message;
        Assert.EndsWith($"ms: call ? entered flow {TestLibrary.Flow}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("/admin", StringComparison.Ordinal) || e.Message.Contains("zzzz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnterFlow_SignedWithAnotherToken_Returns403AndLogsTheReason()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.Client.SendAsync(
            ServerHost.SignedPost(EntryPath, ServerHost.CallParameters(), token: "ffffffffffffffffffffffffffffffff"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(host.Logs.Contains(LogLevel.Warning, $"Refused request to {EntryPath}: signature mismatch"));
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Fact]
    public async Task EnterFlow_NoSignature_Returns403()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.Client.PostAsync(EntryPath, new FormUrlEncodedContent(ServerHost.CallParameters()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "missing X-Twilio-Signature header"));
    }

    [Fact]
    public async Task Gather_FormChangedAfterSigning_Returns403()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        Dictionary<string, string> signed = ServerHost.CallParameters();
        signed["Digits"] = "1";
        string path = "/twilio/voice/clinic/gather/welcome?lang=en-US&noinput=0&invalid=0";
        string signature = TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + path, signed);
        Dictionary<string, string> sent = new(signed) { ["Digits"] = "0" };
        using HttpRequestMessage request = new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(sent) };
        request.Headers.Add(TwilioSignature.HeaderName, signature);

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Gather_StateChangedAfterSigning_Returns403()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        Dictionary<string, string> form = ServerHost.CallParameters();
        string signature = TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + "/twilio/voice/clinic/gather/welcome?lang=en-US&noinput=0&invalid=0", form);
        using HttpRequestMessage request = new(HttpMethod.Post, "/twilio/voice/clinic/gather/welcome?lang=en-US&noinput=0&invalid=1") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.HeaderName, signature);

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task EnterFlow_UnknownFlow_ApologisesAndHangsUpWith200()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync("/twilio/voice/no-such-flow");

        Assert.Equal(["Say", "Hangup"], twiml.Verbs);
        Assert.Equal("Polly.Joanna-Neural", twiml.Says[0].Attribute("voice")?.Value);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "asked for flow no-such-flow, which the library does not have"));
    }

    [Fact]
    public async Task Gather_DigitsOfAGotoChoice_PlaysThatMenu()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync(GatherPath("welcome"), Answer(digits: "1"));

        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("billing")}", twiml.GatherAction);
        Assert.Equal("dtmf", twiml.Gather!.Attribute("input")?.Value);
        Assert.Null(twiml.Gather.Attribute("language"));
        Assert.Single(twiml.Gather.Elements("Play"));
    }

    [Fact]
    public async Task Gather_SpeechContainingAPhrase_ChoosesThatChoice()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync(GatherPath("welcome"), Answer(speech: "Yes, I'd like to pay my bill, please."));

        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("billing")}", twiml.GatherAction);
    }

    [Fact]
    public async Task Gather_LanguageChoice_ContinuesTheCallInThatLanguage()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        TwiML english = await host.PostWebhookAsync(EntryPath);

        TwiML spanish = await host.PostWebhookAsync(GatherPath("welcome"), Answer(digits: "2"));

        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("welcome", "es-US")}", spanish.GatherAction);
        Assert.Equal("es-US", spanish.Gather!.Attribute("language")?.Value);
        Assert.Contains("facturación", spanish.Gather.Attribute("hints")?.Value);
        Assert.NotEqual(english.PlayUrls, spanish.PlayUrls);

        // Speech is now matched against the Spanish phrases.
        TwiML billing = await host.PostWebhookAsync(GatherPath("welcome", "es-US"), Answer(speech: "Facturacion, por favor"));
        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("billing", "es-US")}", billing.GatherAction);
    }

    [Fact]
    public async Task Gather_DialChoice_AnnouncesOutsideTheGatherThenDials()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync(GatherPath("welcome"), Answer(digits: "0"));

        Assert.Equal(["Play", "Dial"], twiml.Verbs);
        Assert.Equal(TestLibrary.FrontDesk, twiml.Root.Element("Dial")!.Value);
    }

    [Fact]
    public async Task Gather_RedirectChoiceWithAPath_RedirectsOnThePublicBaseUrl()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync(GatherPath("welcome"), Answer(digits: "8"));

        Assert.Equal(["Play", "Redirect"], twiml.Verbs);
        Assert.Equal(ServerHost.PublicBaseUrl + TestLibrary.RedirectTarget, twiml.Root.Element("Redirect")!.Value);
        Assert.Equal("POST", twiml.Root.Element("Redirect")!.Attribute("method")?.Value);
    }

    [Fact]
    public async Task Gather_ReturnChoice_ReplaysTheMenuWithoutCountingARetry()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync(GatherPath("welcome", noInput: 1), Answer(digits: "9"));

        Assert.Equal(["Gather", "Redirect"], twiml.Verbs);
        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("welcome", noInput: 1)}", twiml.GatherAction);
    }

    [Fact]
    public async Task Gather_Silence_ReplaysWithTheNoInputPromptThenTakesTheNoInputAction()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML retry = await host.PostWebhookAsync(GatherPath("welcome"), Answer());
        TwiML giveUp = await host.PostWebhookAsync(GatherPath("welcome", noInput: 1), Answer());

        Assert.Equal(["Play", "Gather", "Redirect"], retry.Verbs);
        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("welcome", noInput: 1)}", retry.GatherAction);
        Assert.Equal(["Play", "Hangup"], giveUp.Verbs);
    }

    [Fact]
    public async Task Gather_AnswerMatchingNoChoice_ReplaysWithTheInvalidPromptThenTakesTheInvalidAction()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML retry = await host.PostWebhookAsync(GatherPath("welcome"), Answer(digits: "7"));
        TwiML giveUp = await host.PostWebhookAsync(GatherPath("welcome", invalid: 1), Answer(digits: "7"));

        Assert.Equal(["Play", "Gather", "Redirect"], retry.Verbs);
        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("welcome", invalid: 1)}", retry.GatherAction);
        Assert.Equal(["Play", "Dial"], giveUp.Verbs);
    }

    [Fact]
    public async Task Gather_MenuTheFlowDoesNotHave_StartsTheFlowOver()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        TwiML twiml = await host.PostWebhookAsync("/twilio/voice/clinic/gather/removed-menu?lang=en-US&noinput=0&invalid=0", Answer(digits: "1"));

        Assert.Equal($"{ServerHost.PublicBaseUrl}{GatherPath("welcome")}", twiml.GatherAction);
    }

    [Fact]
    public async Task EnterFlow_SampleLibraryMainFlow_AsksForTheLanguageInBoth()
    {
        await using ServerHost host = ServerHost.Start(_emulator, RepositoryPaths.SamplePrompts);

        TwiML twiml = await host.PostWebhookAsync("/twilio/voice/main");

        Assert.Equal(["Gather", "Redirect"], twiml.Verbs);
        Assert.Equal(2, twiml.Gather!.Elements("Play").Count());
        Assert.StartsWith($"{ServerHost.PublicBaseUrl}/twilio/voice/main/gather/", twiml.GatherAction, StringComparison.Ordinal);
    }

    internal static string GatherPath(string menu, string language = "en-US", int noInput = 0, int invalid = 0) =>
        $"/twilio/voice/{TestLibrary.Flow}/gather/{menu}?lang={language}&noinput={noInput}&invalid={invalid}";

    internal static Dictionary<string, string> Answer(string? digits = null, string? speech = null)
    {
        Dictionary<string, string> form = ServerHost.CallParameters();
        if (digits is not null)
        {
            form["Digits"] = digits;
        }

        if (speech is not null)
        {
            form["SpeechResult"] = speech;
            form["Confidence"] = "0.92";
        }

        return form;
    }

    internal static TtsEmulator Reset(TtsEmulator emulator)
    {
        emulator.ClearFaults();
        emulator.ClearRecords();
        return emulator;
    }

    [GeneratedRegex(@"^https://ivr\.example\.test/prompts/[0-9a-f]{64}\.wav$")]
    internal static partial Regex PromptUrl();
}
