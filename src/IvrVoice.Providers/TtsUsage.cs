namespace IvrVoice.Providers;

/// <summary>What a route reported (or what was estimated) for one synthesis.</summary>
public sealed record TtsUsage(int? InputTokens, int? OutputTokens, int Characters);
