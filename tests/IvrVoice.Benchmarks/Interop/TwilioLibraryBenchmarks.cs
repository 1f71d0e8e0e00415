using BenchmarkDotNet.Attributes;
using IvrVoice.Benchmarks.Audio;
using IvrVoice.Telephony.Signatures;
using IvrVoice.Telephony.TwiML;
using Microsoft.Extensions.Primitives;
using TwilioGather = Twilio.TwiML.Voice.Gather;
using TwilioValidator = Twilio.Security.RequestValidator;
using TwilioVoiceResponse = Twilio.TwiML.VoiceResponse;

namespace IvrVoice.Benchmarks.Interop;

/// <summary>
/// What every call step does, in IvrVoice.Telephony and in Twilio's C# library 8.2.0 (what a .NET developer would otherwise
/// pick): build the menu document a call flow answers (a Gather with a Play and a Say, a Redirect, a Dial, a Hangup) and
/// write it as a string; and check a voice webhook's X-Twilio-Signature (HMAC-SHA1 over the URL and the sorted form).
/// The documents are the same (TwilioCSharpOracleTests.VoiceResponse_MenuDocument_SameAsTwilioBuilder).
/// </summary>
[Config(typeof(AudioBenchmarkConfig))]
public class TwilioLibraryBenchmarks
{
    private const string Action = "https://ivr.example.com/twilio/voice/main/gather/welcome?lang=en-US&noinput=0";
    private const string Token = "f4c1d5a2b9e8437a8d1c2b3a4f5e6d7c";
    private const string WebhookUrl = "https://ivr.example.com/twilio/voice/main";

    private static readonly Dictionary<string, string> s_form = new(StringComparer.Ordinal)
    {
        ["AccountSid"] = "AC00000000000000000000000000000000", ["CallSid"] = "CA11111111111111111111111111111111",
        ["From"] = "+14155550100", ["To"] = "+14155550199", ["CallStatus"] = "in-progress", ["Direction"] = "inbound",
        ["Digits"] = "1", ["ApiVersion"] = "2010-04-01", ["CallerCountry"] = "US", ["ToCountry"] = "US",
    };

    private readonly TwilioRequestValidator _ours = new(Token);
    private readonly TwilioValidator _theirs = new(Token);
    private readonly KeyValuePair<string, StringValues>[] _ourForm = [.. s_form.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value))];
    private readonly string _signature = TwilioSignature.Compute(Token, WebhookUrl, s_form);

    [Benchmark(Baseline = true, Description = "IvrVoice VoiceResponse, menu document -> string")]
    public string OurTwiml() => new VoiceResponse()
        .Gather(
            new GatherOptions
            {
                Action = Action, Method = TwiMLMethod.Post, Input = GatherInput.Dtmf | GatherInput.Speech, NumDigits = 1, Timeout = 5,
                ActionOnEmptyResult = true, Language = "en-US", Hints = "billing, pay my bill",
            },
            prompts => prompts.Play("https://ivr.example.com/prompts/ab.wav").Say("Press 1 & say <billing>.", "Polly.Joanna-Neural", "en-US"))
        .Redirect(Action, TwiMLMethod.Post)
        .Dial("+15035550140")
        .Hangup()
        .ToXml();

    [Benchmark(Description = "Twilio 8.2.0 VoiceResponse, menu document -> string (peer)")]
    public string TwilioTwiml()
    {
        TwilioVoiceResponse response = new();
        TwilioGather gather = new(
            input: [TwilioGather.InputEnum.Dtmf, TwilioGather.InputEnum.Speech], action: new Uri(Action), method: Twilio.Http.HttpMethod.Post,
            numDigits: 1, timeout: 5, actionOnEmptyResult: true, language: "en-US", hints: "billing, pay my bill");
        gather.Play(new Uri("https://ivr.example.com/prompts/ab.wav"));
        gather.Say("Press 1 & say <billing>.", voice: "Polly.Joanna-Neural", language: "en-US");
        response.Append(gather);
        response.Redirect(new Uri(Action), method: Twilio.Http.HttpMethod.Post);
        response.Dial("+15035550140");
        response.Hangup();
        return response.ToString();
    }

    [Benchmark(Description = "IvrVoice TwilioRequestValidator, HMAC-SHA1, 10 fields")]
    public TwilioSignatureCheck OurValidator() => _ours.Validate(WebhookUrl, _signature, _ourForm);

    [Benchmark(Description = "Twilio 8.2.0 RequestValidator, HMAC-SHA1, 10 fields (peer)")]
    public bool TwilioValidatorCheck() => _theirs.Validate(WebhookUrl, s_form, _signature);
}
