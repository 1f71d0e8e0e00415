using System.Collections.Concurrent;
using System.Threading.Channels;
using IvrVoice.Audio;
using IvrVoice.Prompts;
using IvrVoice.Providers;

namespace IvrVoice.Server.Streaming;

/// <summary>A streamed render once opened: the route serving it, its sample rate, whether it arrives progressively.</summary>
internal sealed record FlightOpened(string Provider, int SampleRate, bool Progressive);

/// <summary>
/// One provider render per prompt key, however many callers miss that prompt at once (the streaming counterpart of the whole
/// render's single flight): the first caller's miss opens the stream on the router (failover before the first audio as
/// always); every caller that misses the same prompt while it is open gets the audio received so far at once and then the
/// rest as it arrives. The finished audio is stored once. A flight that loses its last listener before the end stops its
/// provider request; one that fails is forgotten, so the next miss tries again.
/// </summary>
internal sealed partial class StreamFlights(ITtsStreamRouter router, PromptRenderer renderer, ILogger<StreamFlights> logger)
{
    private readonly ConcurrentDictionary<string, Flight> _flights = new(StringComparer.Ordinal);
    private readonly ITtsStreamRouter _router = router;
    private readonly PromptRenderer _renderer = renderer;
    private readonly ILogger _logger = logger;

    /// <summary>Listens to the render of <paramref name="spec"/>, opening it unless one is already on its way.</summary>
    public Listener Join(PromptSpec spec)
    {
        string key = PromptKeys.For(spec).ToString();
        while (true)
        {
            Flight flight = _flights.GetOrAdd(key, static (k, state) => new Flight(state.Owner, k, state.Spec), (Owner: this, Spec: spec));
            if (flight.TryListen() is { } listener)
            {
                flight.StartOnce();
                return listener;
            }

            _flights.TryRemove(new KeyValuePair<string, Flight>(key, flight));   // ended while we looked: start a new one
        }
    }

    private void Forget(Flight flight) => _flights.TryRemove(new KeyValuePair<string, Flight>(flight.Key, flight));

    /// <summary>One caller's view of a flight: when it opened, then its chunks from the first. Dispose to leave.</summary>
    internal sealed class Listener(Flight flight, Channel<float[]> chunks) : IDisposable
    {
        /// <summary>The opened render, or null when no route could start it.</summary>
        public Task<FlightOpened?> Opened => flight.Opened;

        /// <summary>The next chunk, or null at the end.</summary>
        /// <exception cref="TtsStreamException">The render broke off after its first audio.</exception>
        public async ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken)
        {
            if (chunks.Reader.TryRead(out float[]? chunk))
            {
                return chunk;
            }

            while (await chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (chunks.Reader.TryRead(out chunk))
                {
                    return chunk;
                }
            }

            return flight.Failure is { } failure ? throw failure : null;
        }

        public void Dispose() => flight.Leave(chunks);
    }

    internal sealed class Flight(StreamFlights owner, string key, PromptSpec spec)
    {
        private readonly Lock _lock = new();
        private readonly List<float[]> _received = [];
        private readonly List<Channel<float[]>> _listeners = [];
        private readonly TaskCompletionSource<FlightOpened?> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();
        private int _started;
        private bool _ended;

        public string Key => key;

        public Task<FlightOpened?> Opened => _opened.Task;

        public TtsStreamException? Failure { get; private set; }

        public Listener? TryListen()
        {
            // The flight's reader hands each chunk straight on to the listener's playout (synchronous continuations): a chunk
            // reaches the caller's frames in the same pass through the thread pool that read it from the provider, as a
            // stream read directly would. With asynchronous continuations every chunk of every stream queued a second work
            // item behind all the others', which at hundreds of streams made frames late.
            Channel<float[]> channel = Channel.CreateUnbounded<float[]>(new UnboundedChannelOptions
            {
                SingleReader = true,
                SingleWriter = true,
                AllowSynchronousContinuations = true,
            });
            lock (_lock)
            {
                if (_ended && (Failure is not null || _stop.IsCancellationRequested || _opened.Task is { IsCompleted: true, Result: null }))
                {
                    return null;   // failed or abandoned: a new caller starts afresh
                }

                foreach (float[] chunk in _received)
                {
                    channel.Writer.TryWrite(chunk);
                }

                if (_ended)
                {
                    channel.Writer.TryComplete();   // complete and being stored: all of it at once
                }
                else
                {
                    _listeners.Add(channel);
                }
            }

            return new Listener(this, channel);
        }

        public void StartOnce()
        {
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                _ = Task.Run(RunAsync);
            }
        }

        public void Leave(Channel<float[]> channel)
        {
            lock (_lock)
            {
                if (!_listeners.Remove(channel) || _listeners.Count > 0 || _ended)
                {
                    return;
                }

                // Nobody listens any more (they hung up, pressed a key, or gave up on a stall): stop the provider request.
                _ended = true;
                _stop.Cancel();
            }

            owner.Forget(this);
        }

        private async Task RunAsync()
        {
            TtsAudioStream? stream = null;
            try
            {
                TtsStreamResult result = await owner._router.OpenAsync(PromptRenderer.CreateTtsRequest(spec), RenderUrgency.InCall, _stop.Token).ConfigureAwait(false);
                if (result.Stream is not { } opened)
                {
                    Log.RenderFailed(owner._logger, key, result.Failures.Count);
                    End(null);
                    _opened.TrySetResult(null);
                    return;
                }

                stream = opened;
                _opened.TrySetResult(new FlightOpened(stream.Provider, stream.SampleRate, stream.Progressive));
                while (await stream.ReadAsync(_stop.Token).ConfigureAwait(false) is { } chunk)
                {
                    Channel<float[]>[] listeners;
                    lock (_lock)
                    {
                        _received.Add(chunk);
                        listeners = [.. _listeners];
                    }

                    // Outside the lock: a listener's playout runs on from here until its next wait, and may leave the flight.
                    foreach (Channel<float[]> listener in listeners)
                    {
                        listener.Writer.TryWrite(chunk);
                    }
                }

                End(null);
                await StoreAsync(stream).ConfigureAwait(false);
            }
            catch (TtsStreamException exception)
            {
                End(exception);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                End(null);   // every listener left: nothing to report
            }
            catch (Exception exception)
            {
                // Any other end (a timeout, a socket error) is a broken render, never a complete prompt: the listeners' playout
                // reports it and the flow's fallback plays. Only the exception's type is logged; its message may carry a URL.
                Log.Broke(owner._logger, key, exception.GetType().Name);
                End(new TtsStreamException(new TtsFailure(stream?.Provider ?? "stream", TtsFailureKind.TransientUpstream, exception.GetType().Name)));
            }
            finally
            {
                End(null);
                _opened.TrySetResult(null);
                if (stream is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }

                owner.Forget(this);
                _stop.Dispose();
            }
        }

        private void End(TtsStreamException? failure)
        {
            Channel<float[]>[] listeners;
            lock (_lock)
            {
                Failure ??= failure;
                _ended = true;
                listeners = [.. _listeners];
                _listeners.Clear();
            }

            foreach (Channel<float[]> listener in listeners)
            {
                listener.Writer.TryComplete();
            }
        }

        // The finished audio is mastered in full and cached like any render; the flight stays joinable until it is stored.
        private async Task StoreAsync(TtsAudioStream stream)
        {
            float[] samples = new float[_received.Sum(c => c.Length)];
            int offset = 0;
            foreach (float[] chunk in _received)
            {
                chunk.CopyTo(samples, offset);
                offset += chunk.Length;
            }

            TtsAudio audio = new()
            {
                Provider = stream.Provider,
                Bytes = [],
                ContentType = "audio/L16",
                Pcm = new PcmAudio(samples, stream.SampleRate),
                RequestId = stream.RequestId,
                Latency = stream.FirstChunkLatency,
            };
            try
            {
                await owner._renderer.StoreStreamedAsync(spec, audio, CancellationToken.None).ConfigureAwait(false);
                Log.Stored(owner._logger, key, stream.Provider);
            }
            catch (Exception exception)
            {
                Log.StoreFailed(owner._logger, exception, key);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5801, Level = LogLevel.Warning, Message = "Streamed prompt {PromptKey}: no route could start it ({FailureCount} failures); the flow's fallback plays")]
        public static partial void RenderFailed(ILogger logger, string promptKey, int failureCount);

        [LoggerMessage(EventId = 5804, Level = LogLevel.Information, Message = "Streamed prompt {PromptKey} from {Provider} mastered and cached for the next caller")]
        public static partial void Stored(ILogger logger, string promptKey, string provider);

        [LoggerMessage(EventId = 5806, Level = LogLevel.Warning, Message = "Streamed prompt {PromptKey}: the provider stream ended with {ExceptionType}; the flow's fallback plays")]
        public static partial void Broke(ILogger logger, string promptKey, string exceptionType);

        [LoggerMessage(EventId = 5805, Level = LogLevel.Warning, Message = "Streamed prompt {PromptKey} could not be cached")]
        public static partial void StoreFailed(ILogger logger, Exception exception, string promptKey);
    }
}
