using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IvrVoice.Providers.Adapters;

/// <summary>A fully read, size-bounded HTTP answer.</summary>
internal sealed record HttpReply(HttpStatusCode Status, HttpResponseHeaders Headers, string? ContentType, byte[] Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    /// <summary>Parses the body as JSON, or returns null when it is not JSON.</summary>
    public JsonDocument? TryJson()
    {
        try
        {
            return Body.Length == 0 ? null : JsonDocument.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
