namespace IvrVoice.Telephony;

/// <summary>URL forms Twilio uses.</summary>
public static class TwilioUrls
{
    /// <summary>
    /// The WebSocket form of an http(s) URL: https becomes wss, http becomes ws; anything else is returned as is. Twilio signs a
    /// Media Streams upgrade over the <c>wss://</c> URL of its <c>&lt;Stream url&gt;</c>.
    /// </summary>
    public static string WebSocketOrigin(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + url[8..]
            : url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + url[7..]
            : url;
    }
}
