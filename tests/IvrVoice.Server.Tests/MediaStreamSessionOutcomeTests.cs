using IvrVoice.Caching;
using IvrVoice.Server.Streaming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>
/// A stream's outcome for its &lt;Connect action&gt;, when the timer between keys completes a digit entry while the session
/// ends (Twilio's stop, a hang-up, a limit): exactly one of them decides it, and what the session reports is what it recorded,
/// in this node's memory and in a shared hand-off store alike.
/// </summary>
public sealed class MediaStreamSessionOutcomeTests : IDisposable
{
    private const string CallSid = "CA7000000000000000000000000000000b";
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _metrics.Dispose();

    private (StreamOutcomes Outcomes, SharedStore Store, MediaStreamSession.SessionOutcome Outcome) Begin()
    {
        SharedStore store = new();
        StreamOutcomes outcomes = new(store, Options.Create(new StreamingOptions()), _time, new StreamingClock(_time),
            _metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLogger<StreamOutcomes>.Instance);
        Assert.True(outcomes.TryBegin(CallSid));
        return (outcomes, store, new MediaStreamSession.SessionOutcome(outcomes, CallSid));
    }

    [Fact]
    public async Task TryDigitsAsync_AfterTheSessionEnded_IsRefusedAndTheEndsOutcomeStands()
    {
        (StreamOutcomes outcomes, SharedStore store, MediaStreamSession.SessionOutcome outcome) = Begin();

        Assert.Null(await outcome.EndAsync(failed: true));
        Assert.False(await outcome.TryDigitsAsync("4"));

        Assert.Equal(1, store.Puts);
        StreamOutcome? recorded = await outcomes.TakeAsync(CallSid, CancellationToken.None);
        Assert.NotNull(recorded);
        Assert.Null(recorded.Digit);
        Assert.True(recorded.Failed);
        Assert.Equal(0, outcomes.Active);
    }

    [Fact]
    public async Task EndAsync_AfterDigitsAndAPlayoutFailure_KeepsTheDigits()
    {
        (StreamOutcomes outcomes, SharedStore store, MediaStreamSession.SessionOutcome outcome) = Begin();

        await outcome.PlayoutEndedAsync(failed: true);
        Assert.True(await outcome.TryDigitsAsync("12"));
        await outcome.PlayoutEndedAsync(failed: true);

        Assert.Equal("12", await outcome.EndAsync(failed: true));
        Assert.Equal(2, store.Puts);   // "failed", then the digits that replace it; nothing after
        StreamOutcome? recorded = await outcomes.TakeAsync(CallSid, CancellationToken.None);
        Assert.Equal("12", recorded?.Digit);
        Assert.False(recorded!.Failed);
    }

    [Fact]
    public async Task TryDigitsAndEnd_AtTheSameTime_RecordOneOutcomeThatMatchesWhatTheSessionReports()
    {
        for (int i = 0; i < 1_000; i++)
        {
            (StreamOutcomes outcomes, SharedStore store, MediaStreamSession.SessionOutcome outcome) = Begin();
            using Barrier start = new(2);
            Task<bool> timer = Task.Run(async () =>
            {
                start.SignalAndWait();
                return await outcome.TryDigitsAsync("5");
            });
            Task<string?> end = Task.Run(async () =>
            {
                start.SignalAndWait();
                return await outcome.EndAsync(failed: true);
            });

            bool taken = await timer;
            string? reported = await end;

            Assert.Equal(1, store.Puts);
            StreamOutcome? recorded = await outcomes.TakeAsync(CallSid, CancellationToken.None);
            Assert.NotNull(recorded);
            Assert.Equal(taken ? "5" : null, reported);
            Assert.Equal(reported, recorded.Digit);
            Assert.Equal(reported is null, recorded.Failed);
            Assert.Equal(0, outcomes.Active);
        }
    }

    /// <summary>A hand-off store shared by nodes, as PostgreSQL is, kept in a dictionary; counts the writes it was given.</summary>
    private sealed class SharedStore : IHandoffStore
    {
        private readonly Dictionary<string, string> _entries = [];
        private int _puts;

        public int Puts => Volatile.Read(ref _puts);

        public bool Shared => true;

        public Task PutAsync(string key, string value, TimeSpan lifetime, CancellationToken cancellationToken)
        {
            lock (_entries)
            {
                _puts++;
                _entries[key] = value;
            }

            return Task.CompletedTask;
        }

        public Task<string?> GetAsync(string key, CancellationToken cancellationToken)
        {
            lock (_entries)
            {
                return Task.FromResult(_entries.TryGetValue(key, out string? value) ? value : null);
            }
        }

        public Task<string?> TakeAsync(string key, CancellationToken cancellationToken)
        {
            lock (_entries)
            {
                return Task.FromResult(_entries.Remove(key, out string? value) ? value : null);
            }
        }
    }
}
