using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace IvrVoice.Caching;

/// <summary>
/// The cache's instruments on the meter <see cref="MeterName"/>: hits by tier, misses, renders by outcome, evictions
/// by tier, and the bytes each tier holds. One instance per service provider.
/// </summary>
public sealed class PromptCacheMetrics : IDisposable
{
    public const string MeterName = "IvrVoice.Caching";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _renders;
    private readonly Counter<long> _evictions;
    private readonly ConcurrentDictionary<string, Func<long>> _storedBytesSources = new(StringComparer.Ordinal);
    private readonly Counter<long> _storeFailures;
    private Func<(string Store, bool Degraded, int PendingWrites)>? _storeState;

    /// <param name="meterFactory">The host's factory; null creates a meter owned by this instance.</param>
    public PromptCacheMetrics(IMeterFactory? meterFactory = null)
    {
        // A factory's meters belong to the factory, which disposes them; only a meter made here is disposed here.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _hits = _meter.CreateCounter<long>("ivrvoice.cache.hits", "{lookup}", "Prompt lookups answered from a cache tier.");
        _misses = _meter.CreateCounter<long>("ivrvoice.cache.misses", "{lookup}", "Prompt lookups no tier could answer.");
        _renders = _meter.CreateCounter<long>("ivrvoice.cache.renders", "{render}", "Renders run on a cache miss, by outcome.");
        _evictions = _meter.CreateCounter<long>("ivrvoice.cache.evictions", "{entry}", "Entries evicted to stay within a size limit.");
        _meter.CreateObservableGauge("ivrvoice.cache.stored_bytes", ObserveStoredBytes, "By", "Bytes held by each cache tier.");
        _storeFailures = _meter.CreateCounter<long>("ivrvoice.cache.store_failures", "{operation}", "Store operations that failed or did not answer in Cache:StoreTimeout, by store and operation.");
        _meter.CreateObservableGauge("ivrvoice.cache.store_degraded", ObserveDegraded, "{state}", "1 while the durable store fails and the cache serves without it (memory, renders, pending writes); 0 when healthy.");
        _meter.CreateObservableGauge("ivrvoice.cache.store_pending_writes", ObservePendingWrites, "{prompt}", "Rendered prompts waiting to be written when the store answers again.");
    }

    internal void Hit(string tier) => _hits.Add(1, new KeyValuePair<string, object?>("tier", tier));

    internal void Miss() => _misses.Add(1);

    internal void Rendered(bool succeeded) =>
        _renders.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));

    internal void Evicted(string tier, long count = 1) => _evictions.Add(count, new KeyValuePair<string, object?>("tier", tier));

    internal void StoreFailed(string store, string operation) =>
        _storeFailures.Add(1, new KeyValuePair<string, object?>("store", store), new KeyValuePair<string, object?>("operation", operation));

    internal void ObserveStoreState(Func<(string Store, bool Degraded, int PendingWrites)> state) => _storeState = state;

    /// <summary>Registers the callback the gauge reads for a tier; the latest registration for a tier wins.</summary>
    internal void ObserveStoredBytes(string tier, Func<long> storedBytes) => _storedBytesSources[tier] = storedBytes;

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<long>> ObserveDegraded()
    {
        if (_storeState?.Invoke() is { } state)
        {
            yield return new Measurement<long>(state.Degraded ? 1 : 0, new KeyValuePair<string, object?>("store", state.Store));
        }
    }

    private IEnumerable<Measurement<long>> ObservePendingWrites()
    {
        if (_storeState?.Invoke() is { } state)
        {
            yield return new Measurement<long>(state.PendingWrites, new KeyValuePair<string, object?>("store", state.Store));
        }
    }

    private IEnumerable<Measurement<long>> ObserveStoredBytes()
    {
        foreach (KeyValuePair<string, Func<long>> source in _storedBytesSources)
        {
            yield return new Measurement<long>(source.Value(), new KeyValuePair<string, object?>("tier", source.Key));
        }
    }
}
