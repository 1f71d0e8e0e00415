using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;

namespace IvrVoice.Providers.Tests;

/// <summary>An accepted asynchronous job is polled again, never submitted (and paid for) twice.</summary>
public sealed class JournalResumeTests : IClassFixture<EmulatorFixture>
{
    private readonly TtsEmulator _emulator;

    public JournalResumeTests(EmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
        _emulator.QueuedFor = TimeSpan.FromMilliseconds(20);
        _emulator.ProcessingFor = TimeSpan.FromMilliseconds(40);
    }

    [Theory]
    [InlineData("pixazo")]
    [InlineData("vtrix")]
    [InlineData("segmind")]
    public async Task SynthesizeAsync_BuildInterruptedWhilePolling_ResumedBuildPollsTheSameJob(string route)
    {
        using TempDirectory journal = new();
        Dictionary<string, string?> settings = Settings(route, journal.Path);
        TtsRequest request = RouterHarness.Request() with { IdempotencyKey = $"prompt-{route}-resume" };
        _emulator.ProcessingFor = TimeSpan.FromMinutes(5);

        using (RouterHarness first = new(settings))
        {
            using CancellationTokenSource stop = new();
            Task<RoutedTts> render = first.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, stop.Token);
            await WaitForAsync(() => _emulator.RequestsTo(route, FaultPhase.Poll).Count >= 2);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => render);
        }

        _emulator.ProcessingFor = TimeSpan.Zero;   // the accepted job finishes while "the build was down"
        using RouterHarness second = new(settings);   // a new process: only the file journal remembers
        RoutedTts result = await second.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Equal(1, _emulator.Submissions(route));
        Assert.Null(await second.Journal.FindAsync(route, request.IdempotencyKey!, CancellationToken.None));
    }

    [Fact]
    public async Task SynthesizeAsync_AttemptTimesOutWhilePolling_RetryPollsTheAcceptedJob()
    {
        Dictionary<string, string?> settings = Settings("pixazo", null);
        settings["Providers:Pixazo:AttemptTimeout"] = "00:00:00.400";
        settings["Providers:Pixazo:MaxRetryAttempts"] = "3";
        _emulator.ProcessingFor = TimeSpan.FromMilliseconds(700);
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Contains(result.Failures, f => f.Kind == TtsFailureKind.Timeout);
        Assert.Equal(1, _emulator.Submissions("pixazo"));
    }

    [Fact]
    public async Task SynthesizeAsync_JournaledJobSegmindForgot_SubmitsOnceMore()
    {
        using TempDirectory journal = new();
        Dictionary<string, string?> settings = Settings("segmind", journal.Path);
        using RouterHarness harness = new(settings);
        TtsRequest request = RouterHarness.Request() with { IdempotencyKey = "prompt-expired" };
        await harness.Journal.RecordAsync(
            new TtsJob("segmind", "prompt-expired", "00000000-0000-0000-0000-000000000000", null, DateTimeOffset.UtcNow.AddHours(-2)),
            CancellationToken.None);

        RoutedTts result = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Equal(1, _emulator.Submissions("segmind"));
        Assert.Contains(_emulator.RequestsTo("segmind", FaultPhase.Poll), r => r.Path.Contains("00000000-0000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SynthesizeAsync_PollHiccups_AreRiddenOutWithoutResubmitting()
    {
        _emulator.Inject("vtrix", new EmulatorFault(FaultKind.Status) { Status = 502, Phase = FaultPhase.Poll, Times = 3 });
        using RouterHarness harness = new(Settings("vtrix", null));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Empty(result.Failures);
        Assert.Equal(1, _emulator.Submissions("vtrix"));
    }

    [Fact]
    public async Task SynthesizeAsync_DownloadFailsOnce_RetryDownloadsWithoutResubmitting()
    {
        _emulator.Inject("pixazo", new EmulatorFault(FaultKind.TruncatedWav));
        using RouterHarness harness = new(Settings("pixazo", null));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Equal(TtsFailureKind.MalformedAudio, Assert.Single(result.Failures).Kind);
        Assert.Equal(1, _emulator.Submissions("pixazo"));
        Assert.Equal(2, _emulator.RequestsTo("pixazo", FaultPhase.Result).Count);
    }

    private Dictionary<string, string?> Settings(string route, string? journalFolder)
    {
        Dictionary<string, string?> settings = _emulator.Settings(route);
        if (route == "segmind")
        {
            settings["Providers:Segmind:Mode"] = "Async";
        }

        if (journalFolder is not null)
        {
            settings["Providers:JournalFolder"] = journalFolder;
        }

        return settings;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
