using System.Security.Cryptography;
using System.Text;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Api;

/// <summary>
/// Checks the <c>X-Api-Key</c> header against <c>Service:ApiKeys</c>. Keys are compared as SHA-256 digests in constant time,
/// and every configured key is compared, so neither the timing nor the position of a match says anything about a key.
/// </summary>
internal sealed class ApiKeys
{
    public const string HeaderName = "X-Api-Key";

    private readonly byte[][] _digests;

    public ApiKeys(IOptions<ServiceOptions> options) =>
        _digests = [.. options.Value.ApiKeys.Where(k => !string.IsNullOrEmpty(k)).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    public bool IsEmpty => _digests.Length == 0;

    /// <summary>The index of the matching configured key (a rate-limit partition that does not hold the key itself), or -1.</summary>
    public int Match(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 1024)
        {
            return -1;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        int match = -1;
        for (int i = 0; i < _digests.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(_digests[i], digest))
            {
                match = i;
            }
        }

        return match;
    }

    /// <summary>
    /// The match for a request, hashed once per request: the rate limiter asks first, the key filter after it, and both get
    /// the answer the first question computed.
    /// </summary>
    public int Match(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<ApiKeyMatch>() is { } known)
        {
            return known.Index;
        }

        int index = Match(context.Request.Headers[HeaderName].ToString());
        context.Features.Set(new ApiKeyMatch(index));
        return index;
    }

    /// <summary>The outcome of a request's key check, kept as a request feature.</summary>
    private sealed record ApiKeyMatch(int Index);
}

/// <summary>Refuses requests without a valid API key: 401 problem+json with a WWW-Authenticate challenge naming the header.</summary>
internal sealed class ApiKeyFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ApiKeys keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeys>();
        if (keys.Match(context.HttpContext) >= 0)
        {
            return await next(context).ConfigureAwait(false);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeys.HeaderName}\"";
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "API key required",
            detail: keys.IsEmpty
                ? "The API is closed: no Service:ApiKeys are configured."
                : $"Send a valid key in the {ApiKeys.HeaderName} header.");
    }
}
