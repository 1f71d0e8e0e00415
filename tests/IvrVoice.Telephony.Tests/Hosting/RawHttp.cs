using System.Net.Sockets;
using System.Text;

namespace IvrVoice.Telephony.Tests.Hosting;

/// <summary>
/// A bare HTTP/1.1 client over a socket, so a test controls the request target byte for byte (HttpClient's Uri would
/// re-encode it) and sees exactly what the server sends back.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int StatusCode, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    public static async Task<Response> SendAsync(
        int port, string method, string target, IReadOnlyDictionary<string, string>? headers = null, byte[]? body = null, string host = "ivr.example.com")
    {
        using TcpClient client = new();
        await client.ConnectAsync("127.0.0.1", port);
        NetworkStream stream = client.GetStream();
        StringBuilder head = new();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(host).Append("\r\nConnection: close\r\n");
        foreach ((string name, string value) in headers ?? new Dictionary<string, string>()) head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (body is not null) head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()));
        if (body is not null) await stream.WriteAsync(body);
        await stream.FlushAsync();

        using MemoryStream received = new();
        await stream.CopyToAsync(received);
        return Parse(received.ToArray());
    }

    public static Task<Response> PostFormAsync(int port, string target, IEnumerable<KeyValuePair<string, string>> form, string? signature) =>
        SendAsync(port, "POST", target, Headers(signature, "application/x-www-form-urlencoded"), Encoding.UTF8.GetBytes(FormBody(form)));

    public static string FormBody(IEnumerable<KeyValuePair<string, string>> form) =>
        string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    public static Dictionary<string, string> Headers(string? signature, string? contentType = null)
    {
        Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);
        if (signature is not null) headers["X-Twilio-Signature"] = signature;
        if (contentType is not null) headers["Content-Type"] = contentType;
        return headers;
    }

    private static Response Parse(byte[] raw)
    {
        int headerEnd = IndexOf(raw, "\r\n\r\n"u8);
        string[] lines = Encoding.ASCII.GetString(raw, 0, headerEnd).Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        byte[] body = raw[(headerEnd + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out string? encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            body = Dechunk(body);
        return new Response(status, headers, body);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        using MemoryStream output = new();
        int position = 0;
        while (true)
        {
            int lineEnd = IndexOf(chunked.AsSpan(position), "\r\n"u8) + position;
            int size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, position, lineEnd - position).Split(';')[0], 16);
            if (size == 0) return output.ToArray();
            output.Write(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle);
}
