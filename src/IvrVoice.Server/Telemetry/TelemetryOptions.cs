using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Telemetry;

/// <summary>OpenTelemetry export, bound from the <c>Telemetry</c> section. Off unless <c>Telemetry:Otlp:Endpoint</c> is set.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The OTLP collector; empty (the default) exports nothing and costs nothing.</summary>
    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "ivrvoice";

    /// <summary>Share of traces kept, 0 to 1 (parent-based: a sampled caller's trace is always continued).</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>Whether metrics are exported over OTLP too (<c>/metrics</c> serves Prometheus either way).</summary>
    public bool ExportMetrics { get; set; } = true;

    /// <summary>Where and how traces and metrics are sent.</summary>
    public sealed class OtlpOptions
    {
        /// <summary>e.g. <c>http://localhost:4317</c> (gRPC) or <c>http://localhost:4318</c> (HTTP/protobuf).</summary>
        public string Endpoint { get; set; } = "";

        /// <summary><c>Grpc</c> (default) or <c>HttpProtobuf</c>.</summary>
        public string Protocol { get; set; } = "Grpc";
    }

    internal bool Enabled => !string.IsNullOrWhiteSpace(Otlp.Endpoint);
}

/// <summary>Reports every bad telemetry setting at once, by name, never with its value.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        List<string> errors = [];
        if (options.Enabled
            && (!Uri.TryCreate(options.Otlp.Endpoint, UriKind.Absolute, out Uri? endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            errors.Add("Telemetry:Otlp:Endpoint must be an absolute http or https URL (or empty to export nothing).");
        }

        if (!ServerTelemetry.TryParseProtocol(options.Otlp.Protocol, out _))
        {
            errors.Add("Telemetry:Otlp:Protocol must be Grpc or HttpProtobuf.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            errors.Add("Telemetry:ServiceName must not be empty.");
        }

        if (!(options.TraceSampleRatio is >= 0 and <= 1))
        {
            errors.Add("Telemetry:TraceSampleRatio must be between 0 and 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
