namespace IvrVoice.Telephony.Signatures;

/// <summary>
/// The forms of a request URL a signature may have been computed over. Twilio's back end is inconsistent about ports,
/// so, like the official libraries, the URL is tried with its port removed and with the scheme's default port added.
/// </summary>
internal static class TwilioUrlVariants
{
    public static IReadOnlyList<string> For(string url)
    {
        string withoutPort = RemovePort(url);
        string withPort = AddDefaultPort(url);
        return withoutPort == withPort ? [withoutPort] : [withoutPort, withPort];
    }

    public static string RemovePort(string url) =>
        TrySplit(url, out UrlParts parts) ? parts.Scheme + parts.UserInfo + parts.Host + parts.Rest : url;

    public static string AddDefaultPort(string url)
    {
        if (!TrySplit(url, out UrlParts parts) || parts.Port.Length > 0) return url;
        string port = parts.Scheme.Equals("https://", StringComparison.OrdinalIgnoreCase) ? ":443" : ":80";
        return parts.Scheme + parts.UserInfo + parts.Host + port + parts.Rest;
    }

    // Splits without normalising anything (no re-encoding, no case changes), so every other character stays as Twilio signed it.
    private static bool TrySplit(string url, out UrlParts parts)
    {
        parts = default;
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !char.IsAsciiLetter(url[0])) return false;
        for (int i = 1; i < schemeEnd; i++)
        {
            char c = url[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '.' or '-')) return false;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0) authorityEnd = url.Length;
        string authority = url[authorityStart..authorityEnd];
        int userInfoEnd = authority.LastIndexOf('@');
        string hostAndPort = authority[(userInfoEnd + 1)..];
        // A colon starts the port only after the closing bracket of an IPv6 literal.
        int portStart = hostAndPort.IndexOf(':', hostAndPort.LastIndexOf(']') + 1);
        parts = new UrlParts(
            url[..authorityStart],
            authority[..(userInfoEnd + 1)],
            portStart < 0 ? hostAndPort : hostAndPort[..portStart],
            portStart < 0 ? "" : hostAndPort[portStart..],
            url[authorityEnd..]);
        return true;
    }

    private readonly record struct UrlParts(string Scheme, string UserInfo, string Host, string Port, string Rest);
}
