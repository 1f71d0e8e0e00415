using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Announcements;

/// <summary>Text to speak through a dynamic announcement URL, with the settings that change its sound.</summary>
internal sealed record Announcement(string Text, string? Voice = null, string? Style = null, string? Language = null, string? Model = null);

/// <summary>Why a dynamic announcement URL was accepted or refused.</summary>
internal enum AnnouncementUrlCheck
{
    Valid,
    Unsigned,
    Malformed,
    SignatureMismatch,
    Expired,
}

/// <summary>
/// Signs and checks dynamic announcement URLs, <c>/announce.wav?exp=…&amp;text=…&amp;voice=…&amp;sig=…</c>, so only URLs this
/// service (or a holder of <c>Service:UrlSigningKey</c>) made can make it render. The signature is
/// Base64url(HMAC-SHA256(key, path + "?" + query)), where the query holds every parameter but <c>sig</c> as
/// <c>name=value</c> pairs, percent-encoded as RFC 3986 unreserved characters and sorted by name; <c>exp</c> is the expiry
/// in Unix seconds. Any parameter added, removed, repeated or changed breaks the signature.
/// </summary>
internal sealed class AnnouncementUrls
{
    public const string Path = "/announce.wav";

    internal const string SignatureParameter = "sig";
    internal const string ExpiryParameter = "exp";

    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public AnnouncementUrls(IOptions<ServiceOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ServiceOptions settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.UrlSigningKey))
        {
            _key = RandomNumberGenerator.GetBytes(32);
            KeyIsEphemeral = true;
        }
        else
        {
            _key = Encoding.UTF8.GetBytes(settings.UrlSigningKey.Trim());
        }

        _lifetime = settings.AnnouncementUrlLifetime;
        _time = time;
    }

    /// <summary>True when no key was configured and this process made its own: its URLs are valid on this process only.</summary>
    public bool KeyIsEphemeral { get; }

    /// <summary>The signed path and query for <paramref name="announcement"/>, valid until <paramref name="expires"/> (default: now plus <c>Service:AnnouncementUrlLifetime</c>).</summary>
    public string CreatePathAndQuery(Announcement announcement, DateTimeOffset? expires = null)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        long expiry = (expires ?? _time.GetUtcNow() + _lifetime).ToUnixTimeSeconds();
        List<KeyValuePair<string, string>> parameters = [new(ExpiryParameter, expiry.ToString(CultureInfo.InvariantCulture)), new("text", announcement.Text)];
        AddIfSet(parameters, "voice", announcement.Voice);
        AddIfSet(parameters, "style", announcement.Style);
        AddIfSet(parameters, "language", announcement.Language);
        AddIfSet(parameters, "model", announcement.Model);
        string query = CanonicalQuery(parameters);
        return $"{Path}?{query}&{SignatureParameter}={Sign(query)}";
    }

    /// <summary>Checks a request's query; on success returns the announcement it asks for.</summary>
    public AnnouncementUrlCheck Verify(IQueryCollection query, out Announcement? announcement)
    {
        ArgumentNullException.ThrowIfNull(query);
        announcement = null;
        if (!query.TryGetValue(SignatureParameter, out Microsoft.Extensions.Primitives.StringValues signatures) || string.IsNullOrEmpty(signatures.ToString()))
        {
            return AnnouncementUrlCheck.Unsigned;
        }

        List<KeyValuePair<string, string>> parameters = [];
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> parameter in query)
        {
            // A repeated name would let two readers see different values behind one signature.
            if (parameter.Value.Count != 1)
            {
                return AnnouncementUrlCheck.Malformed;
            }

            if (parameter.Key != SignatureParameter)
            {
                parameters.Add(new(parameter.Key, parameter.Value[0] ?? ""));
            }
        }

        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!TryDecodeSignature(signatures[0], presented))
        {
            return AnnouncementUrlCheck.Malformed;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Path + "?" + CanonicalQuery(parameters)), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return AnnouncementUrlCheck.SignatureMismatch;
        }

        string? expiryText = Find(parameters, ExpiryParameter);
        if (!long.TryParse(expiryText, NumberStyles.None, CultureInfo.InvariantCulture, out long expiry))
        {
            return AnnouncementUrlCheck.Malformed;
        }

        if (_time.GetUtcNow().ToUnixTimeSeconds() >= expiry)
        {
            return AnnouncementUrlCheck.Expired;
        }

        announcement = new Announcement(
            Find(parameters, "text") ?? "",
            Find(parameters, "voice"),
            Find(parameters, "style"),
            Find(parameters, "language"),
            Find(parameters, "model"));
        return AnnouncementUrlCheck.Valid;
    }

    /// <summary>Seconds until a verified URL expires, for its Cache-Control; 0 when already past.</summary>
    public int SecondsUntilExpiry(IQueryCollection query) =>
        long.TryParse(query[ExpiryParameter], NumberStyles.None, CultureInfo.InvariantCulture, out long expiry)
            ? (int)Math.Clamp(expiry - _time.GetUtcNow().ToUnixTimeSeconds(), 0, int.MaxValue)
            : 0;

    private string Sign(string canonicalQuery) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Path + "?" + canonicalQuery)));

    /// <summary>
    /// Base64url of exactly one HMAC-SHA256. Base64Url.TryDecodeFromChars returns false only for a short destination and
    /// throws on characters outside the alphabet, so anything an attacker types must pass the validity check first.
    /// </summary>
    private static bool TryDecodeSignature(string? text, Span<byte> destination) =>
        // Only the one spelling Sign produces: unpadded, so "sig=…=" (which Base64Url also decodes) is a different URL and refused.
        text is not null && text.Length == Base64Url.GetEncodedLength(destination.Length) && !text.Contains('=', StringComparison.Ordinal)
        && Base64Url.IsValid(text, out int decodedLength) && decodedLength == destination.Length
        && Base64Url.TryDecodeFromChars(text, destination, out int written) && written == destination.Length;

    private static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    private static void AddIfSet(List<KeyValuePair<string, string>> parameters, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            parameters.Add(new(name, value));
        }
    }

    private static string? Find(List<KeyValuePair<string, string>> parameters, string name) =>
        parameters.FirstOrDefault(p => p.Key == name) is { Key: not null } found ? found.Value : null;
}
