using System.Diagnostics.Metrics;
using IvrVoice.Server.Hosting;

namespace IvrVoice.Server.Streaming;

/// <summary>Streamed playout on the <c>IvrVoice.Server</c> meter: streams by outcome, prompts by source, underruns and fallbacks.</summary>
internal sealed class StreamingMetrics
{
    private readonly Counter<long> _streams;
    private readonly Counter<long> _prompts;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _underruns;
    private readonly Histogram<double> _firstFrame;

    public StreamingMetrics(IMeterFactory meterFactory, StreamOutcomes outcomes)
    {
        Meter meter = meterFactory.Create(ServerMetrics.MeterName);
        _streams = meter.CreateCounter<long>("ivrvoice.stream.sessions", "{stream}", "Media Streams ended, by outcome (completed, barge_in, fallback, refused, closed).");
        _prompts = meter.CreateCounter<long>("ivrvoice.stream.prompts", "{prompt}", "Prompts played over a stream, by source (cache, stream, whole).");
        _fallbacks = meter.CreateCounter<long>("ivrvoice.stream.fallbacks", "{stream}", "Streams ended early so the flow's fallback plays, by reason (stall, cut, render_failed).");
        _underruns = meter.CreateCounter<long>("ivrvoice.stream.underruns", "{frame}", "Frames sent after the audio before them had finished playing.");
        _firstFrame = meter.CreateHistogram<double>("ivrvoice.stream.first_frame", "s", "Time from a stream's start message to its first media frame.");
        meter.CreateObservableGauge("ivrvoice.stream.active", () => outcomes.Active, "{stream}", "Media Streams open now.");
    }

    public void Ended(string outcome) => _streams.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Prompt(string source) => _prompts.Add(1, new KeyValuePair<string, object?>("source", source));

    public void Fallback(string reason) => _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Underrun() => _underruns.Add(1);

    public void FirstFrame(TimeSpan elapsed) => _firstFrame.Record(elapsed.TotalSeconds);
}
