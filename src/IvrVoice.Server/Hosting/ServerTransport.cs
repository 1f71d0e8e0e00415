using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Hosting;

internal static class ServerTransport
{
    /// <summary>Binds and validates <see cref="TransportOptions"/> and applies them to Kestrel and its socket transport.</summary>
    public static IServiceCollection AddServerTransport(this IServiceCollection services)
    {
        services.AddOptions<TransportOptions>().BindConfiguration(TransportOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TransportOptions>, TransportOptionsValidator>();
        // Kestrel's transport reads its options while the app is built, before start-up validation runs; reading the validated
        // options there would turn a bad setting into a crash instead of the start-up report. So the settings are read here
        // without validation and applied only when valid: an invalid one leaves Kestrel's default, and validation then stops
        // the start, naming it, before anything listens.
        services.AddOptions<SocketTransportOptions>().Configure<IConfiguration>((socket, configuration) =>
        {
            if (Read(configuration) is { } transport)
            {
                if (IsSet(configuration, nameof(TransportOptions.InlineScheduling)))
                {
                    socket.UnsafePreferInlineScheduling = transport.InlineScheduling;
                }

                if (transport.IOQueueCount > 0)
                {
                    socket.IOQueueCount = transport.IOQueueCount;
                }
            }
        });
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            if (Read(configuration) is { } transport && IsSet(configuration, nameof(TransportOptions.MaxResponseBufferBytes)))
            {
                kestrel.Limits.MaxResponseBufferSize = transport.MaxResponseBufferBytes;
            }
        });
        return services;
    }

    /// <summary>
    /// Whether the setting is given: one that is not leaves Kestrel's value as it is, so this section never overrides what
    /// Kestrel's own configuration set.
    /// </summary>
    private static bool IsSet(IConfiguration configuration, string key) =>
        configuration[$"{TransportOptions.SectionName}:{key}"] is not null;

    /// <summary>The section's settings when they bind and pass validation; otherwise null.</summary>
    private static TransportOptions? Read(IConfiguration configuration)
    {
        TransportOptions options = new();
        try
        {
            configuration.GetSection(TransportOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            return null;   // a value of the wrong type: reported by start-up validation
        }

        return new TransportOptionsValidator().Validate(null, options).Succeeded ? options : null;
    }
}
