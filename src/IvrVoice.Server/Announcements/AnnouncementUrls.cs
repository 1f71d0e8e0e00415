using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IvrVoice.Caching;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Server.Announcements;

/// <summary>
/// What a dynamic announcement speaks: free <see cref="Text"/> with the settings that change its sound, or a library template
/// (<see cref="Prompt"/>) in <see cref="Language"/> with its <see cref="Values"/>.
/// </summary>
internal sealed record Announcement(string Text, string? Voice = null, string? Style = null, string? Language = null, string? Model = null)
{
    /// <summary>The id of a template prompt of the library; null for free text.</summary>
    public string? Prompt { get; init; }

    /// <summary>The template's values by placeholder name, as given (parsed and checked when composed).</summary>
    public IReadOnlyDictionary<string, string>? Values { get; init; }

    public bool IsTemplate => Prompt is not null;
}

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
/// What a valid URL names: an announcement to resolve when fetched, the key of audio resolved when it was signed, or the
/// <see cref="AnnouncementTickets"/> id of an announcement kept server-side to stream.
/// </summary>
internal sealed record SignedAnnouncement(Announcement? Payload, PromptKey? Reference, string? Ticket = null);

/// <summary>
/// Signs and checks dynamic announcement URLs so only URLs this service (or a holder of <c>Service:UrlSigningKey</c>) made can
/// make it render. Two forms: <c>/announce.wav?a=…&amp;exp=…&amp;sig=…</c>, where <c>a</c> is Base64url of the Brotli-compressed
/// JSON of the announcement (text and settings, or template id, language and values), and, when that would make the URL longer
/// than <see cref="MaxInlineLength"/>, <c>/announce.wav?exp=…&amp;k=…&amp;sig=…</c>, a reference to audio resolved and cached
/// when the URL was signed, or, for an announcement that is to stream, <c>/announce.wav?exp=…&amp;t=…&amp;sig=…</c>, the id of
/// the announcement kept server-side (<see cref="AnnouncementTickets"/>). The signature is Base64url(HMAC-SHA256(key, path + "?" + query)), where the query holds every
/// parameter but <c>sig</c> as <c>name=value</c> pairs, percent-encoded as RFC 3986 unreserved characters and sorted by name;
/// <c>exp</c> is the expiry in Unix seconds. Any parameter added, removed, repeated or changed breaks the signature.
/// </summary>
internal sealed class AnnouncementUrls
{
    public const string Path = "/announce.wav";

    /// <summary>
    /// The longest path and query an inline URL may have. Kestrel refuses request lines over 8 KiB with 414, and proxies and
    /// CDNs commonly stop near 2 to 8 KiB; 2,000 characters passes all of them with the public base URL in front.
    /// </summary>
    public const int MaxInlineLength = 2_000;

    internal const string SignatureParameter = "sig";
    internal const string ExpiryParameter = "exp";
    internal const string PayloadParameter = "a";
    internal const string ReferenceParameter = "k";
    internal const string TicketParameter = "t";

    /// <summary>No announcement the API accepts is near this once decompressed; a larger one is refused unread.</summary>
    private const int MaxPayloadBytes = 256 * 1024;

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

    /// <summary>When a URL signed now expires.</summary>
    public DateTimeOffset DefaultExpiry() => _time.GetUtcNow() + _lifetime;

    /// <summary>
    /// The signed inline path and query for <paramref name="announcement"/>, valid until <paramref name="expires"/> (default: now
    /// plus <c>Service:AnnouncementUrlLifetime</c>). Check <see cref="MaxInlineLength"/> before handing it out.
    /// </summary>
    public string CreatePathAndQuery(Announcement announcement, DateTimeOffset? expires = null)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        return Sign([new(ExpiryParameter, Expiry(expires)), new(PayloadParameter, Encode(announcement))]);
    }

    /// <summary>The signed path and query that serves the cached audio <paramref name="key"/> until <paramref name="expires"/>.</summary>
    public string CreateReferencePathAndQuery(PromptKey key, DateTimeOffset? expires = null) =>
        Sign([new(ExpiryParameter, Expiry(expires)), new(ReferenceParameter, key.ToString())]);

    /// <summary>The signed path and query naming the announcement kept under <paramref name="ticket"/> until <paramref name="expires"/>.</summary>
    public string CreateTicketPathAndQuery(string ticket, DateTimeOffset expires) =>
        Sign([new(ExpiryParameter, Expiry(expires)), new(TicketParameter, ticket)]);

    /// <summary>Checks a request's query; on success returns what it names.</summary>
    public AnnouncementUrlCheck Verify(IQueryCollection query, out SignedAnnouncement? signed)
    {
        ArgumentNullException.ThrowIfNull(query);
        signed = null;
        if (!query.TryGetValue(SignatureParameter, out StringValues signatures) || string.IsNullOrEmpty(signatures.ToString()))
        {
            return AnnouncementUrlCheck.Unsigned;
        }

        List<KeyValuePair<string, string>> parameters = [];
        foreach (KeyValuePair<string, StringValues> parameter in query)
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

        if (!long.TryParse(Find(parameters, ExpiryParameter), NumberStyles.None, CultureInfo.InvariantCulture, out long expiry))
        {
            return AnnouncementUrlCheck.Malformed;
        }

        if (_time.GetUtcNow().ToUnixTimeSeconds() >= expiry)
        {
            return AnnouncementUrlCheck.Expired;
        }

        if (Find(parameters, ReferenceParameter) is { } reference)
        {
            if (!PromptKey.TryParse(reference, out PromptKey key))
            {
                return AnnouncementUrlCheck.Malformed;
            }

            signed = new SignedAnnouncement(null, key);
            return AnnouncementUrlCheck.Valid;
        }

        if (Find(parameters, TicketParameter) is { } ticket)
        {
            if (!AnnouncementTickets.IsId(ticket))
            {
                return AnnouncementUrlCheck.Malformed;
            }

            signed = new SignedAnnouncement(null, null, ticket);
            return AnnouncementUrlCheck.Valid;
        }

        if (Find(parameters, PayloadParameter) is { } payload)
        {
            if (Decode(payload) is not { } decoded)
            {
                return AnnouncementUrlCheck.Malformed;
            }

            signed = new SignedAnnouncement(decoded, null);
            return AnnouncementUrlCheck.Valid;
        }

        return AnnouncementUrlCheck.Malformed;
    }

    /// <summary>Seconds until a verified URL expires, for its Cache-Control; 0 when already past.</summary>
    public int SecondsUntilExpiry(IQueryCollection query) =>
        long.TryParse(query[ExpiryParameter], NumberStyles.None, CultureInfo.InvariantCulture, out long expiry)
            ? (int)Math.Clamp(expiry - _time.GetUtcNow().ToUnixTimeSeconds(), 0, int.MaxValue)
            : 0;

    /// <summary>Base64url of the Brotli-compressed compact JSON: short names, absent members left out.</summary>
    internal static string Encode(Announcement announcement)
    {
        AnnouncementPayload payload = announcement.IsTemplate
            ? new AnnouncementPayload { Prompt = announcement.Prompt, Language = announcement.Language, Values = announcement.Values is { Count: > 0 } v ? new SortedDictionary<string, string>(v.ToDictionary(), StringComparer.Ordinal) : null }
            : new AnnouncementPayload
            {
                Text = announcement.Text,
                Voice = NullIfBlank(announcement.Voice),
                Style = NullIfBlank(announcement.Style),
                Language = NullIfBlank(announcement.Language),
                Model = NullIfBlank(announcement.Model),
            };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(payload, AnnouncementJsonContext.Default.AnnouncementPayload);
        byte[] compressed = new byte[BrotliEncoder.GetMaxCompressedLength(json.Length)];
        if (!BrotliEncoder.TryCompress(json, compressed, out int written, quality: 11, window: 22))
        {
            throw new InvalidOperationException("Brotli could not compress an announcement into its own worst-case size.");
        }

        return Base64Url.EncodeToString(compressed.AsSpan(0, written));
    }

    /// <summary>The announcement in a signed payload, or null when it is not one (only signed payloads get here).</summary>
    internal static Announcement? Decode(string payload)
    {
        if (!Base64Url.IsValid(payload, out int length) || length > MaxPayloadBytes)
        {
            return null;
        }

        byte[] compressed = Base64Url.DecodeFromChars(payload);
        using MemoryStream json = new();
        using (BrotliDecoder decoder = new())
        {
            byte[] buffer = new byte[16 * 1024];
            ReadOnlySpan<byte> source = compressed;
            while (true)
            {
                OperationStatus status = decoder.Decompress(source, buffer, out int consumed, out int written);
                json.Write(buffer, 0, written);
                source = source[consumed..];
                if (json.Length > MaxPayloadBytes)
                {
                    return null;
                }

                if (status == OperationStatus.Done)
                {
                    break;
                }

                if (status is OperationStatus.InvalidData or OperationStatus.NeedMoreData)
                {
                    return null;
                }
            }
        }

        AnnouncementPayload? read;
        try
        {
            read = JsonSerializer.Deserialize(json.GetBuffer().AsSpan(0, (int)json.Length), AnnouncementJsonContext.Default.AnnouncementPayload);
        }
        catch (JsonException)
        {
            return null;
        }

        return read switch
        {
            null => null,
            { Prompt: { } prompt } => new Announcement("", Language: read.Language) { Prompt = prompt, Values = read.Values ?? new SortedDictionary<string, string>(StringComparer.Ordinal) },
            _ => new Announcement(read.Text ?? "", read.Voice, read.Style, read.Language, read.Model),
        };
    }

    private string Expiry(DateTimeOffset? expires) =>
        (expires ?? DefaultExpiry()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private string Sign(List<KeyValuePair<string, string>> parameters)
    {
        string query = CanonicalQuery(parameters);
        string signature = Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Path + "?" + query)));
        return $"{Path}?{query}&{SignatureParameter}={signature}";
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

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

    private static string? Find(List<KeyValuePair<string, string>> parameters, string name) =>
        parameters.FirstOrDefault(p => p.Key == name) is { Key: not null } found ? found.Value : null;
}
