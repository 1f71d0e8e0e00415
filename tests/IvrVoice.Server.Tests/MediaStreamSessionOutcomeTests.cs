using IvrVoice.Server.Streaming;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// A stream's outcome for its &lt;Connect action&gt;, when the timer between keys completes a digit entry while the session
/// ends (Twilio's stop, a hang-up, a limit): exactly one of them decides it, and what the session reports is what it recorded.
/// </summary>
public sealed class MediaStreamSessionOutcomeTests
{
    private const string CallSid = "CA7000000000000000000000000000000b";

    private static (StreamOutcomes Outcomes, MediaStreamSession.SessionOutcome Outcome) Begin()
    {
        StreamOutcomes outcomes = new(new FakeTimeProvider());
        Assert.True(outcomes.TryBegin(CallSid));
        return (outcomes, new MediaStreamSession.SessionOutcome(outcomes, CallSid));
    }

    [Fact]
    public void TryDigits_AfterTheSessionEnded_IsRefusedAndTheEndsOutcomeStands()
    {
        (StreamOutcomes outcomes, MediaStreamSession.SessionOutcome outcome) = Begin();

        Assert.Null(outcome.End(failed: true));
        Assert.False(outcome.TryDigits("4"));

        StreamOutcome? recorded = outcomes.Take(CallSid);
        Assert.NotNull(recorded);
        Assert.Null(recorded.Digit);
        Assert.True(recorded.Failed);
        Assert.Equal(0, outcomes.Active);
    }

    [Fact]
    public void End_AfterDigitsAndAPlayoutFailure_KeepsTheDigits()
    {
        (StreamOutcomes outcomes, MediaStreamSession.SessionOutcome outcome) = Begin();

        outcome.PlayoutEnded(failed: true);
        Assert.True(outcome.TryDigits("12"));
        outcome.PlayoutEnded(failed: true);

        Assert.Equal("12", outcome.End(failed: true));
        StreamOutcome? recorded = outcomes.Take(CallSid);
        Assert.Equal("12", recorded?.Digit);
        Assert.False(recorded!.Failed);
        Assert.Null(outcomes.Take(CallSid));   // recorded once: nothing stale left for the call's next stream
    }

    [Fact]
    public async Task TryDigitsAndEnd_AtTheSameTime_RecordOneOutcomeThatMatchesWhatTheSessionReports()
    {
        for (int i = 0; i < 2_000; i++)
        {
            (StreamOutcomes outcomes, MediaStreamSession.SessionOutcome outcome) = Begin();
            using Barrier start = new(2);
            Task<bool> timer = Task.Run(() =>
            {
                start.SignalAndWait();
                return outcome.TryDigits("5");
            });
            Task<string?> end = Task.Run(() =>
            {
                start.SignalAndWait();
                return outcome.End(failed: true);
            });

            bool taken = await timer;
            string? reported = await end;

            StreamOutcome? recorded = outcomes.Take(CallSid);
            Assert.NotNull(recorded);
            Assert.Equal(taken ? "5" : null, reported);
            Assert.Equal(reported, recorded.Digit);
            Assert.Equal(reported is null, recorded.Failed);
            Assert.Null(outcomes.Take(CallSid));
            Assert.Equal(0, outcomes.Active);
        }
    }
}
