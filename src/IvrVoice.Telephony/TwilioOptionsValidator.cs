using Microsoft.Extensions.Options;

namespace IvrVoice.Telephony;

/// <summary>Start-up checks for <see cref="TwilioOptions"/>; reports every problem at once, each naming its setting.</summary>
internal sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        List<string> failures = [];
        string section = TwilioOptions.SectionName;

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
            failures.Add($"{section}:MaxBodyBytes must be between 1024 and 16777216 bytes (default {TwilioOptions.DefaultMaxBodyBytes}).");

        if (!Enum.IsDefined(options.RequestValidation))
            failures.Add($"{section}:RequestValidation must be Enabled or Disabled.");

        if (options.RequestValidation == TwilioRequestValidation.Enabled && string.IsNullOrWhiteSpace(options.AuthToken))
        {
            failures.Add($"{section}:AuthToken is required while {section}:RequestValidation is Enabled: set it to the auth token of the Twilio account "
                + $"(environment variable {section}__AuthToken). For a local demo without Twilio, set {section}:RequestValidation to Disabled instead.");
        }
        if (!string.IsNullOrWhiteSpace(options.AuthToken) && options.AuthToken.Trim() != options.AuthToken)
            failures.Add($"{section}:AuthToken has leading or trailing whitespace, so no signature would ever match; remove it.");

        for (int i = 0; i < options.SecondaryAuthTokens.Count; i++)
        {
            string token = options.SecondaryAuthTokens[i];
            if (string.IsNullOrWhiteSpace(token))
                failures.Add($"{section}:SecondaryAuthTokens:{i} is empty; remove the entry or set a token.");
            else if (token.Trim() != token)
                failures.Add($"{section}:SecondaryAuthTokens:{i} has leading or trailing whitespace, so no signature would ever match; remove it.");
        }

        if (!string.IsNullOrEmpty(options.PublicBaseUrl) && ParsePublicBaseUrl(options.PublicBaseUrl) is null)
        {
            // The value is never echoed: it may carry a user name and password.
            failures.Add($"{section}:PublicBaseUrl must be an absolute http:// or https:// URL without user name, password, query or fragment, "
                + "such as https://ivr.example.com or https://example.com/ivr.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The base URL without a trailing slash, or null when it is not an absolute http(s) URL.</summary>
    internal static string? ParsePublicBaseUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return null;
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || value.Contains('?') || value.Contains('#')) return null;
        // Keep the text as written (host casing, explicit port): Twilio signs the URL exactly as it was configured.
        return value.TrimEnd('/');
    }
}
