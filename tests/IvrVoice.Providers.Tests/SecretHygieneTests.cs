using IvrVoice.ProviderEmulator;

namespace IvrVoice.Providers.Tests;

/// <summary>Keys never reach a log line or a failure message, whatever happens.</summary>
public sealed class SecretHygieneTests : IClassFixture<EmulatorFixture>
{
    private readonly TtsEmulator _emulator;

    public SecretHygieneTests(EmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
    }

    [Fact]
    public async Task SynthesizeAsync_SuccessesFailuresAndEchoedKeys_NoKeyInAnyLogLine()
    {
        Dictionary<string, string?> settings = _emulator.Settings();
        settings["Providers:Segmind:Mode"] = "Async";
        settings["Providers:Pixazo:WebhookUrl"] = new Uri(_emulator.Url, "/_emulator/webhook-sink").ToString();
        using RouterHarness harness = new(settings);
        string[] keys = [.. TtsEmulator.RouteNames.Select(TtsEmulator.ApiKey)];
        List<TtsFailure> failures = [];

        foreach (string route in TtsEmulator.RouteNames)
        {
            _emulator.Inject(route, EmulatorFault.Http(429, TimeSpan.FromMilliseconds(10)));
            _emulator.Inject(route, EmulatorFault.Http(500));
            failures.AddRange((await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, route, CancellationToken.None)).Failures);
            _emulator.Inject(route, new EmulatorFault(FaultKind.MalformedMp3));
            _emulator.Inject(route, EmulatorFault.Http(402, times: 3));
            failures.AddRange((await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, route, CancellationToken.None)).Failures);
        }

        // The emulator echoes a presented key in its 401 body, as some providers do: it must be redacted on the way in.
        Dictionary<string, string?> wrong = _emulator.Settings();
        foreach (string key in wrong.Keys.Where(k => k.EndsWith(":ApiKey", StringComparison.Ordinal)).ToList())
        {
            wrong[key] = "wrong-" + wrong[key];
        }

        using RouterHarness rejected = new(wrong);
        failures.AddRange((await rejected.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None)).Failures);

        string[] lines = [.. harness.Logs.Lines, .. rejected.Logs.Lines];
        Assert.NotEmpty(lines);
        Assert.Contains(failures, f => f.Kind == TtsFailureKind.Authentication);
        Assert.Contains(lines, l => l.Contains("Invalid API key provided: ***", StringComparison.Ordinal));
        foreach (string key in keys)
        {
            Assert.DoesNotContain(lines, l => l.Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(failures, f => f.Message.Contains(key, StringComparison.Ordinal));
        }
    }
}
