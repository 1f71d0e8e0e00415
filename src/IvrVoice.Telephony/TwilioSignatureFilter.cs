using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Telephony;

/// <summary>Refuses requests to the endpoint that do not carry a valid Twilio signature (403).</summary>
internal sealed class TwilioSignatureFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        TwilioHttpRequestValidator validator = context.HttpContext.RequestServices.GetService<TwilioHttpRequestValidator>()
            ?? throw new InvalidOperationException("RequireTwilioSignature() needs services.AddTwilioRequestValidation() at start-up.");
        int? refusal = await validator.CheckWithStatusAsync(context.HttpContext).ConfigureAwait(false);
        if (refusal is null) return await next(context).ConfigureAwait(false);
        return new RefusalResult(refusal.Value);
    }

    private sealed class RefusalResult(int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => TwilioHttpRequestValidator.WriteRefusalAsync(httpContext, status);
    }
}
