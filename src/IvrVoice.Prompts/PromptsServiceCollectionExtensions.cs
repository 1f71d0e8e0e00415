using IvrVoice.Caching;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IvrVoice.Prompts;

public static class PromptsServiceCollectionExtensions
{
    /// <summary>Providers, cache, the render pipeline and announcements, with options validated at start-up.</summary>
    public static IServiceCollection AddPromptRendering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTtsProviders(configuration);
        services.AddPromptCache(configuration);
        services.AddOptions<PromptOptions>()
            .Bind(configuration.GetSection(PromptOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PromptRenderer>();
        services.AddOptions<AnnouncementOptions>()
            .Bind(configuration.GetSection(AnnouncementOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<AnnouncementRenderer>();
        return services;
    }
}
