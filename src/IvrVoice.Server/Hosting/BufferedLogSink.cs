using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Sinks.Async;

namespace IvrVoice.Server.Hosting;

/// <summary>
/// The console sink behind the asynchronous request log: events are formatted into a buffer and written out when the async
/// sink's queue is empty (or the buffer is full), instead of one write and flush per event. Under load one system call carries
/// many lines; with the queue drained every line is out at once, so nothing waits for a later event or a timer.
/// </summary>
/// <remarks>
/// Runs on the async sink's single worker thread (<see cref="LoggerConfigurationAsyncExtensions"/> calls <see cref="Emit"/>
/// from there only, and disposes it after the worker has drained the queue), so it needs no lock.
/// </remarks>
internal sealed class BufferedLogSink : ILogEventSink, IAsyncLogEventSinkMonitor, IDisposable
{
    /// <summary>Bytes held before a write whatever the queue holds: a few hundred request lines.</summary>
    internal const int BufferBytes = 64 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly StreamWriter _writer;
    private volatile IAsyncLogEventSinkInspector? _queue;
    private int _disposed;

    public BufferedLogSink(ITextFormatter formatter, Stream output)
    {
        _formatter = formatter;
        _writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BufferBytes) { AutoFlush = false };
    }

    /// <summary>Writes to the process's standard output, as the console sink does.</summary>
    public static BufferedLogSink StandardOutput(ITextFormatter formatter) => new(formatter, Console.OpenStandardOutput());

    public void Emit(LogEvent logEvent)
    {
        _formatter.Format(logEvent, _writer);
        // Without an inspector (used outside the async sink) every event is written at once.
        if (_queue is not { Count: > 0 })
        {
            _writer.Flush();
        }
    }

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = inspector;

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = null;

    /// <summary>Writes what is held and closes; Serilog may dispose the sink more than once (as a sink and as the monitor).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _writer.Dispose();   // flushes first
        }
        catch (IOException)
        {
            // Standard output already closed (the reader went away): nothing left to write to, and shutdown must go on.
        }
    }
}
