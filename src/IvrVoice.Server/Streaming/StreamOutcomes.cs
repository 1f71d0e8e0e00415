using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IvrVoice.Caching;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Streaming;

/// <summary>How a call's stream ended: the digits that interrupted it, or whether playout failed and the flow must fall back.</summary>
internal sealed record StreamOutcome(string? Digit, bool Failed, DateTimeOffset At);

/// <summary>
/// Hands a stream's outcome to the <c>&lt;Connect action&gt;</c> request Twilio makes once the WebSocket closes, by CallSid.
/// The node holding the socket keeps it in memory; when the nodes share the PostgreSQL prompt store it writes it to the
/// store's hand-off table before the socket closes, so the action request may land on any node, and keeps in memory only
/// what the store failed to take. A call's writes reach the store in the order they were made (a digit after "played"
/// replaces it). The action takes the outcome once: from this node's memory, else from the store, polling up to
/// <see cref="StreamingOptions.HandoffTimeout"/> for a write still on its way. A store that fails or does not answer costs at
/// most that wait: the action then answers as for a failed stream (the flow's fallback), logged and counted
/// (<c>ivrvoice.stream.handoffs</c>). Outcomes expire after ten minutes.
/// </summary>
internal sealed partial class StreamOutcomes
{
    internal const string KeyPrefix = "stream-outcome:";
    private static readonly TimeSpan s_keep = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, StreamOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _writes = new(StringComparer.Ordinal);
    private readonly IHandoffStore _store;
    private readonly IOptions<StreamingOptions> _options;
    private readonly TimeProvider _time;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Counter<long> _handoffs;

    public StreamOutcomes(IHandoffStore store, IOptions<StreamingOptions> options, TimeProvider time, StreamingClock clock, IMeterFactory meters, ILogger<StreamOutcomes> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _clock = clock.Time;
        _logger = logger;
        _handoffs = meters.Create(ServerMetrics.MeterName).CreateCounter<long>(
            "ivrvoice.stream.handoffs", "{outcome}",
            "Stream outcomes handed to <Connect action> requests, by result (local, shared, missing, failed, write_failed).");
    }

    /// <summary>
    /// Records the outcome of <paramref name="callSid"/>'s stream. Memory is updated at once; the returned task completes once
    /// the shared store has it too (or failed to take it within <see cref="StreamingOptions.HandoffTimeout"/>; never faults).
    /// The socket should close only after it completes, so the action request that follows the close finds the outcome.
    /// </summary>
    public Task SetAsync(string callSid, string? digit, bool failed)
    {
        DateTimeOffset now = _time.GetUtcNow();
        StreamOutcome outcome = new(digit, failed, now);
        _outcomes[callSid] = outcome;
        if (_outcomes.Count > 1024)
        {
            foreach ((string key, StreamOutcome old) in _outcomes)
            {
                if (now - old.At > s_keep)
                {
                    _outcomes.TryRemove(key, out _);
                }
            }
        }

        return _store.Shared ? AfterEarlierWrites(callSid, () => WriteAsync(callSid, outcome)) : Task.CompletedTask;
    }

    /// <summary>
    /// Takes the outcome of <paramref name="callSid"/>'s stream (once): from memory, else from the shared store, waiting up to
    /// <see cref="StreamingOptions.HandoffTimeout"/> for it to arrive. Null when there is none (the action answers as after a
    /// failed stream); never throws for a store that fails or hangs.
    /// </summary>
    public async Task<StreamOutcome?> TakeAsync(string? callSid, CancellationToken cancellationToken)
    {
        if (callSid is null)
        {
            return null;
        }

        if (TakeLocal(callSid) is { } local)
        {
            return local;
        }

        if (!_store.Shared)
        {
            Counted("missing");
            return null;
        }

        TimeSpan limit = _options.Value.HandoffTimeout;
        long started = _clock.GetTimestamp();
        using CancellationTokenSource deadline = new(limit, _clock);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            while (true)
            {
                if (await _store.TakeAsync(KeyPrefix + callSid, linked.Token).ConfigureAwait(false) is { } value)
                {
                    // This node may hold the same outcome (its socket was here, and the action came before it was kept).
                    _outcomes.TryRemove(callSid, out _);
                    if (Decode(value) is { } shared)
                    {
                        Counted("shared");
                        return shared;
                    }

                    Log.Unreadable(_logger, callSid);
                    Counted("failed");
                    return null;
                }

                if (_clock.GetElapsedTime(started) + s_poll >= limit)
                {
                    break;
                }

                // Twilio asks after the socket closed, and the socket's node wrote before closing: a miss here is a write
                // still on its way (or a stream that never reached a node).
                await Task.Delay(s_poll, _clock, linked.Token).ConfigureAwait(false);
                if (TakeLocal(callSid) is { } late)
                {
                    return late;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or System.Data.Common.DbException)
        {
            Log.ReadFailed(_logger, exception, callSid);
            Counted("failed");
            return null;
        }

        Log.Missing(_logger, callSid, limit.TotalSeconds);
        Counted("missing");
        return null;
    }

    private StreamOutcome? TakeLocal(string callSid)
    {
        if (!_outcomes.TryRemove(callSid, out StreamOutcome? local) || _time.GetUtcNow() - local.At > s_keep)
        {
            return null;
        }

        Counted("local");
        if (_store.Shared)
        {
            // The shared copy is spent too, so no later action of this call on another node reads it.
            _ = AfterEarlierWrites(callSid, () => ForgetAsync(callSid));
        }

        return local;
    }

    /// <summary>Claims the call's one stream on this node; false when the call already has one open here.</summary>
    public bool TryBegin(string callSid) => _active.TryAdd(callSid, 0);

    public void End(string callSid) => _active.TryRemove(callSid, out _);

    /// <summary>Streams open now.</summary>
    public int Active => _active.Count;

    /// <summary>The stored form: <c>digit:…</c>, <c>played</c> or <c>failed</c>.</summary>
    internal static string Encode(StreamOutcome outcome) =>
        outcome.Digit is { } digit ? "digit:" + digit : outcome.Failed ? "failed" : "played";

    internal StreamOutcome? Decode(string value) => value switch
    {
        "played" => new StreamOutcome(null, false, _time.GetUtcNow()),
        "failed" => new StreamOutcome(null, true, _time.GetUtcNow()),
        ['d', 'i', 'g', 'i', 't', ':', .. string digits] when digits.Length is > 0 and <= 20 && digits.All(c => char.IsAsciiDigit(c) || c is '*' or '#')
            => new StreamOutcome(digits, false, _time.GetUtcNow()),
        _ => null,
    };

    // A call's store operations run one after another, in the order they were asked for.
    private Task AfterEarlierWrites(string callSid, Func<Task> operation)
    {
        lock (_writes)
        {
            Task earlier = _writes.GetValueOrDefault(callSid) ?? Task.CompletedTask;
            Task next = earlier.ContinueWith(_ => operation(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            _writes[callSid] = next;
            _ = next.ContinueWith(
                done =>
                {
                    lock (_writes)
                    {
                        if (_writes.TryGetValue(callSid, out Task? last) && ReferenceEquals(last, done))
                        {
                            _writes.Remove(callSid);
                        }
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return next;
        }
    }

    private async Task WriteAsync(string callSid, StreamOutcome outcome)
    {
        using CancellationTokenSource limit = new(_options.Value.HandoffTimeout, _clock);
        try
        {
            await _store.PutAsync(KeyPrefix + callSid, Encode(outcome), s_keep, limit.Token).ConfigureAwait(false);

            // The store holds it now, and is where it is taken from (once, by whichever node gets the action). Memory keeps
            // only what the store could not take, so an action on this node still finds it then.
            _outcomes.TryRemove(new KeyValuePair<string, StreamOutcome>(callSid, outcome));
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException or InvalidOperationException or System.Data.Common.DbException)
        {
            // The action request on another node will not find it and falls back; on this node it reads memory.
            Log.WriteFailed(_logger, exception, callSid);
            Counted("write_failed");
        }
    }

    private async Task ForgetAsync(string callSid)
    {
        using CancellationTokenSource limit = new(_options.Value.HandoffTimeout, _clock);
        try
        {
            await _store.TakeAsync(KeyPrefix + callSid, limit.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Left to expire; the call's next stream replaces it before any action could read it.
        }
    }

    private void Counted(string result) => _handoffs.Add(1, new KeyValuePair<string, object?>("result", result));

    private static partial class Log
    {
        [LoggerMessage(EventId = 5820, Level = LogLevel.Warning, Message = "Call {CallSid}: the stream's outcome could not be written to the shared store; an action on another node falls back")]
        public static partial void WriteFailed(ILogger logger, Exception exception, string callSid);

        [LoggerMessage(EventId = 5821, Level = LogLevel.Warning, Message = "Call {CallSid}: the shared store did not give the stream's outcome; answering as after a failed stream")]
        public static partial void ReadFailed(ILogger logger, Exception exception, string callSid);

        [LoggerMessage(EventId = 5822, Level = LogLevel.Warning, Message = "Call {CallSid}: no stream outcome arrived within {Seconds} s; answering as after a failed stream")]
        public static partial void Missing(ILogger logger, string callSid, double seconds);

        [LoggerMessage(EventId = 5823, Level = LogLevel.Warning, Message = "Call {CallSid}: the shared store held an unreadable stream outcome; answering as after a failed stream")]
        public static partial void Unreadable(ILogger logger, string callSid);
    }
}
