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
        if (await validator.CheckAsync(context.HttpContext).ConfigureAwait(false)) return await next(context).ConfigureAwait(false);
        return ForbiddenResult.Instance;
    }

    private sealed class ForbiddenResult : IResult
    {
        public static readonly ForbiddenResult Instance = new();

        public Task ExecuteAsync(HttpContext httpContext) => TwilioHttpRequestValidator.WriteForbiddenAsync(httpContext);
    }
}
