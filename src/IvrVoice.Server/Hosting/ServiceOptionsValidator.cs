using IvrVoice.Providers;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Hosting;

/// <summary>Start-up checks for <see cref="ServiceOptions"/>; reports every problem at once, each naming its setting and never its value.</summary>
internal sealed class ServiceOptionsValidator : IValidateOptions<ServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceOptions options)
    {
        const string section = ServiceOptions.SectionName;
        List<string> failures = [];
        if (!Enum.IsDefined(options.LogFormat))
        {
            failures.Add($"{section}:LogFormat must be Text or Json.");
        }

        if (!string.IsNullOrEmpty(options.UrlSigningKey) && options.UrlSigningKey.Trim().Length < ServiceOptions.MinSigningKeyLength)
        {
            failures.Add($"{section}:UrlSigningKey must be at least {ServiceOptions.MinSigningKeyLength} characters (e.g. `openssl rand -hex 32`), or empty for a random key per process.");
        }

        for (int i = 0; i < options.ApiKeys.Count; i++)
        {
            string key = options.ApiKeys[i] ?? "";
            if (key.Trim().Length < ServiceOptions.MinApiKeyLength)
            {
                failures.Add($"{section}:ApiKeys:{i} must be at least {ServiceOptions.MinApiKeyLength} characters (e.g. `openssl rand -hex 24`).");
            }
            else if (key.Trim() != key)
            {
                failures.Add($"{section}:ApiKeys:{i} has leading or trailing whitespace, so no request could ever match it; remove it.");
            }
        }

        if (options.AnnouncementUrlLifetime < TimeSpan.FromMinutes(1) || options.AnnouncementUrlLifetime > TimeSpan.FromDays(7))
        {
            failures.Add($"{section}:AnnouncementUrlLifetime must be between 00:01:00 and 7.00:00:00.");
        }

        if (options.InCallWait <= TimeSpan.Zero || options.InCallWait > ServiceOptions.MaxInCallWait)
        {
            failures.Add($"{section}:InCallWait must be greater than zero and at most {ServiceOptions.MaxInCallWait:c}: Twilio fails a webhook that takes 15 seconds.");
        }

        if (!Enum.IsDefined(options.SayVoiceFamily))
        {
            failures.Add($"{section}:SayVoiceFamily must be PollyNeural or GoogleChirp3HD.");
        }

        if (options.RateLimit is null || options.RateLimit.PermitsPerMinute is < 1 or > 1_000_000)
        {
            failures.Add($"{section}:RateLimit:PermitsPerMinute must be between 1 and 1000000.");
        }

        if (options.RateLimit is null || options.RateLimit.Burst is < 1 or > 1_000_000)
        {
            failures.Add($"{section}:RateLimit:Burst must be between 1 and 1000000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Start-up checks for <see cref="FlowOptions"/>.</summary>
internal sealed class FlowOptionsValidator : IValidateOptions<FlowOptions>
{
    public ValidateOptionsResult Validate(string? name, FlowOptions options)
    {
        const string section = FlowOptions.SectionName;
        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            failures.Add($"{section}:Folder must name the prompt library folder (for example prompts).");
        }
        else if (options.Folder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{section}:Folder contains characters that are not valid in a path.");
        }

        if (!string.IsNullOrWhiteSpace(options.FallbackModel) && !ModelCatalog.IsKnown(options.FallbackModel))
        {
            failures.Add($"{section}:FallbackModel must be empty or one of {string.Join(", ", ModelCatalog.All)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
