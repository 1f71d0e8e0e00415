using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using IvrVoice.Server.Telemetry;

namespace IvrVoice.Server.Streaming;

/// <summary>
/// One Twilio Media Stream, speaking the documented protocol: Twilio sends <c>connected</c>, <c>start</c> (with the
/// custom parameters), <c>media</c> (the caller's audio, ignored here), <c>dtmf</c>, <c>mark</c> (echoes of ours once the
/// audio before them played) and <c>stop</c>; the service sends <c>media</c> (base64 μ-law, 20 ms frames), <c>mark</c> and
/// <c>clear</c>. After the playout's final mark comes back, or the caller's key presses are complete (the first clears the
/// audio: barge-in; more are collected as the menu's &lt;Gather&gt; would, up to its numDigits, its finishOnKey or its timeout
/// between keys), the service closes the socket and Twilio goes on with the <c>&lt;Connect action&gt;</c>. Runs on the
/// request's task: no thread of its own, buffers pooled.
/// </summary>
internal sealed partial class MediaStreamSession(
    WebSocket socket,
    StreamingOptions options,
    StreamTickets tickets,
    StreamPlayout playout,
    StreamOutcomes outcomes,
    StreamingMetrics metrics,
    TimeProvider time,
    ILogger logger) : IFrameSink
{
    internal const string EndMark = "end";
    private static readonly byte[] s_mediaMiddle = "\",\"media\":{\"payload\":\""u8.ToArray();
    private static readonly byte[] s_mediaEnd = "\"}}"u8.ToArray();

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _inputLock = new();
    private readonly System.Text.StringBuilder _collected = new();
    private StreamInput _input = StreamInput.None;
    private ITimer? _digitTimer;
    private bool _inputDone;
    private string? _limit;
    private readonly CancellationTokenSource _playoutStop = new();
    private readonly StreamPlayout.Clock _clock = new();
    private byte[] _mediaPrefix = [];
    private byte[] _out = [];
    private string? _streamSid;
    private string? _callSid;
    private SessionOutcome? _outcome;
    private Task? _playout;
    private PlayoutResult? _result;
    private int _closing;
    private long _startedAt;

    public async Task RunAsync(CancellationToken aborted)
    {
        using Activity? activity = ServerTelemetry.Source.StartActivity("stream.session");
        // The idle and total limits close the stream cleanly (a close frame, then Twilio's answer), never by cancelling the
        // pending receive, which would abort the socket without a close; a peer that never answers gets 5 s more.
        using CancellationTokenSource total = new(options.MaxDuration, time);
        using CancellationTokenSource idle = new(options.IdleTimeout, time);
        using CancellationTokenSource hard = new(Timeout.InfiniteTimeSpan, time);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, hard.Token);
        void Limit(string reason)
        {
            if (Interlocked.CompareExchange(ref _limit, reason, null) is null)
            {
                Log.TimedOut(logger, _callSid ?? "-", reason);
                _ = CloseAsync(WebSocketCloseStatus.NormalClosure, reason);
                hard.CancelAfter(TimeSpan.FromSeconds(5));
            }
        }

        using CancellationTokenRegistration onTotal = total.Token.Register(() => Limit("too_long"));
        using CancellationTokenRegistration onIdle = idle.Token.Register(() => Limit("idle"));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(options.MaxMessageBytes);
        _out = ArrayPool<byte>.Shared.Rent(1024);
        string outcome = "closed";
        try
        {
            while (socket.State == WebSocketState.Open || (socket.State == WebSocketState.CloseSent && !linked.IsCancellationRequested))
            {
                (int length, bool closed, bool tooLarge) = await ReceiveAsync(buffer, linked.Token).ConfigureAwait(false);
                if (closed)
                {
                    break;
                }

                if (tooLarge)
                {
                    Log.MessageTooLarge(logger, options.MaxMessageBytes);
                    await CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too large").ConfigureAwait(false);
                    break;
                }

                idle.CancelAfter(options.IdleTimeout);
                bool goOn;
                try
                {
                    goOn = await HandleAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
                }
                catch (JsonException)
                {
                    Log.Refused(logger, _callSid ?? "-", "a message that is not JSON");
                    await CloseAsync(WebSocketCloseStatus.ProtocolError, "not JSON").ConfigureAwait(false);
                    goOn = false;
                }

                if (!goOn)
                {
                    outcome = "refused";
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            outcome = aborted.IsCancellationRequested ? "closed" : _limit ?? "idle";
        }
        catch (WebSocketException)
        {
            // Twilio hung up the socket: the call ended.
        }
        finally
        {
            outcome = _limit is { } limit && !aborted.IsCancellationRequested ? limit : outcome;
            lock (_inputLock)
            {
                _digitTimer?.Dispose();
                _digitTimer = null;
                _inputDone = true;
            }

            await _playoutStop.CancelAsync().ConfigureAwait(false);
            if (_playout is not null)
            {
                await _playout.ConfigureAwait(false);
            }

            // Final: a digit entry the timer completes from now on is not taken; one completed before is.
            string? digit = null;
            if (_outcome is not null)
            {
                (digit, Task write) = _outcome.End(_result is not PlayoutResult.Completed);
                await write.ConfigureAwait(false);   // in the shared store before the socket closes
            }

            outcome = digit is not null ? "barge_in" : _result is PlayoutResult.Completed ? "completed" : _result is not null ? "fallback" : outcome;
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
            }

            await AwaitCloseAsync(buffer).ConfigureAwait(false);
            metrics.Ended(outcome);
            activity?.SetTag("ivrvoice.stream.outcome", outcome);
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(_out);
            _playoutStop.Dispose();
        }
    }

    public async ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_clock.FirstFrameAt is null)
        {
            metrics.FirstFrame(time.GetElapsedTime(_startedAt));
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // {"event":"media","streamSid":"…","media":{"payload":"<base64>"}} written into one pooled buffer.
            int at = 0;
            _mediaPrefix.CopyTo(_out, at);
            at += _mediaPrefix.Length;
            Base64.EncodeToUtf8(frame.Span, _out.AsSpan(at), out _, out int encoded);
            at += encoded;
            s_mediaEnd.CopyTo(_out, at);
            at += s_mediaEnd.Length;
            await socket.SendAsync(_out.AsMemory(0, at), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    // A clean close: after ours, read until Twilio's close frame (briefly), so the handshake completes before the request ends.
    private async Task AwaitCloseAsync(byte[] buffer)
    {
        if (socket.State != WebSocketState.CloseSent)
        {
            return;
        }

        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(5), time);
        try
        {
            while (socket.State == WebSocketState.CloseSent)
            {
                await socket.ReceiveAsync(buffer.AsMemory(), limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }
    }

    private async Task<(int Length, bool Closed, bool TooLarge)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                return (length, false, true);
            }

            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (0, true, false);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (length, false, false);
            }
        }
    }

    /// <summary>Handles one message; false ends the session (a refused start).</summary>
    private async Task<bool> HandleAsync(ReadOnlyMemory<byte> message)
    {
        using JsonDocument json = JsonDocument.Parse(message);
        JsonElement root = json.RootElement;
        string? kind = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        switch (kind)
        {
            case "start":
                return await StartAsync(root).ConfigureAwait(false);
            case "dtmf" when _streamSid is not null:
                string? digit = root.TryGetProperty("dtmf", out JsonElement dtmf) && dtmf.TryGetProperty("digit", out JsonElement d) ? d.GetString() : null;
                if (digit is { Length: 1 } && (char.IsAsciiDigit(digit[0]) || digit[0] is '*' or '#'))
                {
                    await KeyAsync(digit[0]).ConfigureAwait(false);
                }

                return true;
            case "mark" when root.TryGetProperty("mark", out JsonElement mark) && mark.TryGetProperty("name", out JsonElement name) && name.GetString() == EndMark:
                // Everything played. A caller part-way through a multi-digit entry keeps the socket until it is complete.
                bool entering;
                lock (_inputLock)
                {
                    entering = _collected.Length > 0 && !_inputDone;
                }

                if (!entering)
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
                }

                return true;
            case "stop":
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
                return true;
            default:
                return true;   // connected, media (the caller's audio) and anything newer
        }
    }

    private async Task<bool> StartAsync(JsonElement root)
    {
        if (_streamSid is not null)
        {
            return true;   // one start per stream
        }

        _startedAt = time.GetTimestamp();
        string? streamSid = root.TryGetProperty("streamSid", out JsonElement sid) ? sid.GetString() : null;
        JsonElement start = root.TryGetProperty("start", out JsonElement s) ? s : default;
        string? callSid = start.ValueKind == JsonValueKind.Object && start.TryGetProperty("callSid", out JsonElement c) ? c.GetString() : null;
        Dictionary<string, string> parameters = new(StringComparer.Ordinal);
        if (start.ValueKind == JsonValueKind.Object && start.TryGetProperty("customParameters", out JsonElement custom) && custom.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty parameter in custom.EnumerateObject())
            {
                if (parameter.Value.ValueKind == JsonValueKind.String)
                {
                    parameters[parameter.Name] = parameter.Value.GetString()!;
                }
            }
        }

        if (string.IsNullOrEmpty(streamSid) || string.IsNullOrEmpty(callSid) || streamSid.Length > 64 || !streamSid.All(char.IsAsciiLetterOrDigit))
        {
            Log.Refused(logger, "-", "start without a streamSid and callSid");
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, "bad start").ConfigureAwait(false);
            return false;
        }

        (StreamTicketCheck check, IReadOnlyList<StreamItem> items, StreamInput input) = await tickets.VerifyAsync(parameters, callSid, CancellationToken.None).ConfigureAwait(false);
        if (check != StreamTicketCheck.Valid)
        {
            Log.Refused(logger, callSid, check.ToString());
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, "refused").ConfigureAwait(false);
            return false;
        }

        if (!outcomes.TryBegin(callSid))
        {
            Log.Refused(logger, callSid, "the call already has a stream");
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, "one stream per call").ConfigureAwait(false);
            return false;
        }

        _callSid = callSid;
        _outcome = new SessionOutcome(outcomes, callSid);
        _streamSid = streamSid;
        _input = input;
        _mediaPrefix = Encoding.UTF8.GetBytes("{\"event\":\"media\",\"streamSid\":\"" + streamSid).Concat(s_mediaMiddle).ToArray();
        Log.Started(logger, callSid, items.Count);
        _playout = Task.Run(() => PlayAsync(items));
        return true;
    }

    private async Task PlayAsync(IReadOnlyList<StreamItem> items)
    {
        CancellationToken stop = _playoutStop.Token;
        try
        {
            try
            {
                _result = await playout.PlayAsync(items, this, _clock, stop).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not WebSocketException)
            {
                // Anything else that breaks the playout (a store or renderer fault) ends it as a failure: the flow's
                // fallback plays after the socket closes, instead of the socket closing on a faulted playout.
                Log.PlayoutFailed(logger, exception, _callSid ?? "-");
                _result = PlayoutResult.RenderFailed;
            }

            if (_result != PlayoutResult.Completed)
            {
                metrics.Fallback(_result switch { PlayoutResult.Stalled => "stall", PlayoutResult.Cut => "cut", _ => "render_failed" });
            }

            // Known before the socket closes, so the <Connect action> request that follows the close finds it.
            if (_outcome is not null)
            {
                await _outcome.PlayoutEnded(_result != PlayoutResult.Completed).ConfigureAwait(false);
            }

            // The end mark comes back once everything sent has played; then the socket closes and the call goes on.
            await SendControlAsync($"{{\"event\":\"mark\",\"streamSid\":\"{_streamSid}\",\"mark\":{{\"name\":\"{EndMark}\"}}}}", stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
        }
    }

    /// <summary>One key press: the first clears the audio (barge-in); the entry ends complete, at the finish key, or on the timer.</summary>
    private async Task KeyAsync(char key)
    {
        bool first;
        bool complete;
        lock (_inputLock)
        {
            bool finish = _input.FinishOnKey.Length == 1 && key == _input.FinishOnKey[0];
            if (!_input.Listens || _inputDone || (finish && _collected.Length == 0))
            {
                return;   // an announcement a caller cannot skip, an entry already made, or a lone finish key
            }

            if (!finish)
            {
                _collected.Append(key);
            }

            first = _collected.Length == 1 && !finish;
            complete = finish || _collected.Length >= _input.NumDigits;
            _digitTimer?.Dispose();
            _digitTimer = complete ? null
                : time.CreateTimer(static state => _ = ((MediaStreamSession)state!).FinishInputAsync(), this, TimeSpan.FromSeconds(_input.TimeoutSeconds), Timeout.InfiniteTimeSpan);
        }

        if (first)
        {
            await ClearPlayoutAsync().ConfigureAwait(false);
        }

        if (complete)
        {
            await FinishInputAsync().ConfigureAwait(false);
        }
    }

    private async Task ClearPlayoutAsync()
    {
        await _playoutStop.CancelAsync().ConfigureAwait(false);
        if (_playout is not null)
        {
            await _playout.ConfigureAwait(false);
        }

        Log.BargeIn(logger, _callSid ?? "-");
        await SendControlAsync($"{{\"event\":\"clear\",\"streamSid\":\"{_streamSid}\"}}", CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The entry is complete (or its time between keys ran out): the digits go to the action, the socket closes.</summary>
    private async Task FinishInputAsync()
    {
        string digits;
        lock (_inputLock)
        {
            if (_inputDone || _collected.Length == 0)
            {
                return;
            }

            _inputDone = true;
            _digitTimer?.Dispose();
            _digitTimer = null;
            digits = _collected.ToString();
        }

        if (_outcome?.TryDigits(digits) is { } write)
        {
            await write.ConfigureAwait(false);
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
        }
    }

    private async Task SendControlAsync(string message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;   // one close per socket, whoever asks first (the end mark, a digit, a limit, Twilio's stop)
        }

        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using CancellationTokenSource limit = new(TimeSpan.FromSeconds(5), time);
                await socket.CloseOutputAsync(status, reason, limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// What one stream hands to its <c>&lt;Connect action&gt;</c>, decided once under one lock: the playout's end gives a
    /// provisional outcome, a completed digit entry replaces it, and the session's end makes it final (a digit entry
    /// completed after that, by the timer between keys racing the socket's close, is not taken). Each decision is made under
    /// the lock, which also orders the call's writes; the returned task (the shared store's write, which never faults) is
    /// awaited outside it, before the socket closes.
    /// </summary>
    internal sealed class SessionOutcome(StreamOutcomes outcomes, string callSid)
    {
        private readonly Lock _lock = new();
        private string? _digits;
        private bool _set;
        private bool _ended;
        private Task _write = Task.CompletedTask;   // the latest write: the store takes a call's writes in order

        /// <summary>The playout ended (failed: the flow must fall back); kept unless digits come or came.</summary>
        public Task PlayoutEnded(bool failed)
        {
            lock (_lock)
            {
                if (!_ended && !_set)
                {
                    _set = true;
                    return _write = outcomes.SetAsync(callSid, null, failed);
                }
            }

            return Task.CompletedTask;
        }

        /// <summary>A completed digit entry, with its write; null when the session had already ended (its outcome stands).</summary>
        public Task? TryDigits(string digits)
        {
            lock (_lock)
            {
                if (_ended || _digits is not null)
                {
                    return null;
                }

                _digits = digits;
                _set = true;
                return _write = outcomes.SetAsync(callSid, digits, false);
            }
        }

        /// <summary>
        /// The session ended: records the outcome if nothing did, frees the call's stream, and returns the digits taken with
        /// the latest write (a digit entry's may still be on its way to the shared store; the socket closes after it lands).
        /// </summary>
        public (string? Digits, Task Write) End(bool failed)
        {
            lock (_lock)
            {
                if (!_ended)
                {
                    _ended = true;
                    if (!_set)
                    {
                        _set = true;
                        _write = outcomes.SetAsync(callSid, null, failed);
                    }

                    outcomes.End(callSid);
                }

                return (_digits, _write);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5810, Level = LogLevel.Information, Message = "Call {CallSid}: stream started with {PromptCount} prompt(s)")]
        public static partial void Started(ILogger logger, string callSid, int promptCount);

        [LoggerMessage(EventId = 5811, Level = LogLevel.Warning, Message = "Call {CallSid}: stream refused ({Reason})")]
        public static partial void Refused(ILogger logger, string callSid, string reason);

        [LoggerMessage(EventId = 5812, Level = LogLevel.Information, Message = "Call {CallSid}: a digit interrupted the stream; playout cleared")]
        public static partial void BargeIn(ILogger logger, string callSid);

        [LoggerMessage(EventId = 5813, Level = LogLevel.Warning, Message = "Call {CallSid}: stream closed ({Reason})")]
        public static partial void TimedOut(ILogger logger, string callSid, string reason);

        [LoggerMessage(EventId = 5815, Level = LogLevel.Error, Message = "Call {CallSid}: the stream's playout failed; the flow's fallback plays")]
        public static partial void PlayoutFailed(ILogger logger, Exception exception, string callSid);

        [LoggerMessage(EventId = 5814, Level = LogLevel.Warning, Message = "A stream message was over Streaming:MaxMessageBytes ({Limit} bytes); closing the stream")]
        public static partial void MessageTooLarge(ILogger logger, int limit);
    }
}
