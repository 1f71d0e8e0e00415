using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IvrVoice.Production.Tests.Support;

/// <summary>
/// Signs <c>/announce.wav</c> URLs as docs describe the format, independently of the service's own code:
/// Base64url(HMAC-SHA256(key, "/announce.wav?" + every parameter but sig, RFC 3986-escaped and sorted by name)), with
/// <c>exp</c> in Unix seconds; the announcement itself in <c>a</c>, Base64url of the Brotli-compressed JSON with one-letter
/// members (docs/service.md, "Signed URL scheme"). Lets a test make an expired URL without waiting for one to expire.
/// </summary>
internal static class AnnouncementSigner
{
    public static string PathAndQuery(string key, DateTimeOffset expires, params (string Name, string Value)[] parameters)
    {
        string query = string.Join('&', parameters
            .Append(("exp", expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)))
            .OrderBy(p => p.Item1, StringComparer.Ordinal)
            .Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes("/announce.wav?" + query));
        return $"/announce.wav?{query}&sig={Base64Url.EncodeToString(mac)}";
    }

    /// <summary>The <c>a</c> parameter for free text: Base64url (no padding) of Brotli(UTF-8 <c>{"t":text,"v":voice}</c>).</summary>
    public static string TextPayload(string text, string? voice = null)
    {
        using MemoryStream json = new();
        using (Utf8JsonWriter writer = new(json))
        {
            writer.WriteStartObject();
            writer.WriteString("t", text);
            if (voice is not null)
            {
                writer.WriteString("v", voice);
            }

            writer.WriteEndObject();
        }

        using MemoryStream compressed = new();
        using (BrotliStream brotli = new(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            brotli.Write(json.ToArray());
        }

        return Base64Url.EncodeToString(compressed.ToArray());
    }
}
