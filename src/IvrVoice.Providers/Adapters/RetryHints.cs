using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace IvrVoice.Providers.Adapters;

/// <summary>Reads the wait a route asks for: Retry-After, Segmind's reset time, or Google's RetryInfo.</summary>
internal static class RetryHints
{
    private static readonly TimeSpan s_longest = TimeSpan.FromHours(1);

    public static TimeSpan? From(HttpResponseHeaders headers, string? body, DateTimeOffset now)
    {
        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return Clamp(delta);
            }

            if (retryAfter.Date is { } date)
            {
                return Clamp(date - now);
            }
        }

        // Segmind sends no Retry-After, only when the window resets.
        if (headers.TryGetValues("x-rate-limit-reset-at-utc", out IEnumerable<string>? values) && ParseInstant(values.First()) is { } reset)
        {
            return Clamp(reset - now);
        }

        return GoogleRetryDelay(body);
    }

    private static DateTimeOffset? ParseInstant(string value)
    {
        string text = value.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long epoch))
        {
            // Seconds or milliseconds since 1970, whichever is plausible.
            return epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at)
            ? at
            : null;
    }

    // google.rpc.Status: {"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12s"}]}}
    private static TimeSpan? GoogleRetryDelay(string? body)
    {
        if (string.IsNullOrEmpty(body) || !body.Contains("RetryInfo", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out JsonElement error) || !error.TryGetProperty("details", out JsonElement details)
                || details.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (JsonElement detail in details.EnumerateArray())
            {
                if (detail.TryGetProperty("retryDelay", out JsonElement delay) && delay.GetString() is { } text && text.EndsWith('s')
                    && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
                {
                    return Clamp(TimeSpan.FromSeconds(seconds));
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > s_longest ? s_longest : wait;
}
