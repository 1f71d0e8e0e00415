using Microsoft.AspNetCore.Http;

namespace IvrVoice.Telephony.TwiML;

/// <summary>
/// Writes a TwiML document as <c>application/xml; charset=utf-8</c> with status 200. The document is serialised when the
/// result is created, so an oversized document fails inside the handler (a 500 with a logged exception) rather than
/// half-way through the response.
/// </summary>
public sealed class TwiMLResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>The Content-Type header value Twilio receives.</summary>
    public const string MediaType = "application/xml; charset=utf-8";

    private readonly byte[] _document;

    /// <summary>Serialises <paramref name="response"/>.</summary>
    /// <exception cref="TwiMLTooLargeException">The document is over <see cref="VoiceResponse.MaxDocumentBytes"/>.</exception>
    public TwiMLResult(VoiceResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _document = response.ToUtf8Bytes();
    }

    /// <summary>The serialised document.</summary>
    public ReadOnlyMemory<byte> Document => _document;

    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    string IContentTypeHttpResult.ContentType => MediaType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = MediaType;
        httpContext.Response.ContentLength = _document.Length;
        return httpContext.Response.Body.WriteAsync(_document, httpContext.RequestAborted).AsTask();
    }
}
