using System.Diagnostics;
using IvrVoice.Caching.Telemetry;
using IvrVoice.Prompts.Telemetry;
using IvrVoice.Providers.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IvrVoice.Server.Telemetry;

/// <summary>
/// OpenTelemetry for the service: traces of every request (webhook → <c>call.flow</c> → cache tiers → render → each
/// provider attempt → transcode → store) and the service's <see cref="System.Diagnostics.Metrics"/> instruments, sent
/// over OTLP when <c>Telemetry:Otlp:Endpoint</c> is set. <c>/metrics</c> serves Prometheus either way.
/// </summary>
internal static class ServerTelemetry
{
    /// <summary>The service's own source: the <c>call.flow</c> span of each Twilio webhook.</summary>
    public const string SourceName = "IvrVoice.Server";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Every IvrVoice activity source, in pipeline order.</summary>
    public static readonly string[] SourceNames =
        [SourceName, PromptsTracing.SourceName, CachingTracing.SourceName, ProvidersTracing.SourceName];

    public static WebApplicationBuilder AddServerTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();

        // Decided from the configuration the host starts with: without an endpoint no listener is registered, so spans are
        // never created and the request path pays nothing.
        IConfigurationSection section = builder.Configuration.GetSection(TelemetryOptions.SectionName);
        string? endpoint = section["Otlp:Endpoint"];
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri))
        {
            return builder;   // a malformed endpoint is reported by the validator at start-up
        }

        OtlpExportProtocol protocol = TryParseProtocol(section["Otlp:Protocol"], out OtlpExportProtocol parsed) ? parsed : OtlpExportProtocol.Grpc;
        string serviceName = section["ServiceName"] is { Length: > 0 } name ? name : "ivrvoice";
        double ratio = double.TryParse(section["TraceSampleRatio"], System.Globalization.CultureInfo.InvariantCulture, out double r) ? Math.Clamp(r, 0, 1) : 1.0;
        bool metrics = !bool.TryParse(section["ExportMetrics"], out bool m) || m;

        OpenTelemetry.OpenTelemetryBuilder otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(ServerTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing =>
            {
                ConfigureTracing(tracing);
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)));
                tracing.AddOtlpExporter(o =>
                {
                    o.Endpoint = uri;
                    o.Protocol = protocol;
                });
            });
        if (metrics)
        {
            otel.WithMetrics(meters => meters
                .AddMeter("IvrVoice.*")
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = uri;
                    o.Protocol = protocol;
                }));
        }

        return builder;
    }

    /// <summary>
    /// The sources and the ASP.NET Core instrumentation, with what could identify a caller or a prompt taken out: a span's
    /// <c>url.path</c> becomes the route template (<c>/prompts/{key}.wav</c>, never the key) and <c>url.query</c> (GET
    /// webhooks carry the caller's number, announcement URLs their text) is dropped.
    /// </summary>
    public static TracerProviderBuilder ConfigureTracing(TracerProviderBuilder tracing) => tracing
        .AddSource(SourceNames)
        .AddAspNetCoreInstrumentation(o =>
        {
            o.RecordException = false;   // exception messages can quote a request
            o.EnrichWithHttpRequest = (activity, _) => Scrub(activity, route: null);
            o.EnrichWithHttpResponse = (activity, response) => Scrub(activity, RouteOf(response.HttpContext));
        });

    internal static bool TryParseProtocol(string? value, out OtlpExportProtocol protocol)
    {
        protocol = OtlpExportProtocol.Grpc;
        if (string.IsNullOrEmpty(value) || value.Equals("Grpc", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("HttpProtobuf", StringComparison.OrdinalIgnoreCase))
        {
            protocol = OtlpExportProtocol.HttpProtobuf;
            return true;
        }

        return false;
    }

    private static string? RouteOf(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;

    private static void Scrub(Activity activity, string? route)
    {
        activity.SetTag("url.path", route ?? "(unrouted)");
        activity.SetTag("url.query", null);
        activity.SetTag("url.full", null);
        if (route is not null)
        {
            activity.DisplayName = $"{activity.GetTagItem("http.request.method")} {route}";
        }
    }
}
