namespace IvrVoice.Providers.Configuration;

/// <summary>The route names, exactly as they appear in <c>Providers:Order</c> and in results.</summary>
internal static class RouteNames
{
    public const string Gemini = "gemini";
    public const string AiGateway = "aigateway";
    public const string OpenRouter = "openrouter";
    public const string Vtrix = "vtrix";
    public const string Pixazo = "pixazo";
    public const string Segmind = "segmind";
    public const string Espeak = "espeak";

    /// <summary>Every route, in the default failover order: direct first, then sync gateways, then async ones, then offline.</summary>
    public static IReadOnlyList<string> All { get; } = [Gemini, OpenRouter, AiGateway, Segmind, Vtrix, Pixazo, Espeak];

    /// <summary>The configuration section of a route: <c>Providers:Pixazo</c> for <c>pixazo</c>.</summary>
    public static string SectionOf(string route) => route switch
    {
        Gemini => "Providers:Gemini",
        AiGateway => "Providers:AIgateway",
        OpenRouter => "Providers:OpenRouter",
        Vtrix => "Providers:Vtrix",
        Pixazo => "Providers:Pixazo",
        Segmind => "Providers:Segmind",
        Espeak => "Providers:Espeak",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "Unknown route."),
    };

    public static string? Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        string trimmed = name.Trim();
        return All.FirstOrDefault(r => string.Equals(r, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? (string.Equals(trimmed, "espeak-ng", StringComparison.OrdinalIgnoreCase) ? Espeak : null);
    }
}
