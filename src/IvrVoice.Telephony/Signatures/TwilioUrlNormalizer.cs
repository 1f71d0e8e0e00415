using System.Globalization;
using System.Text;

namespace IvrVoice.Telephony.Signatures;

/// <summary>
/// The fallback forms of a request URL that the official Node library also accepts, for back ends that signed an escaped
/// form of the URL (e.g. <c>%27</c> for <c>'</c>): the URL as a WHATWG URL parser serialises it, and that URL with its query
/// re-encoded the way Node's legacy <c>querystring</c> module does. Covers http and https URLs; anything else yields nothing.
/// </summary>
internal static class TwilioUrlNormalizer
{
    public static IEnumerable<string> FallbackForms(string url)
    {
        string? normalized = Normalize(url);
        if (normalized is null) yield break;
        string withoutPort = TwilioUrlVariants.RemovePort(normalized);
        string withPort = TwilioUrlVariants.AddDefaultPort(normalized);
        yield return withoutPort;
        yield return withPort;
        yield return WithLegacyQuery(withoutPort);
        yield return WithLegacyQuery(withPort);
    }

    /// <summary>WHATWG serialisation of an http(s) URL: lowercase scheme and host, default port dropped, dot segments resolved,
    /// and the characters outside each component's allowed set percent-encoded. Existing escapes are kept.</summary>
    internal static string? Normalize(string url)
    {
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return null;
        string scheme = url[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("http" or "https")) return null;
        string rest = url[(schemeEnd + 3)..].Replace('\\', '/');

        int authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        string authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        rest = authorityEnd < 0 ? "" : rest[authorityEnd..];

        int at = authority.LastIndexOf('@');
        string userInfo = at < 0 ? "" : authority[..(at + 1)];
        string hostAndPort = authority[(at + 1)..];
        int colon = hostAndPort.IndexOf(':', hostAndPort.LastIndexOf(']') + 1);
        string host = (colon < 0 ? hostAndPort : hostAndPort[..colon]).ToLowerInvariant();
        if (host.Length == 0) return null;
        string port = colon < 0 ? "" : hostAndPort[(colon + 1)..];
        if (port.Length > 0)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 65535) return null;
            port = number == (scheme == "https" ? 443 : 80) ? "" : ":" + number.ToString(CultureInfo.InvariantCulture);
        }

        int fragmentStart = rest.IndexOf('#', StringComparison.Ordinal);
        string fragment = fragmentStart < 0 ? "" : rest[fragmentStart..];
        if (fragmentStart >= 0) rest = rest[..fragmentStart];
        int queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        string query = queryStart < 0 ? "" : rest[queryStart..];
        string path = queryStart < 0 ? rest : rest[..queryStart];

        return $"{scheme}://{userInfo}{host}{port}{Encode(ResolveDotSegments(path), PathSet)}"
            + (query.Length > 0 ? "?" + Encode(query[1..], QuerySet) : "")
            + (fragment.Length > 0 ? "#" + Encode(fragment[1..], FragmentSet) : "");
    }

    /// <summary>Re-encodes the query as Node's <c>querystring.stringify(querystring.parse(query))</c> does.</summary>
    internal static string WithLegacyQuery(string url)
    {
        int queryStart = url.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0 || queryStart == url.Length - 1) return url;
        // Keys keep first-appearance order, except that JavaScript objects list array-index keys first, in numeric order.
        List<(string Key, List<string> Values)> pairs = [];
        Dictionary<string, List<string>> byKey = new(StringComparer.Ordinal);
        foreach (string part in url[(queryStart + 1)..].Split('&'))
        {
            if (part.Length == 0) continue;
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string key = Unescape(equals < 0 ? part : part[..equals]);
            string value = equals < 0 ? "" : Unescape(part[(equals + 1)..]);
            if (!byKey.TryGetValue(key, out List<string>? values))
            {
                byKey[key] = values = [];
                pairs.Add((key, values));
            }
            values.Add(value);
        }
        IEnumerable<(string Key, List<string> Values)> ordered = pairs
            .Where(p => IsArrayIndex(p.Key)).OrderBy(p => uint.Parse(p.Key, CultureInfo.InvariantCulture))
            .Concat(pairs.Where(p => !IsArrayIndex(p.Key)));
        string query = string.Join('&', ordered.SelectMany(p => p.Values.Select(v => Escape(p.Key) + "=" + Escape(v))));
        return url[..(queryStart + 1)] + query;
    }

    private static string ResolveDotSegments(string path)
    {
        if (path.Length == 0) return "/";
        string[] segments = path[1..].Split('/');
        List<string> output = [];
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            bool last = i == segments.Length - 1;
            if (IsDot(segment, 2))
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                if (last) output.Add("");
            }
            else if (IsDot(segment, 1))
            {
                if (last) output.Add("");
            }
            else
            {
                output.Add(segment);
            }
        }
        return "/" + string.Join('/', output);
    }

    private static bool IsDot(string segment, int dots) =>
        segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase) == new string('.', dots);

    private const string FragmentSet = " \"<>`";
    private const string QuerySet = " \"#<>'";
    private const string PathSet = " \"#<>?`{}";

    private static string Encode(string component, string extraCharacters)
    {
        StringBuilder output = new(component.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < component.Length; i++)
        {
            char c = component[i];
            if (c >= 0x20 && c < 0x7F && !extraCharacters.Contains(c))
            {
                output.Append(c);
                continue;
            }
            int length = char.IsHighSurrogate(c) && i + 1 < component.Length && char.IsLowSurrogate(component[i + 1])
                ? Encoding.UTF8.GetBytes(component.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(char.IsSurrogate(c) ? "\uFFFD" : c.ToString(), utf8);
            foreach (byte b in utf8[..length]) output.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return output.ToString();
    }

    // querystring.escape leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) and percent-encodes the UTF-8 bytes of everything else.
    private static string Escape(string value)
    {
        StringBuilder output = new(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')') output.Append(c);
            else output.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return output.ToString();
    }

    // querystring.unescape after '+' becomes a space: valid %XX escapes become bytes, anything else stays as written.
    private static string Unescape(string value)
    {
        value = value.Replace('+', ' ');
        if (!value.Contains('%', StringComparison.Ordinal)) return value;
        List<byte> bytes = new(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && char.IsAsciiHexDigit(value[i + 1]) && char.IsAsciiHexDigit(value[i + 2]))
            {
                bytes.Add(byte.Parse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                int length = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(value.Substring(i, length)));
                i += length - 1;
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsArrayIndex(string key) =>
        key.Length > 0 && (key == "0" || key[0] != '0') && key.All(char.IsAsciiDigit)
        && uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out uint index) && index < uint.MaxValue;
}
