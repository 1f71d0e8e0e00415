namespace IvrVoice.Production.Tests.Observability;

/// <summary>A live service whose gemini breaker opens after two failures, so a test can watch it open.</summary>
public sealed class ObservableService : LiveService
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Service:RequireTwilioSignatureForMedia"] = "false";
        settings["Providers:Gemini:BreakerMinimumThroughput"] = "2";
        settings["Providers:Gemini:BreakerFailureRatio"] = "0.5";
        settings["Providers:Gemini:BreakerBreakDuration"] = "00:01:00";
        settings["Providers:Gemini:MaxRetryAttempts"] = "0";
    }
}
