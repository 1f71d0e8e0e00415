namespace IvrVoice.Library.Loading;

/// <summary>"Did you mean" for misspelt keys, voices and names.</summary>
internal static class Suggestions
{
    /// <summary>The candidate equal to <paramref name="value"/> but for case, else the closest one at most two edits away.</summary>
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = 3;
        foreach (string candidate in candidates)
        {
            if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }

            int distance = Distance(value.ToLowerInvariant(), candidate.ToLowerInvariant(), bestDistance);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance, giving up (returning <paramref name="limit"/>) once it cannot be below it.</summary>
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) >= limit || a.Length > 64 || b.Length > 64)
        {
            return limit;
        }

        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMinimum = current[0];
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                rowMinimum = Math.Min(rowMinimum, current[j]);
            }

            if (rowMinimum >= limit)
            {
                return limit;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
