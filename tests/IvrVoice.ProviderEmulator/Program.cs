// Standalone entry: `dotnet run --project tests/IvrVoice.ProviderEmulator` serves every provider route on loopback.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
WebApplication app = builder.Build();
app.MapGet("/", () => "IvrVoice provider emulator");
app.Run();
