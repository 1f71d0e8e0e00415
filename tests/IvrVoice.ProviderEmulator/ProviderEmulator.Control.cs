using System.Text;
using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    // Control over HTTP, for the standalone emulator:
    //   POST   /_emulator/faults/{route}  {"kind":"Status","status":429,"retryAfterMs":1000,"delayMs":0,"phase":"Primary","times":1,"message":"..."}
    //   DELETE /_emulator/faults
    //   POST   /_emulator/fault-rate?rate=0.3&seed=7
    //   GET    /_emulator/requests         request counts per route and phase
    //   POST   /_emulator/webhook-sink     accepts webhook callbacks (point Providers:Pixazo:WebhookUrl here)
    private void MapControl(WebApplication app)
    {
        app.MapGet("/", () => Results.Text(Describe(), "text/plain"));
        app.MapPost("/_emulator/faults/{route}", async (HttpContext context, string route) =>
        {
            if (!RouteNames.Contains(route))
            {
                return Results.NotFound($"unknown route {route}");
            }

            JsonObject? spec = ParseObject(await ReadBodyAsync(context));
            if (spec?["kind"]?.GetValue<string>() is not { } kindName || !Enum.TryParse(kindName, true, out FaultKind kind))
            {
                return Results.BadRequest($"kind must be one of {string.Join(", ", Enum.GetNames<FaultKind>())}");
            }

            FaultPhase phase = Enum.TryParse(spec["phase"]?.GetValue<string>(), true, out FaultPhase p) ? p : FaultPhase.Primary;
            Inject(route, new EmulatorFault(kind)
            {
                Status = spec["status"]?.GetValue<int>() ?? 500,
                RetryAfter = spec["retryAfterMs"]?.GetValue<int>() is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                Delay = TimeSpan.FromMilliseconds(spec["delayMs"]?.GetValue<int>() ?? 2000),
                Phase = phase,
                Times = spec.ContainsKey("times") ? spec["times"]?.GetValue<int>() : 1,
                Message = spec["message"]?.GetValue<string>(),
            });
            return Results.NoContent();
        });
        app.MapDelete("/_emulator/faults", () =>
        {
            ClearFaults();
            return Results.NoContent();
        });
        app.MapPost("/_emulator/fault-rate", (double rate, int? seed) =>
        {
            SetFaultRate(rate, seed ?? 1);
            return Results.NoContent();
        });
        app.MapGet("/_emulator/requests", () =>
        {
            JsonObject counts = [];
            foreach (IGrouping<string, RecordedRequest> route in Requests.GroupBy(r => r.Route))
            {
                JsonObject phases = [];
                foreach (IGrouping<FaultPhase, RecordedRequest> phase in route.GroupBy(r => r.Phase))
                {
                    phases[phase.Key.ToString()] = phase.Count();
                }

                counts[route.Key] = phases;
            }

            return Results.Text(counts.ToJsonString(), "application/json");
        });
        app.MapPost("/_emulator/webhook-sink", async (HttpContext context) =>
        {
            await RecordAsync(context, "webhook-sink", FaultPhase.Primary);
            return Results.Ok();
        });
    }

    /// <summary>What the standalone emulator prints: each route's BaseUrl and key.</summary>
    public string Describe()
    {
        StringBuilder text = new();
        text.AppendLine($"IvrVoice provider emulator on {Root} ({(Clip.FromEspeak ? "espeak-ng speech" : "synthetic voice")}, {Clip.Duration.TotalSeconds:0.00} s at 24 kHz)");
        foreach (string route in RouteNames)
        {
            text.AppendLine($"  {route,-10} BaseUrl {BaseUrl(route)}  key {ApiKey(route)}");
        }

        return text.ToString();
    }
}
