using IvrVoice.Providers.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IvrVoice.Providers.Adapters;

/// <summary>What every HTTP route is built from, one registration for all of them.</summary>
internal sealed class HttpRouteServices(
    IHttpClientFactory httpClientFactory, IOptionsMonitor<RouteOptions> routes, TimeProvider timeProvider, ILoggerFactory loggerFactory)
{
    public IHttpClientFactory HttpClientFactory { get; } = httpClientFactory;

    /// <summary>Each route's settings, by route name.</summary>
    public IOptionsMonitor<RouteOptions> Routes { get; } = routes;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
