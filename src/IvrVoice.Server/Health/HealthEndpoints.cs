using IvrVoice.Caching;
using IvrVoice.Providers;
using IvrVoice.Server.Api;
using IvrVoice.Server.Voice;

namespace IvrVoice.Server.Health;

internal static class HealthEndpoints
{
    /// <summary>
    /// <c>/healthz</c> (liveness): the process answers; no dependency is touched. <c>/readyz</c> (readiness): this node can
    /// answer calls: its flows are loaded and it is not shutting down. A failing shared store does not make a node unready:
    /// every node would fail together and an orchestrator would empty the cluster, while calls are answered from memory,
    /// renders and &lt;Say&gt;. The store's state is reported instead as <c>"status": "degraded"</c> with the store's detail (and in
    /// the gauge <c>ivrvoice_cache_store_degraded</c> and the log), as is each configured provider route's breaker state.
    /// Answers 503 only while the node stops.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok", "text/plain"));
        endpoints.MapGet("/readyz", ReadyAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(
        PromptCache cache, ITtsRouter router, CallFlows flows, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        // Bounded by Cache:StoreTimeout inside the cache, whatever the store does.
        PromptStoreHealth health = await cache.CheckStoreHealthAsync(cancellationToken).ConfigureAwait(false);
        PromptStoreStatus status = cache.StoreStatus;
        bool stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        RouteReadiness[] routes = [.. router.GetHealth().Where(r => r.Configured).Select(r => new RouteReadiness(r.Name, r.State.ToString()))];
        ReadinessResponse response = new(
            stopping ? "stopping" : health.IsHealthy ? "ready" : "degraded",
            new StoreReadiness(status.Store, health.IsHealthy, health.Description, health.Entries, health.StoredBytes, status.PendingWrites),
            routes,
            flows.Library.Flows.Count);
        return Results.Json(response, ServerJsonContext.Default.ReadinessResponse,
            statusCode: stopping ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
