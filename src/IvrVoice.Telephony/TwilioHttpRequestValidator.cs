using System.Text;
using IvrVoice.Telephony.Signatures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace IvrVoice.Telephony;

/// <summary>Checks one HTTP request against the configured tokens; shared by the endpoint filter and the middleware.</summary>
internal sealed partial class TwilioHttpRequestValidator
{
    internal const string ForbiddenBody = "Twilio request validation failed.";

    // Marks a request already checked, so the middleware and the filter on the same endpoint do not read the body twice.
    private static readonly object CheckedKey = new();
    private static readonly object Checked = true;

    private readonly TwilioRequestValidator? _validator;
    private readonly string? _publicBaseUrl;
    private readonly ILogger<TwilioHttpRequestValidator> _logger;
    private readonly int _maxBodyBytes;
    private readonly FormOptions _formOptions;

    public TwilioHttpRequestValidator(IOptions<TwilioOptions> options, ILogger<TwilioHttpRequestValidator> logger)
    {
        TwilioOptions settings = options.Value;
        _logger = logger;
        _maxBodyBytes = settings.MaxBodyBytes > 0 ? settings.MaxBodyBytes : TwilioOptions.DefaultMaxBodyBytes;
        // Twilio sends a few dozen fields; these limits make a hostile form fail fast instead of filling memory.
        _formOptions = new FormOptions
        {
            ValueCountLimit = 512,
            KeyLengthLimit = 256,
            ValueLengthLimit = _maxBodyBytes,
            BufferBody = false,
        };
        _publicBaseUrl = string.IsNullOrEmpty(settings.PublicBaseUrl) ? null : TwilioOptionsValidator.ParsePublicBaseUrl(settings.PublicBaseUrl);
        if (settings.RequestValidation == TwilioRequestValidation.Enabled)
            _validator = new TwilioRequestValidator(settings.AuthToken!, settings.SecondaryAuthTokens);
    }

    /// <summary>Checks the request, logs a refusal, and returns whether the request may proceed.</summary>
    public async ValueTask<bool> CheckAsync(HttpContext context) => await CheckWithStatusAsync(context).ConfigureAwait(false) is null;

    /// <summary>
    /// Checks the request and logs a refusal (one warning line, never an error: the sender is unauthenticated). Returns null
    /// when the request may proceed, else the status to answer: 413 for a body over <see cref="TwilioOptions.MaxBodyBytes"/>,
    /// 400 for a form that cannot be read, 403 otherwise.
    /// </summary>
    public async ValueTask<int?> CheckWithStatusAsync(HttpContext context)
    {
        if (context.Items.ContainsKey(CheckedKey)) return null;

        // The cap comes first, whether or not signatures are checked: nothing bigger is read, parsed or hashed.
        HttpRequest request = context.Request;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = _maxBodyBytes;
        if (request.ContentLength > _maxBodyBytes) return Refuse(context, TwilioSignatureCheck.BodyTooLarge);
        if (request.HasFormContentType && context.Features.Get<IFormFeature>() is null or { Form: null })
            context.Features.Set<IFormFeature>(new FormFeature(request, _formOptions));

        if (_validator is null)
        {
            context.Items[CheckedKey] = Checked;
            return null;
        }

        TwilioSignatureCheck result;
        try
        {
            result = await CheckSignatureAsync(context, _validator).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            result = TwilioSignatureCheck.BodyTooLarge;
        }
        catch (BadHttpRequestException)
        {
            result = TwilioSignatureCheck.MalformedBody;
        }

        if (result == TwilioSignatureCheck.Valid)
        {
            context.Items[CheckedKey] = Checked;
            return null;
        }

        return Refuse(context, result);
    }

    public static Task WriteForbiddenAsync(HttpContext context) => WriteRefusalAsync(context, StatusCodes.Status403Forbidden);

    /// <summary>Writes a short plain-text refusal with <paramref name="status"/> (403, 400 or 413).</summary>
    public static Task WriteRefusalAsync(HttpContext context, int status)
    {
        string body = status switch
        {
            StatusCodes.Status413PayloadTooLarge => "Request body too large.",
            StatusCodes.Status400BadRequest => "Malformed request body.",
            _ => ForbiddenBody,
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = Encoding.UTF8.GetByteCount(body);
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    private int Refuse(HttpContext context, TwilioSignatureCheck result)
    {
        // The path only: a GET webhook's query string carries the caller's number.
        Log.Refused(_logger, (context.Request.PathBase + context.Request.Path).ToString(), Describe(result));
        return result switch
        {
            TwilioSignatureCheck.BodyTooLarge => StatusCodes.Status413PayloadTooLarge,
            TwilioSignatureCheck.MalformedBody => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status403Forbidden,
        };
    }

    private async Task<TwilioSignatureCheck> CheckSignatureAsync(HttpContext context, TwilioRequestValidator validator)
    {
        HttpRequest request = context.Request;
        string? signature = request.Headers[TwilioSignature.HeaderName];
        if (string.IsNullOrEmpty(signature)) return TwilioSignatureCheck.MissingSignature;
        if (!TwilioSignature.TryParseSettings(request.Headers[TwilioSignature.SettingsHeaderName], out TwilioSignatureAlgorithm algorithm))
            return TwilioSignatureCheck.UnknownSignatureAlgorithm;
        (string origin, string target) = RequestUrl(context);

        // A target without a query cannot carry bodySHA256 (the origin has neither query nor fragment): no URL is built then.
        if (target.Contains('?', StringComparison.Ordinal) && TwilioRequestValidator.HasBodyHash(origin + target))
        {
            string url = origin + target;
            // The signature covers the URL (with its bodySHA256): check it first, so an unauthenticated body is never read.
            if (validator.Validate(url, signature) != TwilioSignatureCheck.Valid) return TwilioSignatureCheck.SignatureMismatch;
            byte[]? body = await ReadBodyAsync(request, _maxBodyBytes).ConfigureAwait(false);
            if (body is null) return TwilioSignatureCheck.BodyTooLarge;
            if (body.Length == 0 && request.ContentLength > 0)
            {
                // Model binding read the body before the endpoint filter ran; the raw body is gone, so refuse rather than
                // accept an unverified one.
                Log.BodyAlreadyRead(_logger, (request.PathBase + request.Path).ToString());
                return TwilioSignatureCheck.BodyHashMismatch;
            }
            return validator.ValidateWithBody(url, signature, body, algorithm);
        }
        // Only url-encoded forms: Twilio never sends multipart, and the signature would not cover a multipart request's files.
        if (request.HasFormContentType && IsUrlEncodedForm(request))
        {
            // Read asynchronously: the synchronous Request.Form would block a thread on the network. The result is cached,
            // so model binding (TwilioVoiceRequest, [FromForm]) sees the same form afterwards.
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                // Malformed or over the form limits: Twilio never sends such a form, so refuse it rather than fail with a 500.
                return TwilioSignatureCheck.MalformedBody;
            }
            return validator.Validate(origin, target, signature, form, algorithm);
        }
        if (HasBody(request)) return TwilioSignatureCheck.UnsignedBody;
        return validator.Validate(origin, target, signature, null, algorithm);
    }

    /// <summary>
    /// The URL Twilio requested, as its origin (the public base, or the request's own scheme and host) and the raw request
    /// target; the signature covers the two joined.
    /// </summary>
    internal (string Origin, string Target) RequestUrl(HttpContext context)
    {
        HttpRequest request = context.Request;
        // RawTarget keeps the path and query exactly as sent; Path/QueryString are decoded or re-encoded forms of it.
        string? target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
            target = (request.PathBase + request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        else if (!target.StartsWith('/'))
        {
            // Absolute-form target (http://host/path?query): keep only the path and query.
            int schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
            int pathStart = schemeEnd < 0 ? -1 : target.IndexOfAny(['/', '?'], schemeEnd + 3);
            target = pathStart < 0 ? "/" : target[pathStart] == '?' ? "/" + target[pathStart..] : target[pathStart..];
        }
        string origin = _publicBaseUrl ?? $"{request.Scheme}://{request.Host.ToUriComponent()}";
        // Twilio signs a Media Streams upgrade over the wss:// URL it was given, the same address with the WebSocket scheme.
        if (context.WebSockets.IsWebSocketRequest) origin = TwilioUrls.WebSocketOrigin(origin);
        return (origin, target);
    }

    private static bool IsUrlEncodedForm(HttpRequest request)
    {
        // Twilio's exact header needs no parsing; anything else (parameters, odd spacing) goes through the full parser.
        string? contentType = request.ContentType;
        if (string.Equals(contentType, UrlEncodedForm, StringComparison.OrdinalIgnoreCase)) return true;
        return MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)
            && type.MediaType.Equals(UrlEncodedForm, StringComparison.OrdinalIgnoreCase);
    }

    private const string UrlEncodedForm = "application/x-www-form-urlencoded";

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBodyBytes)
    {
        // Buffer so the endpoint can read the body again after the check.
        request.EnableBuffering();
        request.Body.Position = 0;
        using MemoryStream copy = new();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > maxBodyBytes) return null;
            copy.Write(chunk, 0, read);
        }
        request.Body.Position = 0;
        return copy.ToArray();
    }

    private static string Describe(TwilioSignatureCheck result) => result switch
    {
        TwilioSignatureCheck.MissingSignature => "missing X-Twilio-Signature header",
        TwilioSignatureCheck.SignatureMismatch => "signature mismatch",
        TwilioSignatureCheck.BodyHashMismatch => "bad bodySHA256",
        TwilioSignatureCheck.UnsignedBody => "body neither a form nor covered by bodySHA256",
        TwilioSignatureCheck.BodyTooLarge => "body too large to verify",
        TwilioSignatureCheck.MalformedBody => "form body could not be read",
        TwilioSignatureCheck.UnknownSignatureAlgorithm => "unknown algorithm in X-Twilio-Webhooks-Signature-Settings",
        _ => result.ToString(),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Refused request to {Path}: {Reason}")]
        public static partial void Refused(ILogger logger, string path, string reason);

        // Error, not Warning: it is logged only after the URL's signature held, so it is a misconfiguration, never a stranger.
        [LoggerMessage(EventId = 4004, Level = LogLevel.Error,
            Message = "A signed request to {Path} was refused: its body was read by model binding before bodySHA256 could be checked; add app.UseTwilioSignatureValidation() so the body is checked before binding")]
        public static partial void BodyAlreadyRead(ILogger logger, string path);
    }
}
