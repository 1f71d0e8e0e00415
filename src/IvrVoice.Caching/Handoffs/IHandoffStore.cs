namespace IvrVoice.Caching;

/// <summary>
/// Short-lived values one request leaves for another, each with an expiry: what a call's Media Stream heard for the
/// <c>&lt;Connect action&gt;</c> request that follows it, an announcement too long for a URL behind a signed ticket. With the
/// PostgreSQL prompt store every node sharing it sees the same values (<see cref="Shared"/>), so the request that reads may
/// land on another node than the one that wrote; otherwise they live in this process's memory. Safe for concurrent use.
/// </summary>
public interface IHandoffStore
{
    /// <summary>True when every node sharing the prompt store sees these values (PostgreSQL); false for one process's memory.</summary>
    bool Shared { get; }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> for <paramref name="lifetime"/>, replacing what was there.</summary>
    /// <exception cref="TimeoutException">The shared store did not answer within <c>Cache:StoreTimeout</c>.</exception>
    Task PutAsync(string key, string value, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>The value under <paramref name="key"/>, or null when there is none or it expired; it stays for other readers.</summary>
    /// <exception cref="TimeoutException">The shared store did not answer within <c>Cache:StoreTimeout</c>.</exception>
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>The value under <paramref name="key"/>, removed as it is read (one reader gets it), or null.</summary>
    /// <exception cref="TimeoutException">The shared store did not answer within <c>Cache:StoreTimeout</c>.</exception>
    Task<string?> TakeAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Limits every hand-off store enforces, so a caller's mistake fails the same way on each.</summary>
internal static class HandoffLimits
{
    public const int MaxKeyLength = 200;
    public const int MaxValueLength = 256 * 1024;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    public static void Check(string key, string? value = null, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxKeyLength, nameof(key));
        if (value is not null)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, MaxValueLength, nameof(value));
        }

        if (lifetime is { } span && (span <= TimeSpan.Zero || span > MaxLifetime))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "A hand-off lives longer than zero and at most seven days.");
        }
    }
}
