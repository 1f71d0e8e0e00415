namespace IvrVoice.Providers.Configuration;

/// <summary>Each route's documented defaults (see docs/providers.md), applied before configuration is bound.</summary>
internal static class RouteDefaults
{
    public static void Apply(string route, RouteOptions options)
    {
        switch (route)
        {
            case RouteNames.Gemini:
                options.BaseUrl = "https://generativelanguage.googleapis.com";
                options.AttemptTimeout = TimeSpan.FromSeconds(30);
                options.InputPricePerMillionTokensUsd = 1.00m;
                options.OutputPricePerMillionTokensUsd = 20.00m;
                break;
            case RouteNames.AiGateway:
                options.BaseUrl = "https://api.aigateway.sh";
                options.AttemptTimeout = TimeSpan.FromSeconds(30);
                // Pass-through of Google's list price; the 5 % fee is charged at top-up, not per call.
                options.InputPricePerMillionTokensUsd = 1.00m;
                options.OutputPricePerMillionTokensUsd = 20.00m;
                break;
            case RouteNames.OpenRouter:
                options.BaseUrl = "https://openrouter.ai/api";
                options.AttemptTimeout = TimeSpan.FromSeconds(30);
                options.InputPricePerMillionTokensUsd = 1.00m;
                options.OutputPricePerMillionTokensUsd = 20.00m;
                break;
            case RouteNames.Vtrix:
                options.BaseUrl = "https://cloud.vtrix.ai";
                options.AttemptTimeout = TimeSpan.FromSeconds(120);
                options.PollInterval = TimeSpan.FromMilliseconds(500);
                options.MaxPollInterval = TimeSpan.FromSeconds(2);
                // Token-metered; the rate is not published, so Google's list price is the estimate.
                options.InputPricePerMillionTokensUsd = 1.00m;
                options.OutputPricePerMillionTokensUsd = 20.00m;
                break;
            case RouteNames.Pixazo:
                options.BaseUrl = "https://gateway.pixazo.ai";
                options.AttemptTimeout = TimeSpan.FromSeconds(180);
                // The vendor asks for polls every 5-10 s; start at 2 s for short prompts, then back off to 8 s.
                options.PollInterval = TimeSpan.FromSeconds(2);
                options.MaxPollInterval = TimeSpan.FromSeconds(8);
                options.PricePerRequestUsd = 0.04m;
                break;
            case RouteNames.Segmind:
                options.BaseUrl = "https://api.segmind.com";
                options.AttemptTimeout = TimeSpan.FromSeconds(120);
                options.PollInterval = TimeSpan.FromSeconds(1);
                options.MaxPollInterval = TimeSpan.FromSeconds(3);
                break;
            case RouteNames.Espeak:
                options.AttemptTimeout = TimeSpan.FromSeconds(30);
                options.MaxRetryAttempts = 0;
                options.MaxConcurrency = Math.Max(1, Environment.ProcessorCount);
                options.PricePerRequestUsd = 0m;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(route), route, "Unknown route.");
        }
    }

    /// <summary>The route's documented model id for each canonical model it serves.</summary>
    public static IReadOnlyDictionary<string, string> ModelIds(string route) => route switch
    {
        RouteNames.Gemini => new Dictionary<string, string>
        {
            [ModelCatalog.Gemini31FlashTts] = "gemini-3.1-flash-tts-preview",
            [ModelCatalog.Gemini38FlashTts] = "gemini-3.8-flash-tts",
            [ModelCatalog.Gemini38FlashLiteTts] = "gemini-3.8-flash-lite-tts",
        },
        RouteNames.AiGateway => new Dictionary<string, string> { [ModelCatalog.Gemini31FlashTts] = "google/gemini-3.1-flash-tts" },
        RouteNames.OpenRouter => new Dictionary<string, string>
        {
            [ModelCatalog.Gemini31FlashTts] = "google/gemini-3.1-flash-tts-preview",
            [ModelCatalog.Gemini38FlashTts] = "google/gemini-3.8-flash-tts",
        },
        RouteNames.Vtrix => new Dictionary<string, string> { [ModelCatalog.Gemini31FlashTts] = "gemini_3_1_flash_tts_preview" },
        RouteNames.Pixazo => new Dictionary<string, string> { [ModelCatalog.Gemini31FlashTts] = "gemini-flash-tts" },
        RouteNames.Segmind => new Dictionary<string, string> { [ModelCatalog.Gemini31FlashTts] = "gemini-3.1-flash-tts" },
        RouteNames.Espeak => new Dictionary<string, string> { [ModelCatalog.EspeakNg] = "espeak-ng" },
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "Unknown route."),
    };

    /// <summary>Documented prices of the Gemini 3.8 models on Google's list (USD per million input, output tokens).</summary>
    public static (decimal Input, decimal Output)? ListPrice(string canonicalModel) => canonicalModel switch
    {
        ModelCatalog.Gemini31FlashTts => (1.00m, 20.00m),
        ModelCatalog.Gemini38FlashTts => (0.50m, 9.00m),
        ModelCatalog.Gemini38FlashLiteTts => (0.50m, 6.00m),
        _ => null,
    };
}
