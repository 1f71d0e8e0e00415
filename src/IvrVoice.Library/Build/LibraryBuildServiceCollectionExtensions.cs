using IvrVoice.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IvrVoice.Library.Build;

public static class LibraryBuildServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PromptLibraryBuilder"/>. Call after <c>AddPromptRendering</c>: the router is wrapped so the build can
    /// keep each render's decoded audio for its 16-bit and A-law exports.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="ITtsRouter"/> is registered yet.</exception>
    public static IServiceCollection AddLibraryBuilds(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(RenderCapture)))
        {
            ServiceDescriptor router = services.LastOrDefault(d => d.ServiceType == typeof(ITtsRouter) && !d.IsKeyedService)
                ?? throw new InvalidOperationException("Register the providers (AddPromptRendering) before AddLibraryBuilds.");
            services.Remove(router);
            services.AddSingleton(provider => new RenderCapture(CreateInner(provider, router)));
            services.AddSingleton<ITtsRouter>(provider => provider.GetRequiredService<RenderCapture>());
        }

        services.TryAddSingleton<PromptLibraryBuilder>();
        return services;
    }

    private static ITtsRouter CreateInner(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (ITtsRouter)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));
}
