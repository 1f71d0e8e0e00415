using IvrVoice.Telephony;
using IvrVoice.Prompts;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Api;
using IvrVoice.Server.Health;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Media;
using IvrVoice.Server.Metrics;
using IvrVoice.Server.Telemetry;
using IvrVoice.Server.Streaming;
using IvrVoice.Server.Voice;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddEmbeddedDefaults();
builder.AddServerLogging();
builder.AddServerTelemetry();

builder.Services.AddServiceOptions();
builder.Services.AddServerTransport();
builder.Services.AddServerMetrics();
builder.Services.AddPromptRendering(builder.Configuration);
builder.Services.AddCallFlows();
builder.Services.AddAnnouncements();
builder.Services.AddPromptApi();

WebApplication app = builder.Build();
app.UseRequestLogging();
app.UseRateLimiter();
app.UseMediaSignatureCheck();

// Before the signature check: it tells a WebSocket upgrade (signed over its wss:// URL) from a plain request.
app.UseWebSockets();

// Every endpoint marked RequireTwilioSignature() is checked here, before model binding: bodies are capped before they are
// read, and bodySHA256 is computed over the raw body.
app.UseTwilioSignatureValidation();

app.MapHealth();
app.MapMetrics();
app.MapPromptMedia();
app.MapAnnouncements();
app.MapTwilioWebhooks();
app.MapMediaStreams();
app.MapPromptApi();
app.MapAudition();

return app.RunService();

/// <summary>Entry point type, public so integration tests can host the app.</summary>
public partial class Program;
