using Microsoft.Extensions.Options;

namespace IvrVoice.Providers.Configuration;

/// <summary>Checks <c>Providers</c> and every enabled route's settings, reporting all problems at once.</summary>
internal sealed class ProvidersOptionsValidator(IOptionsMonitor<RouteOptions> routes) : IValidateOptions<ProvidersOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvidersOptions options)
    {
        List<string> errors = [];
        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (string entry in options.Order)
        {
            string? route = RouteNames.Normalize(entry);
            if (route is null)
            {
                errors.Add($"Providers:Order names an unknown route '{entry}'. Known routes: {string.Join(", ", RouteNames.All)}.");
            }
            else if (!seen.Add(route))
            {
                errors.Add($"Providers:Order lists '{route}' twice.");
            }
        }

        if (options.InCallDeadline <= TimeSpan.Zero)
        {
            errors.Add("Providers:InCallDeadline must be positive.");
        }

        if (options.BatchDeadline <= TimeSpan.Zero)
        {
            errors.Add("Providers:BatchDeadline must be positive.");
        }

        if (options.DefaultModel is not null && ModelCatalog.Normalize(options.DefaultModel) is null)
        {
            errors.Add($"Providers:DefaultModel '{options.DefaultModel}' is not a known model. Known models: {string.Join(", ", ModelCatalog.All)}.");
        }

        bool explicitOrder = options.Order.Count > 0;
        foreach (string route in RouteNames.All)
        {
            RouteOptions settings = routes.Get(route);
            bool named = seen.Contains(route);
            bool enabled = explicitOrder ? named : route == RouteNames.Espeak || !string.IsNullOrWhiteSpace(settings.ApiKey);
            if (enabled)
            {
                ValidateRoute(route, settings, named, errors);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateRoute(string route, RouteOptions o, bool namedInOrder, List<string> errors)
    {
        string section = RouteNames.SectionOf(route);
        if (route == RouteNames.Espeak)
        {
            if (string.IsNullOrWhiteSpace(o.BinaryPath))
            {
                errors.Add($"{section}:BinaryPath must name the espeak-ng program.");
            }
            else if (namedInOrder && ExecutableLocator.Find(o.BinaryPath) is null)
            {
                errors.Add($"{section}:BinaryPath '{o.BinaryPath}' was not found; install espeak-ng (bash scripts/setup.sh run) or remove espeak from Providers:Order.");
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(o.ApiKey))
            {
                errors.Add($"{section}:ApiKey is required when {route} is in Providers:Order.");
            }

            if (!SafeUrl.IsAllowed(o.BaseUrl))
            {
                errors.Add($"{section}:BaseUrl must be an absolute https URL (http only for loopback hosts).");
            }

            if (o.WebhookUrl is { Length: > 0 } webhook && !SafeUrl.IsAllowed(webhook))
            {
                errors.Add($"{section}:WebhookUrl must be an absolute https URL (http only for loopback hosts).");
            }
        }

        if (o.AttemptTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:AttemptTimeout must be positive.");
        }

        if (o.MaxRetryAttempts is < 0 or > 10)
        {
            errors.Add($"{section}:MaxRetryAttempts must be between 0 and 10.");
        }

        if (o.RetryBaseDelay <= TimeSpan.Zero || o.MaxRetryDelay < o.RetryBaseDelay)
        {
            errors.Add($"{section}:RetryBaseDelay must be positive and no longer than {section}:MaxRetryDelay.");
        }

        if (o.BreakerFailureRatio is <= 0 or > 1)
        {
            errors.Add($"{section}:BreakerFailureRatio must be above 0 and at most 1.");
        }

        if (o.BreakerMinimumThroughput < 2)
        {
            errors.Add($"{section}:BreakerMinimumThroughput must be at least 2.");
        }

        // Polly's own lower bounds for the breaker's windows.
        if (o.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || o.BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{section}:BreakerSamplingDuration and {section}:BreakerBreakDuration must be at least 0.5 s.");
        }

        if (o.MaxConcurrency < 1)
        {
            errors.Add($"{section}:MaxConcurrency must be at least 1.");
        }

        if (o.MaxResponseBytes < 1024)
        {
            errors.Add($"{section}:MaxResponseBytes must be at least 1024.");
        }

        if (o.PollInterval <= TimeSpan.Zero || o.MaxPollInterval < o.PollInterval)
        {
            errors.Add($"{section}:PollInterval must be positive and no longer than {section}:MaxPollInterval.");
        }

        if (o.WordsPerMinute is < 80 or > 450)
        {
            errors.Add($"{section}:WordsPerMinute must be between 80 and 450.");
        }
    }
}
