using System.Collections.Concurrent;

namespace IvrVoice.Server.Streaming;

/// <summary>How a call's stream ended: the digit that interrupted it, or whether playout failed and the flow must fall back.</summary>
internal sealed record StreamOutcome(string? Digit, bool Failed, DateTimeOffset At);

/// <summary>
/// Hands a stream's outcome to the <c>&lt;Connect action&gt;</c> request Twilio makes once the WebSocket closes, by CallSid. Kept
/// in this process: the WebSocket and the action request of one call must reach the same node (route by CallSid, or keep a
/// call's requests on one node). Entries are taken once and forgotten after ten minutes.
/// </summary>
internal sealed class StreamOutcomes(TimeProvider time)
{
    private static readonly TimeSpan s_keep = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, StreamOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);

    public void Set(string callSid, string? digit, bool failed)
    {
        DateTimeOffset now = time.GetUtcNow();
        _outcomes[callSid] = new StreamOutcome(digit, failed, now);
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
    }

    public StreamOutcome? Take(string? callSid) =>
        callSid is not null && _outcomes.TryRemove(callSid, out StreamOutcome? outcome) && time.GetUtcNow() - outcome.At <= s_keep ? outcome : null;

    /// <summary>Claims the call's one stream; false when the call already has one open.</summary>
    public bool TryBegin(string callSid) => _active.TryAdd(callSid, 0);

    public void End(string callSid) => _active.TryRemove(callSid, out _);

    /// <summary>Streams open now.</summary>
    public int Active => _active.Count;
}
