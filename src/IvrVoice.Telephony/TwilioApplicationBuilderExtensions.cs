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
        EnsureRegistered(app);

        // Resolved on the first request, not while the pipeline is built: the validator reads TwilioOptions, and reading them
        // here would turn a bad setting into a crash before the host can report every bad setting at once.
        Lazy<TwilioHttpRequestValidator> validator = new(() => RequireValidator(app));
        return app.Use(next =>
        {
            Lazy<TwilioSignatureMiddleware> middleware = new(() => new TwilioSignatureMiddleware(next, validator.Value, null));
            return context => middleware.Value.InvokeAsync(context);
        });
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

    private static void EnsureRegistered(IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<IServiceProviderIsService>() is { } services && !services.IsService(typeof(TwilioHttpRequestValidator)))
            throw new InvalidOperationException("UseTwilioSignatureValidation() needs services.AddTwilioRequestValidation() at start-up.");
    }

    private static TwilioHttpRequestValidator RequireValidator(IApplicationBuilder app) =>
        app.ApplicationServices.GetService<TwilioHttpRequestValidator>()
        ?? throw new InvalidOperationException("UseTwilioSignatureValidation() needs services.AddTwilioRequestValidation() at start-up.");
}
