using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Json;
using Serilog.Settings.Configuration;

namespace IvrVoice.Server.Hosting;

internal static class ServerLogging
{
    // ASP.NET Core's hosting log writes each request's full URL, query included, at Information; GET webhooks carry the
    // caller's number there. HttpClient's log writes provider URLs. Neither may appear below Warning, whatever the settings say.
    private static readonly string[] QuietSources = [HostingDiagnostics, "System.Net.Http.HttpClient"];

    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    // Events queued for the async sink's worker; past this a burst drops events rather than stalling requests.
    private const int AsyncBufferSize = 10_000;

    private const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj} <{SourceContext}>{NewLine}{Exception}";

    /// <summary>
    /// Sends every log through Serilog, configured from the <c>Serilog</c> section. Without a <c>Serilog:WriteTo</c> entry the
    /// console gets text or JSON lines as <c>Service:LogFormat</c> says.
    /// </summary>
    public static WebApplicationBuilder AddServerLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        // Serilog's own levels decide; the Microsoft filter would otherwise drop Debug before Serilog sees it.
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        // ASP.NET Core's hosting log is off entirely. While its logger is enabled at any level, every request gets an
        // Activity and a logging scope (connection id, request id, path, trace and span ids) that Serilog copies into each
        // line: about a tenth of a webhook's CPU, for lines whose own events were already dropped below Warning (they carry
        // the query string). The request log line says what happened; with tracing on (Telemetry:Otlp:Endpoint) requests
        // still get their Activity from the tracer, and log lines their trace and span ids.
        builder.Logging.AddFilter(HostingDiagnostics, LogLevel.None);
        // Built from the final configuration (after test hosts and the command line have added theirs).
        builder.Services.AddSingleton<ILoggerProvider>(services =>
            new SerilogLoggerProvider(CreateLogger(services.GetRequiredService<IConfiguration>()), dispose: true));
        return builder;
    }

    internal static Serilog.Core.Logger CreateLogger(IConfiguration configuration)
    {
        // The sink assemblies a Serilog:WriteTo may name are listed here (and in appsettings.json's Serilog:Using), so
        // nothing is found by scanning the dependency context: the same settings work in a trimmed or AOT build.
        ConfigurationReaderOptions readerOptions = new(
            typeof(ConsoleLoggerConfigurationExtensions).Assembly,
            typeof(LoggerConfigurationAsyncExtensions).Assembly)
        {
            SectionName = "Serilog",
        };

        // Levels and filters run on the calling thread (a dropped event costs nothing more); formatting and writing run on
        // the async sink's worker, so the per-request log line never waits for the console or a file, nor for its lock.
        bool configuredSinks = configuration.GetSection("Serilog:WriteTo").GetChildren().Any();
        LoggerConfiguration logger = new LoggerConfiguration()
            .ReadFrom.Configuration(configuration, readerOptions)
            .Enrich.FromLogContext()
            .Filter.ByExcluding(IsQuietSourceBelowWarning)
            .Filter.ByExcluding(IsReportedStartupError);

        if (!configuredSinks)
        {
            // An unreadable value falls back to text here; options validation then stops the start-up naming the setting.
            bool json = Enum.TryParse(configuration[$"{ServiceOptions.SectionName}:{nameof(ServiceOptions.LogFormat)}"], ignoreCase: true, out LogFormat format)
                && format == LogFormat.Json;
            // JSON (what the deploy files set) goes through a buffered writer that writes when the queue is drained: under
            // load one write carries many lines instead of a write and a flush per request. Text keeps the console sink,
            // whose colours a terminal shows.
            BufferedLogSink? buffered = json ? BufferedLogSink.StandardOutput(new JsonFormatter(renderMessage: true)) : null;
            logger = logger.WriteTo.Async(
                sink =>
                {
                    if (buffered is not null)
                    {
                        sink.Sink(buffered);
                    }
                    else
                    {
                        sink.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                    }
                },
                bufferSize: AsyncBufferSize,
                blockWhenFull: false,
                monitor: buffered);
        }

        return logger.CreateLogger();
    }

    /// <summary>Start-up errors that <see cref="ServiceHosting.RunService"/> prints as a plain list; the host's stack trace adds nothing.</summary>
    private static bool IsReportedStartupError(LogEvent logEvent) =>
        (logEvent.Exception is not null && ServiceHosting.ValidationFailures(logEvent.Exception).Count > 0)
        || logEvent.Exception is Voice.CallFlowLibraryException
        || (logEvent.Exception is not null && ServiceHosting.IsUnconvertibleSetting(logEvent.Exception))
        || logEvent.Exception is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException };

    private static bool IsQuietSourceBelowWarning(LogEvent logEvent)
    {
        if (logEvent.Level >= LogEventLevel.Warning
            || !logEvent.Properties.TryGetValue("SourceContext", out LogEventPropertyValue? value)
            || value is not ScalarValue { Value: string source })
        {
            return false;
        }

        foreach (string quiet in QuietSources)
        {
            if (source.StartsWith(quiet, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
