using Microsoft.AspNetCore.Http;

namespace IvrVoice.Telephony.TwiML;

/// <summary>Minimal-API helpers: <c>Results.Extensions.TwiML(response)</c> and <c>response.ToResult()</c>.</summary>
public static class TwiMLResultExtensions
{
    /// <summary>Returns <paramref name="response"/> as a TwiML result.</summary>
    /// <exception cref="TwiMLTooLargeException">The document is over <see cref="VoiceResponse.MaxDocumentBytes"/>.</exception>
    public static TwiMLResult TwiML(this IResultExtensions resultExtensions, VoiceResponse response)
    {
        ArgumentNullException.ThrowIfNull(resultExtensions);
        return new TwiMLResult(response);
    }

    /// <summary>Returns the document as a TwiML result.</summary>
    /// <exception cref="TwiMLTooLargeException">The document is over <see cref="VoiceResponse.MaxDocumentBytes"/>.</exception>
    public static TwiMLResult ToResult(this VoiceResponse response) => new(response);
}
