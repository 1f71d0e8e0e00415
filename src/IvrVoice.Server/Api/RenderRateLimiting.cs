using System.Globalization;
using System.Threading.RateLimiting;
using IvrVoice.Server.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Api;

/// <summary>
/// A token bucket per client on the endpoints that render: per API key when the request carries a valid one, else per client
/// address. Twilio webhooks are never limited (Twilio treats 429 as a failed call).
/// </summary>
internal static class RenderRateLimiting
{
    public const string PolicyName = "render";

    public static IServiceCollection AddRenderRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = static (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(PolicyName, Partition);
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        RateLimitOptions settings = context.RequestServices.GetRequiredService<IOptions<ServiceOptions>>().Value.RateLimit;
        int key = context.RequestServices.GetRequiredService<ApiKeys>().Match(context);
        // The key's position, not the key: partitions are kept in memory and must not hold secrets.
        string partition = key >= 0 ? $"key:{key}" : $"ip:{context.Connection.RemoteIpAddress}";
        // Partitioned limiters are replenished by a timer that ticks every 100 ms, so refill at most once a second:
        // one token every 60/n seconds up to 60 a minute, ceil(n/60) tokens each second above that.
        (int tokens, TimeSpan period) = settings.PermitsPerMinute <= 60
            ? (1, TimeSpan.FromMinutes(1) / settings.PermitsPerMinute)
            : ((settings.PermitsPerMinute + 59) / 60, TimeSpan.FromSeconds(1));
        return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
