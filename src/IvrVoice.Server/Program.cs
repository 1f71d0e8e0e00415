WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
WebApplication app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
app.Run();

/// <summary>Entry point type, public so integration tests can host the app.</summary>
public partial class Program;
