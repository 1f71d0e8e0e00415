using IvrVoice.Server.Announcements;
using IvrVoice.Server.Api;
using IvrVoice.Server.Voice;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Hosting;

internal static partial class ServiceHosting
{
    /// <summary>Binds and validates <see cref="ServiceOptions"/> at start-up and says at start-up what a new operator should know.</summary>
    public static IServiceCollection AddServiceOptions(this IServiceCollection services)
    {
        services.AddOptions<ServiceOptions>().BindConfiguration(ServiceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceOptions>, ServiceOptionsValidator>();
        services.AddHostedService<ServiceStartupLog>();
        return services;
    }

    /// <summary>
    /// Runs the app; a configuration or library error ends the process with exit code 2 and the problems on standard error,
    /// each naming its setting or file, instead of a stack trace.
    /// </summary>
    public static int RunService(this WebApplication app)
    {
        try
        {
            app.Run();
            return 0;
        }
        catch (Exception exception) when (ValidationFailures(exception) is { Count: > 0 } failures)
        {
            Console.Error.WriteLine("IvrVoice cannot start; fix these settings:");
            foreach (string failure in failures)
            {
                Console.Error.WriteLine("  " + failure);
            }

            return 2;
        }
        catch (CallFlowLibraryException exception)
        {
            Console.Error.WriteLine("IvrVoice cannot start: " + exception.Message);
            return 2;
        }
        catch (InvalidOperationException exception) when (IsUnconvertibleSetting(exception))
        {
            // The configuration binder names the setting, e.g. "Failed to convert configuration value at 'Service:InCallWait' …".
            Console.Error.WriteLine("IvrVoice cannot start: " + exception.Message);
            return 2;
        }
        catch (IOException exception) when (exception.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            Console.Error.WriteLine($"IvrVoice cannot start: {exception.Message} Stop the other process or choose another address with Urls (environment ASPNETCORE_URLS, or --urls).");
            return 2;
        }
    }

    /// <summary>Every options validation failure in <paramref name="exception"/>: one section's, or several sections' at once.</summary>
    internal static IReadOnlyList<string> ValidationFailures(Exception exception) => exception switch
    {
        OptionsValidationException single => [.. single.Failures],
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException) =>
            [.. inner.SelectMany(e => ((OptionsValidationException)e).Failures)],
        _ => [],
    };

    /// <summary>True for the configuration binder's error about a value that is not of the setting's type (a word where a number goes).</summary>
    internal static bool IsUnconvertibleSetting(Exception exception) =>
        exception is InvalidOperationException && exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);

    /// <remarks>Resolves what it reports on in <see cref="StartAsync"/>: the host builds hosted services before it validates
    /// options, and a constructor that read them would report one bad section instead of all.</remarks>
    private sealed partial class ServiceStartupLog(IServiceProvider services, ILogger<ServiceStartupLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (services.GetRequiredService<AnnouncementUrls>().KeyIsEphemeral)
            {
                Log.EphemeralSigningKey(logger);
            }

            if (services.GetRequiredService<ApiKeys>().IsEmpty)
            {
                Log.ApiClosed(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5700, Level = LogLevel.Warning,
            Message = "Service:UrlSigningKey is not set: announcement URLs are signed with a random key that dies with this process. Set one key, shared by every node, for URLs that survive a restart or reach another node.")]
        public static partial void EphemeralSigningKey(ILogger logger);

        [LoggerMessage(EventId = 5701, Level = LogLevel.Warning,
            Message = "Service:ApiKeys is empty: /api answers every request with 401. Set Service:ApiKeys:0 (environment Service__ApiKeys__0) to use it.")]
        public static partial void ApiClosed(ILogger logger);
    }
}
