using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Telephony.Signatures;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> exactly as Twilio computes it, against a primary auth token and any secondary tokens
/// (for rotation). Thread-safe; create once and share. Comparisons run in constant time.
/// </summary>
public sealed class TwilioRequestValidator
{
    /// <summary>Largest non-form body the ASP.NET integration reads to verify <c>bodySHA256</c>: 1 MiB.</summary>
    public const int MaxBodyBytes = 1 << 20;

    private readonly TwilioSignatureHasher[] _keys;

    /// <summary>Creates a validator.</summary>
    /// <param name="authToken">The primary auth token (or webhook signing key).</param>
    /// <param name="secondaryAuthTokens">Tokens also accepted, e.g. the secondary token during rotation.</param>
    public TwilioRequestValidator(string authToken, IEnumerable<string>? secondaryAuthTokens = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        _keys = [.. new[] { authToken }.Concat(secondaryAuthTokens?.Where(t => !string.IsNullOrEmpty(t)) ?? []).Distinct(StringComparer.Ordinal)
            .Select(token => new TwilioSignatureHasher(Encoding.UTF8.GetBytes(token)))];
    }

    /// <summary>
    /// Checks a request whose body is a form (<c>application/x-www-form-urlencoded</c>) or that has no body (GET, HEAD;
    /// Twilio's media fetches). The signature covers the URL and, for a form, every field.
    /// </summary>
    /// <param name="url">The full URL Twilio requested, with the query string exactly as received.</param>
    /// <param name="signature">The <c>X-Twilio-Signature</c> header value, or null when absent.</param>
    /// <param name="form">Decoded form fields, untrimmed; null or empty when there is no form.</param>
    public TwilioSignatureCheck Validate(string url, string? signature, IEnumerable<KeyValuePair<string, StringValues>>? form = null) =>
        Validate(url, signature, form, TwilioSignatureAlgorithm.HmacSha1);

    /// <summary>As above, for a request signed with <paramref name="algorithm"/> (from <see cref="TwilioSignature.SettingsHeaderName"/>).</summary>
    public TwilioSignatureCheck Validate(string url, string? signature, IEnumerable<KeyValuePair<string, StringValues>>? form, TwilioSignatureAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signature)) return TwilioSignatureCheck.MissingSignature;
        using SortedFields fields = SortedFields.From(form);
        return Matches(null, url, signature, fields, algorithm) ? TwilioSignatureCheck.Valid : TwilioSignatureCheck.SignatureMismatch;
    }

    /// <summary>
    /// As <see cref="Validate(string, string?, IEnumerable{KeyValuePair{string, StringValues}}?, TwilioSignatureAlgorithm)"/> for a URL
    /// given as its origin and request target, which are hashed one after the other: the URL as received is tried without
    /// being built, and is put together only when its other forms must be tried.
    /// </summary>
    internal TwilioSignatureCheck Validate(string origin, string target, string? signature, IEnumerable<KeyValuePair<string, StringValues>>? form, TwilioSignatureAlgorithm algorithm)
    {
        if (string.IsNullOrEmpty(signature)) return TwilioSignatureCheck.MissingSignature;
        using SortedFields fields = SortedFields.From(form);
        return Matches(origin, target, signature, fields, algorithm) ? TwilioSignatureCheck.Valid : TwilioSignatureCheck.SignatureMismatch;
    }

    /// <summary>
    /// Checks a request with a non-form body (JSON): the signature covers the URL only, and the URL's <c>bodySHA256</c>
    /// query parameter must equal the lowercase hex SHA-256 of <paramref name="body"/>.
    /// </summary>
    public TwilioSignatureCheck ValidateWithBody(string url, string? signature, ReadOnlySpan<byte> body) =>
        ValidateWithBody(url, signature, body, TwilioSignatureAlgorithm.HmacSha1);

    /// <summary>As above, for a request signed with <paramref name="algorithm"/>.</summary>
    public TwilioSignatureCheck ValidateWithBody(string url, string? signature, ReadOnlySpan<byte> body, TwilioSignatureAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signature)) return TwilioSignatureCheck.MissingSignature;
        if (!Matches(null, url, signature, default, algorithm)) return TwilioSignatureCheck.SignatureMismatch;
        string? claimed = QueryValue(url, TwilioSignature.BodyHashParameter);
        if (claimed is null) return TwilioSignatureCheck.BodyHashMismatch;
        byte[] expected = Encoding.ASCII.GetBytes(TwilioSignature.ComputeBodySha256(body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(claimed))
            ? TwilioSignatureCheck.Valid
            : TwilioSignatureCheck.BodyHashMismatch;
    }

    /// <summary>True when the URL's query string has a <c>bodySHA256</c> parameter, i.e. Twilio signed a non-form body.</summary>
    public static bool HasBodyHash(string url) => QueryValue(url, TwilioSignature.BodyHashParameter) is not null;

    /// <summary>
    /// Tries the URL as received first (<paramref name="origin"/> + <paramref name="target"/>, hashed without building it), with
    /// each token; only when none matches are the other forms tried: without and with the default port, then the escaped
    /// forms the Node library also accepts. Every form the URL has is tried before a request is refused, so the set of
    /// accepted signatures is the same whichever order the forms are tried in.
    /// </summary>
    private bool Matches(string? origin, string target, string signature, SortedFields fields, TwilioSignatureAlgorithm algorithm)
    {
        if (MatchesAnyKey(origin, target, signature, fields, algorithm)) return true;
        string url = origin is null ? target : origin + target;
        foreach (string candidate in TwilioUrlVariants.For(url).Concat(TwilioUrlNormalizer.FallbackForms(url)).Distinct(StringComparer.Ordinal))
        {
            if (candidate != url && MatchesAnyKey(null, candidate, signature, fields, algorithm)) return true;
        }
        return false;
    }

    private bool MatchesAnyKey(string? origin, string target, string signature, SortedFields fields, TwilioSignatureAlgorithm algorithm)
    {
        foreach (TwilioSignatureHasher key in _keys)
        {
            if (key.Matches(origin, target, fields, signature, algorithm)) return true;
        }
        return false;
    }

    /// <summary>The first value of a query parameter, decoded as URLSearchParams decodes it; null when absent.</summary>
    internal static string? QueryValue(string url, string name)
    {
        int queryStart = url.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0) return null;
        int fragment = url.IndexOf('#', queryStart);
        string query = fragment < 0 ? url[(queryStart + 1)..] : url[(queryStart + 1)..fragment];
        foreach (string pair in query.Split('&'))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Decode(equals < 0 ? pair : pair[..equals]);
            if (key == name) return equals < 0 ? "" : Decode(pair[(equals + 1)..]);
        }
        return null;
    }

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));
}
