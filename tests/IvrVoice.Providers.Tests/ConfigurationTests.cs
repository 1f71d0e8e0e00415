using IvrVoice.Testing;
using Microsoft.Extensions.Options;

namespace IvrVoice.Providers.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Router_RouteInOrderWithoutKey_FailsNamingTheSetting()
    {
        using RouterHarness harness = new(new Dictionary<string, string?> { ["Providers:Order"] = "gemini,pixazo", ["Providers:Gemini:ApiKey"] = "k-123456" });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => harness.Router);

        Assert.Contains("Providers:Pixazo:ApiKey is required when pixazo is in Providers:Order", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Providers:Gemini:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Router_SeveralBadSettings_ReportsThemAll()
    {
        using RouterHarness harness = new(new Dictionary<string, string?>
        {
            ["Providers:Order:0"] = "segmind",
            ["Providers:Order:1"] = "elevenlabs",
            ["Providers:Segmind:ApiKey"] = "SG_123456",
            ["Providers:Segmind:BaseUrl"] = "http://api.segmind.example",
            ["Providers:Segmind:MaxConcurrency"] = "0",
            ["Providers:InCallDeadline"] = "00:00:00",
        });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => harness.Router);

        Assert.Contains("unknown route 'elevenlabs'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Providers:Segmind:BaseUrl must be an absolute https URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("Providers:Segmind:MaxConcurrency", error.Message, StringComparison.Ordinal);
        Assert.Contains("Providers:InCallDeadline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Router_NoKeysAnywhere_RunsOfflineOnEspeak()
    {
        using RouterHarness harness = new(new Dictionary<string, string?>());

        Assert.Equal(["espeak"], harness.Router.Routes);
        Assert.Equal(ModelCatalog.EspeakNg, harness.Router.DefaultModel);
        Assert.Contains(harness.Router.GetHealth(), h => h is { Name: "gemini", Configured: false });
        Assert.Contains(harness.Router.GetHealth(), h => h is { Name: "espeak", Configured: true, State: BreakerState.Closed });
    }

    [Fact]
    public void Supports_OnlyModelsAConfiguredRouteRenders()
    {
        using RouterHarness offline = new(new Dictionary<string, string?>());
        using RouterHarness gatewayOnly = new(new Dictionary<string, string?>
        {
            ["Providers:Order"] = "openrouter",
            ["Providers:OpenRouter:ApiKey"] = "or-123456",
        });

        Assert.True(offline.Router.Supports("espeak-ng"));
        Assert.False(offline.Router.Supports(ModelCatalog.Gemini31FlashTts));
        Assert.True(gatewayOnly.Router.Supports(ModelCatalog.Gemini31FlashTts));
        Assert.False(gatewayOnly.Router.Supports(ModelCatalog.EspeakNg));
        Assert.False(gatewayOnly.Router.Supports("no-such-model"));
    }

    [Fact]
    public void Router_KeysWithoutOrder_EnablesKeyedRoutesInDefaultOrderThenEspeak()
    {
        using RouterHarness harness = new(new Dictionary<string, string?>
        {
            ["Providers:Pixazo:ApiKey"] = "p-123456",
            ["Providers:Gemini:ApiKey"] = "g-123456",
        });

        Assert.Equal(["gemini", "pixazo", "espeak"], harness.Router.Routes);
        Assert.Equal(ModelCatalog.Gemini31FlashTts, harness.Router.DefaultModel);
    }

    [SkippableFact]
    public void Router_OrderAsCommaListWithOddCase_IsNormalised()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);   // an order naming espeak is checked for its binary at start-up
        using RouterHarness harness = new(new Dictionary<string, string?>
        {
            ["Providers:Order"] = " OpenRouter , espeak-ng",
            ["Providers:OpenRouter:ApiKey"] = "sk-or-123456",
            ["Providers:DefaultModel"] = "ESPEAK-NG",
        });

        Assert.Equal(["openrouter", "espeak"], harness.Router.Routes);
        Assert.Equal(ModelCatalog.EspeakNg, harness.Router.DefaultModel);
    }

    [Fact]
    public async Task SynthesizeAsync_UnknownVoice_RejectedBeforeAnyCall()
    {
        using RouterHarness harness = new(new Dictionary<string, string?>());

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(voice: "alloy", model: ModelCatalog.EspeakNg), RenderUrgency.Batch, null, CancellationToken.None);

        TtsFailure failure = Assert.Single(result.Failures);
        Assert.Equal(TtsFailureKind.InvalidRequest, failure.Kind);
        Assert.Contains("'alloy' is not a voice", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_ThreeSpeakers_Rejected()
    {
        using RouterHarness harness = new(new Dictionary<string, string?>());
        TtsRequest request = RouterHarness.Request(model: ModelCatalog.EspeakNg) with
        {
            Speakers = [new("A", "Kore"), new("B", "Puck"), new("C", "Leda")],
        };

        RoutedTts result = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal(TtsFailureKind.InvalidRequest, Assert.Single(result.Failures).Kind);
    }

    [Fact]
    public void AddTtsProviders_CalledTwice_RegistersEachRouteOnce()
    {
        Microsoft.Extensions.Configuration.IConfiguration configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        Microsoft.Extensions.DependencyInjection.ServiceCollection services = new();

        services.AddTtsProviders(configuration).AddTtsProviders(configuration);

        Assert.Equal(7, services.Count(d => d.ServiceType == typeof(ITtsProvider)));
        Assert.Single(services, d => d.ServiceType == typeof(ITtsRouter));
    }
}
