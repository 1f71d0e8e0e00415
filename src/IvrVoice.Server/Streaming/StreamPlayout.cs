using System.Buffers.Binary;
using System.Diagnostics;
using IvrVoice.Audio;
using IvrVoice.Audio.Streaming;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Streaming;

/// <summary>Where a stream's frames go: the session that owns the WebSocket.</summary>
internal interface IFrameSink
{
    /// <summary>Sends one μ-law frame (160 bytes, the last of a prompt may be shorter).</summary>
    ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);
}

/// <summary>How a playout ended.</summary>
internal enum PlayoutResult
{
    Completed,
    Stalled,
    Cut,
    RenderFailed,
}

/// <summary>
/// Plays a stream's prompts in order. A cached prompt is sent at once (Twilio buffers it); a miss joins the prompt's
/// <see cref="StreamFlights">flight</see> (one provider request however many callers miss it at once), each chunk resampled,
/// level-controlled and sent as 20 ms frames as it arrives; the flight stores the finished audio (mastered in full). A provider that stalls gets until the audio already sent has played plus
/// <see cref="StreamingOptions.MaxStallSilence"/>; then, as after a cut, playout ends early so the flow's fallback plays.
/// </summary>
internal sealed partial class StreamPlayout(
    PromptRenderer renderer,
    StreamFlights flights,
    IOptions<StreamingOptions> options,
    StreamingMetrics metrics,
    StreamingClock streamingClock,
    ILogger<StreamPlayout> logger)
{
    private readonly TimeProvider _time = streamingClock.Time;
    private static readonly TimeSpan s_frame = TimeSpan.FromMilliseconds(20);
    private readonly StreamingOptions _options = options.Value;

    public async Task<PlayoutResult> PlayAsync(IReadOnlyList<StreamItem> items, IFrameSink sink, Clock clock, CancellationToken cancellationToken)
    {
        foreach (StreamItem item in items)
        {
            CachedPrompt? cached = await TryCachedAsync(item, cancellationToken).ConfigureAwait(false);
            PlayoutResult result = cached is not null && MuLawData(cached.Audio) is { } data
                ? await SendCachedAsync(data, sink, clock, cancellationToken).ConfigureAwait(false)
                : await StreamMissAsync(item.Spec, sink, clock, cancellationToken).ConfigureAwait(false);
            if (result != PlayoutResult.Completed)
            {
                return result;
            }
        }

        return PlayoutResult.Completed;
    }

    /// <summary>
    /// The item's cached audio, or null to stream it. A joined announcement is cached under its join key; if it has left the
    /// cache, the whole sentence streams. A store that fails or hangs (past Cache:StoreTimeout) counts as a miss: the prompt
    /// streams from the provider rather than the caller hearing nothing.
    /// </summary>
    private async Task<CachedPrompt?> TryCachedAsync(StreamItem item, CancellationToken cancellationToken)
    {
        try
        {
            CachedPrompt? cached = item.CachedKey is { } key && PromptKey.TryParse(key, out PromptKey joined)
                ? await renderer.Cache.TryGetAsync(joined, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false)
                : null;
            return cached ?? await renderer.TryGetAsync(item.Spec, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException exception)
        {
            Log.StoreUnavailable(logger, exception);
            return null;
        }
    }

    private async Task<PlayoutResult> SendCachedAsync(ReadOnlyMemory<byte> data, IFrameSink sink, Clock clock, CancellationToken cancellationToken)
    {
        metrics.Prompt("cache");
        for (int at = 0; at < data.Length; at += MuLawFrameStream.FrameBytes)
        {
            ReadOnlyMemory<byte> frame = data.Slice(at, Math.Min(MuLawFrameStream.FrameBytes, data.Length - at));
            await SendAsync(sink, clock, frame, cancellationToken).ConfigureAwait(false);
        }

        return PlayoutResult.Completed;
    }

    private async Task<PlayoutResult> StreamMissAsync(PromptSpec spec, IFrameSink sink, Clock clock, CancellationToken cancellationToken)
    {
        using Activity? activity = ServerTelemetry.Source.StartActivity("stream.render");
        // Callers missing the same prompt at once share one provider request (and one stored result).
        using StreamFlights.Listener flight = flights.Join(spec);
        FlightOpened? opened = await flight.Opened.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (opened is null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "render_failed");
            return PlayoutResult.RenderFailed;
        }

        activity?.SetTag("ivrvoice.tts.served_by", opened.Provider);
        activity?.SetTag("ivrvoice.tts.progressive", opened.Progressive);
        metrics.Prompt(opened.Progressive ? "stream" : "whole");
        using MuLawFrameStream frames = new(opened.SampleRate, _options.LevelOptions);
        byte[] frame = new byte[MuLawFrameStream.FrameBytes];
        while (true)
        {
            float[]? chunk;
            TimeSpan wait = clock.Buffered(_time.GetUtcNow()) + _options.MaxStallSilence;
            using (CancellationTokenSource stall = new(wait, _time))
            using (CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token))
            {
                try
                {
                    chunk = await flight.ReadAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, "stall");
                    Log.Stalled(logger, PromptKeys.For(spec).ToString(), opened.Provider, _options.MaxStallSilence.TotalMilliseconds);
                    return PlayoutResult.Stalled;
                }
                catch (TtsStreamException exception)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, "cut");
                    Log.Cut(logger, PromptKeys.For(spec).ToString(), opened.Provider, exception.Failure.Kind);
                    return PlayoutResult.Cut;
                }
            }

            if (chunk is null)
            {
                break;
            }

            frames.Write(chunk);
            await DrainAsync(frames, frame, sink, clock, cancellationToken).ConfigureAwait(false);
        }

        frames.Complete();
        await DrainAsync(frames, frame, sink, clock, cancellationToken).ConfigureAwait(false);
        return PlayoutResult.Completed;
    }

    private async Task DrainAsync(MuLawFrameStream frames, byte[] frame, IFrameSink sink, Clock clock, CancellationToken cancellationToken)
    {
        int length;
        while ((length = frames.ReadFrame(frame)) > 0)
        {
            await SendAsync(sink, clock, frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SendAsync(IFrameSink sink, Clock clock, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (clock.Sent(_time.GetUtcNow(), TimeSpan.FromSeconds(frame.Length / 8000.0)))
        {
            metrics.Underrun();
        }

        await sink.SendFrameAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The μ-law samples of a cached WAV (format 7, 8 kHz), or null for any other audio.</summary>
    internal static ReadOnlyMemory<byte>? MuLawData(ReadOnlyMemory<byte> wav)
    {
        ReadOnlySpan<byte> span = wav.Span;
        if (span.Length < 12 || !span[..4].SequenceEqual("RIFF"u8) || !span.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return null;
        }

        bool muLaw = false;
        int at = 12;
        while (at + 8 <= span.Length)
        {
            int size = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 4)..]);
            if (span.Slice(at, 4).SequenceEqual("fmt "u8) && size >= 16 && at + 8 + size <= span.Length)
            {
                muLaw = BinaryPrimitives.ReadInt16LittleEndian(span[(at + 8)..]) == 7 && BinaryPrimitives.ReadInt16LittleEndian(span[(at + 10)..]) == 1
                    && BinaryPrimitives.ReadInt32LittleEndian(span[(at + 12)..]) == 8000;
            }
            else if (span.Slice(at, 4).SequenceEqual("data"u8))
            {
                return muLaw ? wav.Slice(at + 8, Math.Min(size, span.Length - at - 8)) : null;
            }

            if (size < 0)
            {
                return null;
            }

            at += 8 + size + (size & 1);
        }

        return null;
    }

    /// <summary>
    /// Where the caller's playout stands: Twilio plays what it is sent in real time, so the audio sent ends playing at
    /// <see cref="PlayedUntil"/>. A frame sent after that instant arrives late: the caller heard a gap (an underrun).
    /// </summary>
    internal sealed class Clock
    {
        public DateTimeOffset? FirstFrameAt { get; private set; }

        public DateTimeOffset PlayedUntil { get; private set; }

        /// <summary>Audio sent that has not played yet.</summary>
        public TimeSpan Buffered(DateTimeOffset now) => PlayedUntil > now ? PlayedUntil - now : TimeSpan.Zero;

        /// <summary>Records a frame sent now; true when it came after the audio before it had played out (an underrun).</summary>
        public bool Sent(DateTimeOffset now, TimeSpan duration)
        {
            bool late = FirstFrameAt is not null && now > PlayedUntil;
            FirstFrameAt ??= now;
            PlayedUntil = (PlayedUntil > now ? PlayedUntil : now) + duration;
            return late;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5807, Level = LogLevel.Warning, Message = "Streamed prompt: the prompt store did not answer; streaming it from the provider")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 5802, Level = LogLevel.Warning, Message = "Streamed prompt {PromptKey}: {Provider} stalled; ended after {SilenceMs} ms of silence, the flow's fallback plays")]
        public static partial void Stalled(ILogger logger, string promptKey, string provider, double silenceMs);

        [LoggerMessage(EventId = 5803, Level = LogLevel.Warning, Message = "Streamed prompt {PromptKey}: {Provider} broke off mid-stream ({Kind}); the flow's fallback plays")]
        public static partial void Cut(ILogger logger, string promptKey, string provider, TtsFailureKind kind);

    }
}
