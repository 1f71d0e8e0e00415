using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Telephony.Signatures;

/// <summary>
/// Computes Twilio's request signature: Base64(HMAC-SHA1(auth token, URL + each form key and value in ordinal key order)),
/// or HMAC-SHA256 when the account's webhook settings choose it.
/// Repeated keys contribute each distinct value, values in ordinal order, as the official Node library does.
/// Useful to sign requests in tests and tools; to check requests use <see cref="TwilioRequestValidator"/>.
/// </summary>
public static class TwilioSignature
{
    /// <summary>The header Twilio puts the signature in.</summary>
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>The header in which Twilio names the HMAC it signed with (<c>HMAC_SHA256</c>); absent means HMAC-SHA1.</summary>
    public const string SettingsHeaderName = "X-Twilio-Webhooks-Signature-Settings";

    /// <summary>The query parameter that carries the SHA-256 of a non-form (JSON) body.</summary>
    public const string BodyHashParameter = "bodySHA256";

    /// <summary>Signs <paramref name="url"/> and the form <paramref name="parameters"/> (none for GET requests and JSON bodies).</summary>
    /// <param name="authToken">The account's auth token (or a webhook signing key).</param>
    /// <param name="url">The full URL Twilio requested, query string included, exactly as configured in Twilio.</param>
    /// <param name="parameters">Form fields of a POST; null or empty for a GET.</param>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? parameters = null) =>
        Compute(authToken, url, parameters, TwilioSignatureAlgorithm.HmacSha1);

    /// <summary>Signs as above with the chosen HMAC (HMAC-SHA256 when the account's webhook settings ask for it).</summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? parameters, TwilioSignatureAlgorithm algorithm)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        IEnumerable<KeyValuePair<string, StringValues>>? grouped = parameters?
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, StringValues>(g.Key, g.Select(p => p.Value).ToArray()));
        using SortedFields fields = SortedFields.From(grouped);
        using TwilioSignatureHasher hasher = new(Encoding.UTF8.GetBytes(authToken));
        return hasher.Sign(url, fields, algorithm);
    }

    /// <summary>
    /// Reads <see cref="SettingsHeaderName"/>: absent or empty is HMAC-SHA1, <c>HMAC_SHA1</c> and <c>HMAC_SHA256</c> name
    /// theirs; anything else is false (Twilio 8.2.0's validator accepts no signature then either).
    /// </summary>
    public static bool TryParseSettings(string? header, out TwilioSignatureAlgorithm algorithm)
    {
        algorithm = TwilioSignatureAlgorithm.HmacSha1;
        if (string.IsNullOrEmpty(header) || header == "HMAC_SHA1")
        {
            return true;
        }

        if (header == "HMAC_SHA256")
        {
            algorithm = TwilioSignatureAlgorithm.HmacSha256;
            return true;
        }

        return false;
    }

    /// <summary>Lowercase hex SHA-256 of a raw body, the value Twilio puts in <c>bodySHA256</c>.</summary>
    public static string ComputeBodySha256(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
