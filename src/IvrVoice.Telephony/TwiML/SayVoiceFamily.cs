namespace IvrVoice.Telephony.TwiML;

/// <summary>Which of Twilio's text-to-speech families <see cref="SayFallback.MapVoice"/> tries first.</summary>
public enum SayVoiceFamily
{
    /// <summary>Amazon Polly neural voices, chosen by language and by the Gemini voice's gender.</summary>
    PollyNeural,

    /// <summary>Google Chirp 3 HD voices, which share names and timbre with eight of the Gemini voices.</summary>
    GoogleChirp3HD,
}
