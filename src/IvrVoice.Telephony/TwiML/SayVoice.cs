namespace IvrVoice.Telephony.TwiML;

/// <summary>A Twilio <c>&lt;Say&gt;</c> voice and the language to speak it in, e.g. <c>Polly.Joanna-Neural</c> / <c>en-US</c>.</summary>
/// <param name="Voice">The <c>voice</c> attribute.</param>
/// <param name="Language">The <c>language</c> attribute.</param>
public readonly record struct SayVoice(string Voice, string Language);
