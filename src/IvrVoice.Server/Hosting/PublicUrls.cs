using IvrVoice.Telephony;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Hosting;

/// <summary>
/// Builds the absolute URLs the service hands to Twilio (prompt audio, Gather actions): <c>Twilio:PublicBaseUrl</c> when set,
/// else the request's own scheme and host, followed by the path base and the path. Twilio signs what it requests, and the
/// signature check rebuilds the URL the same way.
/// </summary>
internal sealed class PublicUrls
{
    private readonly string? _publicBaseUrl;

    public PublicUrls(IOptions<TwilioOptions> twilio)
    {
        string? configured = twilio.Value.PublicBaseUrl;
        _publicBaseUrl = string.IsNullOrWhiteSpace(configured) ? null : configured.TrimEnd('/');
    }

    /// <summary>The absolute URL of <paramref name="pathAndQuery"/> (which starts with '/').</summary>
    public string Absolute(HttpContext context, string pathAndQuery)
    {
        HttpRequest request = context.Request;
        string origin = _publicBaseUrl ?? $"{request.Scheme}://{request.Host.ToUriComponent()}";
        return origin + request.PathBase.ToUriComponent() + pathAndQuery;
    }

    /// <summary>The URL of a cached prompt's audio.</summary>
    public string PromptAudio(HttpContext context, Caching.PromptKey key) => Absolute(context, $"/prompts/{key}.wav");
}
