namespace IvrVoice.Telephony.TwiML;

/// <summary>The prompts nested in a <c>&lt;Gather&gt;</c>; the caller can answer while they play.</summary>
public sealed class GatherPrompts
{
    private readonly TwiMLElement _gather;

    internal GatherPrompts(TwiMLElement gather) => _gather = gather;

    /// <summary>Adds <c>&lt;Say&gt;</c>; see <see cref="VoiceResponse.Say"/>.</summary>
    public GatherPrompts Say(string text, string? voice = null, string? language = null, int? loop = null)
    {
        _gather.Add(Verbs.Say(text, voice, language, loop));
        return this;
    }

    /// <summary>Adds <c>&lt;Play&gt;</c>; see <see cref="VoiceResponse.Play"/>.</summary>
    public GatherPrompts Play(string? url = null, int? loop = null, string? digits = null)
    {
        _gather.Add(Verbs.Play(url, loop, digits));
        return this;
    }

    /// <summary>Adds <c>&lt;Say&gt;</c> standing in for a Gemini voice; see <see cref="VoiceResponse.SayFallback"/>.</summary>
    public GatherPrompts SayFallback(string text, string? geminiVoice, string? language, int? loop = null, SayVoiceFamily family = SayVoiceFamily.PollyNeural)
    {
        _gather.Add(TwiML.SayFallback.CreateElement(text, geminiVoice, language, loop, family));
        return this;
    }
}
