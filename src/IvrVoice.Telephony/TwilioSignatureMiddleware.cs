using Microsoft.AspNetCore.Http;

namespace IvrVoice.Telephony;

/// <summary>
/// Checks requests under a path prefix (e.g. media that Twilio fetches with GET), or requests whose endpoint carries
/// <c>RequireTwilioSignature()</c> metadata, before the endpoint runs.
/// </summary>
internal sealed class TwilioSignatureMiddleware(RequestDelegate next, TwilioHttpRequestValidator validator, PathString? pathPrefix)
{
    public async Task InvokeAsync(HttpContext context)
    {
        bool protectedRequest = pathPrefix is { } prefix
            ? context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)
            : context.GetEndpoint()?.Metadata.GetMetadata<TwilioSignatureRequiredMetadata>() is not null;
        if (protectedRequest && await validator.CheckWithStatusAsync(context).ConfigureAwait(false) is int refusal)
        {
            await TwilioHttpRequestValidator.WriteRefusalAsync(context, refusal).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }
}
