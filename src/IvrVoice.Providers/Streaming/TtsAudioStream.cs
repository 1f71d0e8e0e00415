using System.Diagnostics;

namespace IvrVoice.Providers;

/// <summary>
/// Audio of one render as it arrives: chunks of mono samples on the 16-bit scale (as <see cref="IvrVoice.Audio.PcmAudio"/>
/// holds them) at <see cref="SampleRate"/>. The first chunk has already arrived when the stream is handed out. Not thread-safe.
/// </summary>
public sealed class TtsAudioStream : IAsyncDisposable
{
    private readonly TtsChunkSource _source;
    private float[]? _first;
    private bool _ended;

    internal TtsAudioStream(string provider, TtsChunkSource source, float[] first, TimeSpan firstChunkLatency, Activity? activity)
    {
        Provider = provider;
        _source = source;
        _first = first;
        FirstChunkLatency = firstChunkLatency;
        Activity = activity;
    }

    /// <summary>The route serving the stream.</summary>
    public string Provider { get; }

    /// <summary>Samples per second of every chunk.</summary>
    public int SampleRate => _source.SampleRate;

    /// <summary>True when the route delivers audio as it is produced; false for a whole render delivered as one chunk.</summary>
    public bool Progressive => _source.Progressive;

    /// <summary>Time from opening the route to its first audio chunk.</summary>
    public TimeSpan FirstChunkLatency { get; }

    /// <summary>Samples delivered so far.</summary>
    public long SamplesRead { get; private set; }

    /// <summary>The route's request or response id, once known.</summary>
    public string? RequestId => _source.RequestId;

    internal Activity? Activity { get; }

    /// <summary>The next chunk (never empty), or null at the end of the audio.</summary>
    /// <exception cref="TtsStreamException">The stream broke after its first chunk; what came before is all there is.</exception>
    public async ValueTask<float[]?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_first is { } first)
        {
            _first = null;
            SamplesRead += first.Length;
            return first;
        }

        if (_ended)
        {
            return null;
        }

        float[]? chunk;
        try
        {
            chunk = await _source.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TtsStreamException exception)
        {
            _ended = true;
            Activity?.SetStatus(ActivityStatusCode.Error, exception.Failure.Kind.ToString());
            throw;
        }

        if (chunk is null)
        {
            _ended = true;
            return null;
        }

        SamplesRead += chunk.Length;
        return chunk;
    }

    public async ValueTask DisposeAsync()
    {
        Activity?.SetTag("ivrvoice.tts.samples", SamplesRead);
        Activity?.Dispose();
        await _source.DisposeAsync().ConfigureAwait(false);
    }
}
