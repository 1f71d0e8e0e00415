using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Telephony;

/// <summary>Middleware form of Twilio request validation.</summary>
public static class TwilioApplicationBuilderExtensions
{
    /// <summary>
    /// Checks, before the endpoint runs, every request whose endpoint was marked with <c>RequireTwilioSignature()</c>. Needed
    /// only for endpoints that bind a JSON body; place it after routing.
    /// </summary>
    public static IApplicationBuilder UseTwilioSignatureValidation(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        TwilioHttpRequestValidator validator = RequireValidator(app);
        return app.Use(next => new TwilioSignatureMiddleware(next, validator, null).InvokeAsync);
    }

    /// <summary>
    /// Checks every request under <paramref name="pathPrefix"/> (e.g. <c>/media</c> served to Twilio's <c>&lt;Play&gt;</c>
    /// fetcher, which signs its GET requests over the URL alone), whatever endpoint or static file serves it.
    /// </summary>
    public static IApplicationBuilder UseTwilioSignatureValidation(this IApplicationBuilder app, PathString pathPrefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!pathPrefix.HasValue) throw new ArgumentException("Give a path prefix such as \"/media\".", nameof(pathPrefix));
        TwilioHttpRequestValidator validator = RequireValidator(app);
        return app.Use(next => new TwilioSignatureMiddleware(next, validator, pathPrefix).InvokeAsync);
    }

    private static TwilioHttpRequestValidator RequireValidator(IApplicationBuilder app) =>
        app.ApplicationServices.GetService<TwilioHttpRequestValidator>()
        ?? throw new InvalidOperationException("UseTwilioSignatureValidation() needs services.AddTwilioRequestValidation() at start-up.");
}
