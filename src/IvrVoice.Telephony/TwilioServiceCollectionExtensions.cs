using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Telephony;

/// <summary>Registers Twilio request validation.</summary>
public static class TwilioServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TwilioOptions"/> from the <c>Twilio</c> configuration section, validates them at start-up, and registers
    /// what <c>RequireTwilioSignature()</c> and <c>UseTwilioSignatureValidation()</c> need.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Applied after configuration binding, e.g. to set options in tests.</param>
    public static IServiceCollection AddTwilioRequestValidation(this IServiceCollection services, Action<TwilioOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<TwilioOptions> options = services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.SectionName).ValidateOnStart();
        if (configure is not null) options.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.TryAddSingleton<TwilioHttpRequestValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TwilioValidationStartupLog>());
        return services;
    }
}
