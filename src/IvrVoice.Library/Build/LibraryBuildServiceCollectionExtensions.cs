using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IvrVoice.Library.Build;

public static class LibraryBuildServiceCollectionExtensions
{
    /// <summary>Adds <see cref="PromptLibraryBuilder"/>; call after <c>AddPromptRendering</c>.</summary>
    public static IServiceCollection AddLibraryBuilds(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<PromptLibraryBuilder>();
        return services;
    }
}
