using IvrVoice.Server.Hosting;

namespace IvrVoice.Server.Metrics;

internal static class MetricsEndpoints
{
    /// <summary>The web app's meter and the Prometheus exporter that reads it with the cache and provider meters.</summary>
    public static IServiceCollection AddServerMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<PrometheusExporter>();
        return services;
    }

    /// <summary><c>GET /metrics</c> in the Prometheus text format.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        // Resolved now, not on the first scrape, so the listener sees every measurement from the start.
        PrometheusExporter exporter = endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        endpoints.MapGet("/metrics", () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
        return endpoints;
    }
}
