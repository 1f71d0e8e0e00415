using IvrVoice.Providers.Adapters;
using IvrVoice.Providers.Configuration;
using IvrVoice.Providers.Journal;
using IvrVoice.Providers.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IvrVoice.Providers;

/// <summary>Registers the text-to-speech routes, their resilience, the router and the job journal.</summary>
public static class ProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Adds every route (configured from <c>Providers:&lt;Name&gt;</c>), <see cref="ITtsRouter"/>, <see cref="ITtsJobJournal"/>
    /// (file-backed when <c>Providers:JournalFolder</c> is set) and a <see cref="TimeProvider"/> if none is registered.
    /// Settings are validated when the router is first resolved (and at host start), with messages naming each setting.
    /// </summary>
    public static IServiceCollection AddTtsProviders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(ITtsRouter)))
        {
            return services;   // already added (the CLI host and the render pipeline both ask for it)
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddMetrics();
        services.AddOptions<ProvidersOptions>()
            .Configure(o => ProvidersConfiguration.Bind(configuration, o))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProvidersOptions>, ProvidersOptionsValidator>());

        foreach (string route in RouteNames.All)
        {
            IConfigurationSection section = configuration.GetSection(RouteNames.SectionOf(route));
            services.AddOptions<RouteOptions>(route)
                .Configure(o => RouteDefaults.Apply(route, o))
                .Bind(section);
            services.AddHttpClient(HttpClientNames.For(route), client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    // Redirects could carry a key to another host; the routes never need them.
                    AllowAutoRedirect = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                });
        }

        services.TryAddSingleton<ITtsJobJournal>(sp =>
        {
            ProvidersOptions options = sp.GetRequiredService<IOptions<ProvidersOptions>>().Value;
            return options.JournalFolder is { } folder
                ? new FileTtsJobJournal(folder)
                : new InMemoryTtsJobJournal(sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<HttpRouteServices>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITtsProvider, GeminiTtsProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITtsProvider, AiGatewayTtsProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITtsProvider, OpenRouterTtsProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITtsProvider, VtrixTtsProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITtsProvider, PixazoTtsProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITtsProvider, SegmindTtsProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITtsProvider, EspeakTtsProvider>());
        services.TryAddSingleton<TtsMetrics>();
        services.TryAddSingleton<ITtsRouter, TtsRouter>();
        services.TryAddSingleton<ITtsStreamRouter, Streaming.TtsStreamRouter>();
        return services;
    }
}
