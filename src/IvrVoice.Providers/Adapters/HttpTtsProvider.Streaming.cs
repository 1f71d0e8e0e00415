using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace IvrVoice.Providers.Adapters;

internal abstract partial class HttpTtsProvider
{
    /// <summary>
    /// Sends a request whose answer is read as it arrives: returns the response once its headers are there and its status
    /// is a success; an HTTP error (its body bounded and classified as for a whole render) or a transport failure throws
    /// <see cref="TtsStreamException"/>. The caller owns the response.
    /// </summary>
    protected async Task<HttpResponseMessage> OpenStreamingAsync(Uri uri, JsonNode body, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        using HttpRequestMessage message = new(HttpMethod.Post, uri)
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        Authenticate(message);
        configure?.Invoke(message);
        HttpResponseMessage response;
        try
        {
            response = await _httpClientFactory.CreateClient(Routing.HttpClientNames.For(Name))
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TtsStreamException(Fail(TtsFailureKind.TransientUpstream, $"connection failed: {Redact(ex.Message)}"));
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            byte[] error = await ReadBoundedAsync(response, 64 * 1024, cancellationToken).ConfigureAwait(false);
            HttpReply reply = new(response.StatusCode, response.Headers, response.Content.Headers.ContentType?.ToString(), error);
            throw new TtsStreamException(Classify(reply));
        }
    }

    /// <summary>A failure value for a stream that broke while being read.</summary>
    protected TtsStreamException StreamBroke(Exception exception) =>
        new(Fail(TtsFailureKind.TransientUpstream, $"the stream broke: {Redact(exception.Message)}"));

    /// <summary>A stream failure of this route.</summary>
    protected TtsStreamException StreamFailure(TtsFailureKind kind, string message) => new(Fail(kind, message));

    /// <summary>The most bytes one streamed answer may carry (<c>MaxResponseBytes</c>).</summary>
    protected long MaxStreamBytes => Options.MaxResponseBytes;

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        try
        {
            await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            byte[] buffer = new byte[max];
            int total = 0;
            int read;
            while (total < max && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return buffer[..total];
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    /// <summary>Whether a declared content type says JSON (an error reported with a success status).</summary>
    protected static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
}
