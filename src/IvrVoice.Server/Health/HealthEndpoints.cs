using IvrVoice.Caching;
using IvrVoice.Providers;
using IvrVoice.Server.Api;
using IvrVoice.Server.Voice;

namespace IvrVoice.Server.Health;

internal static class HealthEndpoints
{
    /// <summary>Longest a readiness probe waits for the store.</summary>
    private static readonly TimeSpan StoreCheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <c>/healthz</c>: the process answers (no dependency is touched). <c>/readyz</c>: the prompt store can be read and written
    /// (503 when not) and each configured provider route's breaker state. Open breakers do not make the service unready: calls
    /// still get every cached prompt, and &lt;Say&gt; for the rest.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok", "text/plain"));
        endpoints.MapGet("/readyz", ReadyAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(PromptCache cache, ITtsRouter router, CallFlows flows, CancellationToken cancellationToken)
    {
        IPromptStore store = cache.Store;
        PromptStoreHealth health;
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StoreCheckTimeout);
        try
        {
            health = await store.CheckHealthAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            health = new PromptStoreHealth(false, $"no answer within {StoreCheckTimeout.TotalSeconds:0} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The type only: an exception message could quote a connection string.
            health = new PromptStoreHealth(false, $"health check failed ({exception.GetType().Name})");
        }

        RouteReadiness[] routes = [.. router.GetHealth().Where(r => r.Configured).Select(r => new RouteReadiness(r.Name, r.State.ToString()))];
        ReadinessResponse response = new(
            health.IsHealthy ? "ready" : "unready",
            new StoreReadiness(store.Name, health.IsHealthy, health.Description, health.Entries, health.StoredBytes),
            routes,
            flows.Library.Flows.Count);
        return Results.Json(response, ServerJsonContext.Default.ReadinessResponse,
            statusCode: health.IsHealthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
