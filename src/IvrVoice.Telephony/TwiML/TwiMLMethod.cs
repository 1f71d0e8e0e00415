namespace IvrVoice.Telephony.TwiML;

/// <summary>The HTTP method Twilio uses to request an action or redirect URL.</summary>
public enum TwiMLMethod
{
    /// <summary><c>POST</c>, Twilio's default: call parameters travel in the form body.</summary>
    Post,

    /// <summary><c>GET</c>: call parameters travel in the query string.</summary>
    Get,
}
