using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IvrVoice.Telephony;

/// <summary>Protects endpoints with Twilio's request signature.</summary>
public static class TwilioEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires a valid <c>X-Twilio-Signature</c> on the endpoint or group; anything else gets 403 and one warning log line.
    /// Also turns off antiforgery for these endpoints: Twilio cannot send an antiforgery token, and the signature already
    /// proves the sender. For endpoints that bind a JSON body, add <c>app.UseTwilioSignatureValidation()</c> too, so the
    /// body is checked before model binding reads it.
    /// </summary>
    public static TBuilder RequireTwilioSignature<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(TwilioSignatureRequiredMetadata.Instance);
        builder.DisableAntiforgery();
        builder.AddEndpointFilter(new TwilioSignatureFilter());
        return builder;
    }
}
