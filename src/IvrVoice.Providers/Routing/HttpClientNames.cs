namespace IvrVoice.Providers.Routing;

internal static class HttpClientNames
{
    /// <summary>One named client per route, so connection pools and handler settings never mix across providers.</summary>
    public static string For(string route) => "ivrvoice-tts-" + route;
}
