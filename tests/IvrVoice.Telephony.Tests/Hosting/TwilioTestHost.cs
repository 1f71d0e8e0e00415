using System.Text.Json;
using IvrVoice.Telephony.TwiML;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using IvrVoice.Testing;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Telephony.Tests.Hosting;

/// <summary>A real Kestrel host on 127.0.0.1 (port 0) wired the way the web app wires Twilio validation.</summary>
public sealed class TwilioTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TwilioTestHost(WebApplication app, LogCapture logs, int port)
    {
        _app = app;
        Logs = logs;
        Port = port;
    }

    public LogCapture Logs { get; }

    public int Port { get; }

    public sealed record EventBody(string Event, string CallSid);

    /// <summary>Starts the host with the given configuration; <paramref name="environmentPrefix"/> also reads environment variables with that prefix;
    /// without <paramref name="useMiddleware"/> only the endpoint filter checks signatures.</summary>
    public static async Task<TwilioTestHost> StartAsync(IDictionary<string, string?> configuration, string? environmentPrefix = null, bool useMiddleware = true)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        // Only what the test supplies: the machine's own environment must not leak Twilio settings in.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(configuration);
        if (environmentPrefix is not null) builder.Configuration.AddEnvironmentVariables(environmentPrefix);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        LogCapture logs = new();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddTwilioRequestValidation();

        WebApplication app = builder.Build();
        if (useMiddleware)
        {
            app.UseTwilioSignatureValidation();          // endpoints marked RequireTwilioSignature(), before model binding
            app.UseTwilioSignatureValidation("/media");  // everything Twilio's <Play> fetcher reads
        }

        RouteGroupBuilder voice = app.MapGroup("/twilio/voice").RequireTwilioSignature();
        voice.MapPost("/{flow}", (string flow, TwilioVoiceRequest call) =>
            new VoiceResponse().Say($"flow {flow}; digits {call.Digits ?? "none"}; confidence {call.Confidence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}").ToResult());
        voice.MapGet("/{flow}", (string flow, TwilioVoiceRequest call) => new VoiceResponse().Say($"GET {flow}; digits {call.Digits ?? "none"}").ToResult());

        // Reads the raw body itself after the check: the validator must leave it readable.
        app.MapPost("/twilio/events", async (HttpRequest request) =>
        {
            using StreamReader reader = new(request.Body);
            return Results.Text("echo:" + await reader.ReadToEndAsync());
        }).RequireTwilioSignature();

        // Binds JSON before any endpoint filter could run; the middleware checks it first.
        app.MapPost("/twilio/bound", ([FromBody] EventBody body) => Results.Text($"bound:{body.Event}:{body.CallSid}")).RequireTwilioSignature();

        app.MapGet("/media/{name}", (string name) => Results.Bytes([1, 2, 3, 4], "audio/wav"));
        app.MapGet("/open/{name}", (string name) => Results.Text("open " + name));

        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TwilioTestHost(app, logs, new Uri(address).Port);
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
