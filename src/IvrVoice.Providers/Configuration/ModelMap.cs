namespace IvrVoice.Providers.Configuration;

/// <summary>Maps canonical model ids to one route's ids: documented defaults, then <c>Model</c> and <c>Models</c> overrides.</summary>
internal sealed class ModelMap
{
    private readonly Dictionary<string, string> _ids;

    public ModelMap(string route, RouteOptions options)
    {
        _ids = new Dictionary<string, string>(RouteDefaults.ModelIds(route), StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(options.Model))
        {
            string primary = route == RouteNames.Espeak ? ModelCatalog.EspeakNg : ModelCatalog.Gemini31FlashTts;
            _ids[primary] = options.Model.Trim();
        }

        foreach ((string canonical, string id) in options.Models)
        {
            // A route serves its own family only: espeak audio must never be filed under a Gemini model id, nor the reverse.
            if (ModelCatalog.Normalize(canonical) is { } known && !string.IsNullOrWhiteSpace(id)
                && (known == ModelCatalog.EspeakNg) == (route == RouteNames.Espeak))
            {
                _ids[known] = id.Trim();
            }
        }
    }

    public bool Supports(string model) => ModelCatalog.Normalize(model) is { } canonical && _ids.ContainsKey(canonical);

    public string? RouteIdOf(string model) => ModelCatalog.Normalize(model) is { } canonical && _ids.TryGetValue(canonical, out string? id) ? id : null;
}
