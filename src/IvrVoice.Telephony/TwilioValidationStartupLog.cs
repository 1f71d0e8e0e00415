using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Telephony;

/// <summary>Says once at start-up how Twilio requests are checked, and warns loudly when they are not.</summary>
internal sealed partial class TwilioValidationStartupLog(IOptions<TwilioOptions> options, ILogger<TwilioValidationStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        TwilioOptions settings = options.Value;
        if (settings.RequestValidation == TwilioRequestValidation.Disabled)
        {
            Log.Disabled(logger);
            return Task.CompletedTask;
        }
        int tokens = 1 + settings.SecondaryAuthTokens.Count;
        if (string.IsNullOrEmpty(settings.PublicBaseUrl)) Log.EnabledWithRequestHost(logger, tokens);
        else Log.Enabled(logger, settings.PublicBaseUrl, tokens);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Warning,
            Message = "TWILIO REQUEST VALIDATION IS DISABLED (Twilio:RequestValidation = Disabled): anyone who can reach this service can call its webhooks and media URLs. Use this only for a local demo; set Twilio:AuthToken and remove the setting before exposing the service.")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
            Message = "Twilio signatures are checked against {PublicBaseUrl} with {TokenCount} auth token(s)")]
        public static partial void Enabled(ILogger logger, string publicBaseUrl, int tokenCount);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
            Message = "Twilio signatures are checked against each request's own scheme and Host header with {TokenCount} auth token(s); behind a reverse proxy or tunnel set Twilio:PublicBaseUrl to the URL Twilio calls")]
        public static partial void EnabledWithRequestHost(ILogger logger, int tokenCount);
    }
}
