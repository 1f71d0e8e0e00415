using System.Net;

namespace IvrVoice.Providers.Configuration;

/// <summary>Where keys may be sent and audio fetched from: https anywhere, plain http only to this machine.</summary>
internal static class SafeUrl
{
    public static bool IsAllowed(string? url) => Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && IsAllowed(uri);

    public static bool IsAllowed(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri));

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address) && IPAddress.IsLoopback(address));
}
