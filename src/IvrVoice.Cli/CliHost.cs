using IvrVoice.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace IvrVoice.Cli;

/// <summary>
/// What every verb that renders shares: configuration from <c>appsettings.json</c> (and <c>appsettings.{IVRVOICE_ENVIRONMENT}.json</c>)
/// in the working folder when present, then environment variables (<c>Providers__Gemini__ApiKey</c>); Serilog logging to
/// standard error (so standard output stays for results); and the service container with the TTS providers.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliHost(IConfiguration configuration, ServiceProvider services)
    {
        Configuration = configuration;
        _services = services;
    }

    public IConfiguration Configuration { get; }

    public IServiceProvider Services => _services;

    /// <summary>
    /// Builds the host for <paramref name="workingDirectory"/> (the current folder when null). <paramref name="configure"/>
    /// adds a verb's own services; <paramref name="overrides"/> wins over files and environment (command-line options).
    /// </summary>
    public static CliHost Create(
        string? workingDirectory = null,
        Action<IServiceCollection, IConfiguration>? configure = null,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        string folder = Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory());
        string? environment = Environment.GetEnvironmentVariable("IVRVOICE_ENVIRONMENT");
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // Library builds resume accepted asynchronous jobs after an interruption instead of paying for them twice.
                ["Providers:JournalFolder"] = Path.Combine(folder, ".ivrvoice", "jobs"),
            })
            .AddJsonFile(Path.Combine(folder, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(folder, $"appsettings.{environment ?? "Production"}.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();

        Serilog.Core.Logger logger = CreateLogger(configuration);

        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.ClearProviders().AddSerilog(logger, dispose: true));
        services.AddTtsProviders(configuration);
        configure?.Invoke(services, configuration);
        return new CliHost(configuration, services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>
    /// Warnings and errors by default (failovers, failures), to standard error so standard output carries only the verb's
    /// results. <c>Serilog:MinimumLevel</c> (or <c>:Default</c>) and <c>Serilog:MinimumLevel:Override:&lt;source&gt;</c> show
    /// more or less; they are read here rather than by Serilog.Settings.Configuration, whose reflection the native binary
    /// cannot keep.
    /// </summary>
    internal static Serilog.Core.Logger CreateLogger(IConfiguration configuration)
    {
        LoggerConfiguration logger = new LoggerConfiguration().MinimumLevel.Is(
            Level(configuration["Serilog:MinimumLevel:Default"] ?? configuration["Serilog:MinimumLevel"], LogEventLevel.Warning));
        foreach (IConfigurationSection source in configuration.GetSection("Serilog:MinimumLevel:Override").GetChildren())
        {
            logger = logger.MinimumLevel.Override(source.Key, Level(source.Value, LogEventLevel.Warning));
        }

        return logger
            .Enrich.FromLogContext()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();
    }

    private static LogEventLevel Level(string? value, LogEventLevel fallback) =>
        Enum.TryParse(value, ignoreCase: true, out LogEventLevel level) && Enum.IsDefined(level) ? level : fallback;
}
