using Polly;

namespace IvrVoice.Providers.Routing;

/// <summary>
/// Caps the calls in flight on one route; later calls wait (cancellably) for a slot. Polly.Core has no limiter of its
/// own and Polly.RateLimiting is not on our package mirror, so this is the small part of it we need.
/// </summary>
internal sealed class ConcurrencyLimitStrategy(int maxConcurrency) : ResilienceStrategy
{
    private readonly SemaphoreSlim _slots = new(maxConcurrency, maxConcurrency);

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        try
        {
            await _slots.WaitAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException ex)
        {
            return Outcome.FromException<TResult>(ex);
        }

        try
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            _slots.Release();
        }
    }
}
