using System.Collections.Frozen;

namespace IvrVoice.Providers.Configuration;

/// <summary>
/// Each route's documented defaults (see docs/providers.md), one row per route, applied before configuration is bound.
/// A setting a row leaves out keeps <see cref="RouteOptions"/>' own default.
/// </summary>
internal static class RouteDefaults
{
    // Google's list price for Gemini 3.1 Flash TTS (USD per million input, output tokens), which the token-metered routes
    // pass through (AIgateway charges its 5 % fee at top-up, not per call; Vtrix does not publish its rate, so this is the estimate).
    private const decimal GoogleInputPrice = 1.00m;
    private const decimal GoogleOutputPrice = 20.00m;

    private static readonly FrozenDictionary<string, Row> s_rows = new Dictionary<string, Row>
    {
        [RouteNames.Gemini] = new(
            "https://generativelanguage.googleapis.com", TimeSpan.FromSeconds(30),
            new()
            {
                [ModelCatalog.Gemini31FlashTts] = "gemini-3.1-flash-tts-preview",
                [ModelCatalog.Gemini38FlashTts] = "gemini-3.8-flash-tts",
                [ModelCatalog.Gemini38FlashLiteTts] = "gemini-3.8-flash-lite-tts",
            },
            InputPrice: GoogleInputPrice, OutputPrice: GoogleOutputPrice),
        [RouteNames.AiGateway] = new(
            "https://api.aigateway.sh", TimeSpan.FromSeconds(30),
            new() { [ModelCatalog.Gemini31FlashTts] = "google/gemini-3.1-flash-tts" },
            InputPrice: GoogleInputPrice, OutputPrice: GoogleOutputPrice),
        [RouteNames.OpenRouter] = new(
            "https://openrouter.ai/api", TimeSpan.FromSeconds(30),
            new()
            {
                [ModelCatalog.Gemini31FlashTts] = "google/gemini-3.1-flash-tts-preview",
                [ModelCatalog.Gemini38FlashTts] = "google/gemini-3.8-flash-tts",
            },
            InputPrice: GoogleInputPrice, OutputPrice: GoogleOutputPrice),
        [RouteNames.Vtrix] = new(
            "https://cloud.vtrix.ai", TimeSpan.FromSeconds(120),
            new() { [ModelCatalog.Gemini31FlashTts] = "gemini_3_1_flash_tts_preview" },
            InputPrice: GoogleInputPrice, OutputPrice: GoogleOutputPrice,
            PollInterval: TimeSpan.FromMilliseconds(500), MaxPollInterval: TimeSpan.FromSeconds(2)),
        // The vendor asks for polls every 5-10 s; start at 2 s for short prompts, then back off to 8 s.
        [RouteNames.Pixazo] = new(
            "https://gateway.pixazo.ai", TimeSpan.FromSeconds(180),
            new() { [ModelCatalog.Gemini31FlashTts] = "gemini-flash-tts" },
            PricePerRequest: 0.04m, PollInterval: TimeSpan.FromSeconds(2), MaxPollInterval: TimeSpan.FromSeconds(8)),
        [RouteNames.Segmind] = new(
            "https://api.segmind.com", TimeSpan.FromSeconds(120),
            new() { [ModelCatalog.Gemini31FlashTts] = "gemini-3.1-flash-tts" },
            PollInterval: TimeSpan.FromSeconds(1), MaxPollInterval: TimeSpan.FromSeconds(3)),
        [RouteNames.Espeak] = new(
            null, TimeSpan.FromSeconds(30),
            new() { [ModelCatalog.EspeakNg] = "espeak-ng" },
            PricePerRequest: 0m, MaxRetryAttempts: 0, MaxConcurrency: Math.Max(1, Environment.ProcessorCount)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Apply(string route, RouteOptions options)
    {
        Row row = RowOf(route);
        options.BaseUrl = row.BaseUrl ?? options.BaseUrl;
        options.AttemptTimeout = row.AttemptTimeout;
        options.InputPricePerMillionTokensUsd = row.InputPrice ?? options.InputPricePerMillionTokensUsd;
        options.OutputPricePerMillionTokensUsd = row.OutputPrice ?? options.OutputPricePerMillionTokensUsd;
        options.PricePerRequestUsd = row.PricePerRequest ?? options.PricePerRequestUsd;
        options.PollInterval = row.PollInterval ?? options.PollInterval;
        options.MaxPollInterval = row.MaxPollInterval ?? options.MaxPollInterval;
        options.MaxRetryAttempts = row.MaxRetryAttempts ?? options.MaxRetryAttempts;
        options.MaxConcurrency = row.MaxConcurrency ?? options.MaxConcurrency;
    }

    /// <summary>The route's documented model id for each canonical model it serves.</summary>
    public static IReadOnlyDictionary<string, string> ModelIds(string route) => RowOf(route).ModelIds;

    /// <summary>Documented prices of the Gemini TTS models on Google's list (USD per million input, output tokens).</summary>
    public static (decimal Input, decimal Output)? ListPrice(string canonicalModel) => canonicalModel switch
    {
        ModelCatalog.Gemini31FlashTts => (GoogleInputPrice, GoogleOutputPrice),
        ModelCatalog.Gemini38FlashTts => (0.50m, 9.00m),
        ModelCatalog.Gemini38FlashLiteTts => (0.50m, 6.00m),
        _ => null,
    };

    private static Row RowOf(string route) =>
        s_rows.TryGetValue(route, out Row? row) ? row : throw new ArgumentOutOfRangeException(nameof(route), route, "Unknown route.");

    private sealed record Row(
        string? BaseUrl,
        TimeSpan AttemptTimeout,
        Dictionary<string, string> ModelIds,
        decimal? InputPrice = null,
        decimal? OutputPrice = null,
        decimal? PricePerRequest = null,
        TimeSpan? PollInterval = null,
        TimeSpan? MaxPollInterval = null,
        int? MaxRetryAttempts = null,
        int? MaxConcurrency = null);
}
