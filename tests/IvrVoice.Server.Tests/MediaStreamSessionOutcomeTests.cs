using IvrVoice.Caching;
using IvrVoice.Server.Streaming;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// A stream's outcome for its &lt;Connect action&gt;, when the timer between keys completes a digit entry while the session
/// ends (Twilio's stop, a hang-up, a limit): exactly one of them decides it, and what the session reports is what it recorded.
/// </summary>
public sealed class MediaStreamSessionOutcomeTests
{
    private const string CallSid = "CA7000000000000000000000000000000b";

    // One node's outcomes, over the hand-off store the service registers when no PostgreSQL is shared (this process's memory).
    private static readonly ServiceProvider s_services = new ServiceCollection()
        .AddLogging()
        .AddMetrics()
        .AddSingleton<TimeProvider>(new FakeTimeProvider())
        .AddPromptCache(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cache:Disk:Path"] = Path.Combine(Path.GetTempPath(), "ivrvoice-outcome-tests") })
            .Build())
        .BuildServiceProvider();

    private static (StreamOutcomes Outcomes, MediaStreamSession.SessionOutcome Outcome) Begin()
    {
        TimeProvider time = s_services.GetRequiredService<TimeProvider>();
        StreamOutcomes outcomes = new(
            s_services.GetRequiredService<IHandoffStore>(), Options.Create(new StreamingOptions()), time, new StreamingClock(time),
            s_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLogger<StreamOutcomes>.Instance);
        Assert.True(outcomes.TryBegin(CallSid));
        return (outcomes, new MediaStreamSession.SessionOutcome(outcomes, CallSid));
    }

    [Fact]
    public async Task TryDigits_AfterTheSessionEnded_IsRefusedAndTheEndsOutcomeStands()
    {
        (StreamOutcomes outcomes, MediaStreamSession.SessionOutcome outcome) = Begin();

        (string? digits, Task write) = outcome.End(failed: true);
        await write;
        Assert.Null(digits);
        Assert.Null(outcome.TryDigits("4"));

        StreamOutcome? recorded = await outcomes.TakeAsync(CallSid, CancellationToken.None);
        Assert.NotNull(recorded);
        Assert.Null(recorded.Digit);
        Assert.True(recorded.Failed);
        Assert.Equal(0, outcomes.Active);
    }

    [Fact]
    public async Task End_AfterDigitsAndAPlayoutFailure_KeepsTheDigits()
    {
        (StreamOutcomes outcomes, MediaStreamSession.SessionOutcome outcome) = Begin();

        await outcome.PlayoutEnded(failed: true);
        Task? digitsWrite = outcome.TryDigits("12");
        Assert.NotNull(digitsWrite);
        await digitsWrite;
        await outcome.PlayoutEnded(failed: true);

        (string? digits, Task write) = outcome.End(failed: true);
        await write;
        Assert.Equal("12", digits);
        StreamOutcome? recorded = await outcomes.TakeAsync(CallSid, CancellationToken.None);
        Assert.Equal("12", recorded?.Digit);
        Assert.False(recorded!.Failed);
        Assert.Null(await outcomes.TakeAsync(CallSid, CancellationToken.None));   // recorded once: nothing stale left for the call's next stream
    }

    [Fact]
    public async Task TryDigitsAndEnd_AtTheSameTime_RecordOneOutcomeThatMatchesWhatTheSessionReports()
    {
        for (int i = 0; i < 2_000; i++)
        {
            (StreamOutcomes outcomes, MediaStreamSession.SessionOutcome outcome) = Begin();
            using Barrier start = new(2);
            Task<Task?> timer = Task.Run<Task?>(() =>
            {
                start.SignalAndWait();
                return outcome.TryDigits("5");
            });
            Task<(string? Digits, Task Write)> end = Task.Run(() =>
            {
                start.SignalAndWait();
                return outcome.End(failed: true);
            });

            Task? digitsWrite = await timer;
            (string? reported, Task write) = await end;
            bool taken = digitsWrite is not null;
            await (digitsWrite ?? Task.CompletedTask);
            await write;

            StreamOutcome? recorded = await outcomes.TakeAsync(CallSid, CancellationToken.None);
            Assert.NotNull(recorded);
            Assert.Equal(taken ? "5" : null, reported);
            Assert.Equal(reported, recorded.Digit);
            Assert.Equal(reported is null, recorded.Failed);
            Assert.Null(await outcomes.TakeAsync(CallSid, CancellationToken.None));
            Assert.Equal(0, outcomes.Active);
        }
    }
}
