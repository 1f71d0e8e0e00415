using Microsoft.Extensions.Configuration;

namespace IvrVoice.Providers.Configuration;

/// <summary>Reads <c>Providers</c>, accepting <c>Providers:Order</c> as an array or as a comma list (handy in environment variables).</summary>
internal static class ProvidersConfiguration
{
    public static void Bind(IConfiguration configuration, ProvidersOptions options)
    {
        IConfigurationSection section = configuration.GetSection(ProvidersOptions.SectionName);
        IConfigurationSection order = section.GetSection("Order");
        IEnumerable<string?> entries = order.GetChildren().Any()
            ? order.GetChildren().Select(c => c.Value)
            : (order.Value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        options.Order = [.. entries.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => RouteNames.Normalize(e) ?? e!.Trim())];
        options.DefaultModel = ModelCatalog.Normalize(section["DefaultModel"]) ?? NullIfBlank(section["DefaultModel"]);
        options.InCallDeadline = section.GetValue("InCallDeadline", options.InCallDeadline);
        options.BatchDeadline = section.GetValue("BatchDeadline", options.BatchDeadline);
        options.JournalFolder = NullIfBlank(section["JournalFolder"]);
    }

    /// <summary>The routes in effect: the configured order, else every route with a key in the default order, then espeak.</summary>
    public static IReadOnlyList<string> EffectiveOrder(ProvidersOptions options, Func<string, RouteOptions> routeOptions)
    {
        if (options.Order.Count > 0)
        {
            return options.Order;
        }

        return [.. RouteNames.All.Where(r => r == RouteNames.Espeak || !string.IsNullOrWhiteSpace(routeOptions(r).ApiKey))];
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
