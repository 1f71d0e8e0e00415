using System.Text;
using System.Text.Json;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Tests.Support;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog.Parsing;
using Serilog.Sinks.Async;

namespace IvrVoice.Server.Tests;

/// <summary>
/// The JSON request log's sink writes exactly the lines Serilog's JSON formatter makes, holds them only while the async
/// sink's queue has more to come, and loses none at shutdown.
/// </summary>
public sealed class BufferedLogSinkTests
{
    [Fact]
    public void Emit_WithoutQueue_WritesEachLineAtOnce()
    {
        using MemoryStream output = new();
        using BufferedLogSink sink = new(new JsonFormatter(renderMessage: true), output);

        sink.Emit(Event("first", 1));
        Assert.Single(Lines(output));
        sink.Emit(Event("second", 2));
        Assert.Equal(2, Lines(output).Count);
    }

    [Fact]
    public void Emit_WhileQueueHoldsMore_WaitsUntilTheQueueIsDrained()
    {
        using MemoryStream output = new();
        using BufferedLogSink sink = new(new JsonFormatter(renderMessage: true), output);
        FakeQueue queue = new() { Count = 2 };
        sink.StartMonitoring(queue);

        sink.Emit(Event("first", 1));
        queue.Count = 1;
        sink.Emit(Event("second", 2));
        Assert.Empty(Lines(output));

        queue.Count = 0;
        sink.Emit(Event("third", 3));
        Assert.Equal(["first", "second", "third"], Lines(output).Select(l => l.GetProperty("Properties").GetProperty("Name").GetString()));
    }

    [Fact]
    public void Emit_SameBytesAsSerilogsJsonFormatter()
    {
        LogEvent logEvent = Event("caf\u00e9 \"quoted\"", 7);
        StringWriter expected = new();
        new JsonFormatter(renderMessage: true).Format(logEvent, expected);

        using MemoryStream output = new();
        using (BufferedLogSink sink = new(new JsonFormatter(renderMessage: true), output))
        {
            sink.Emit(logEvent);
        }

        Assert.Equal(Encoding.UTF8.GetBytes(expected.ToString()), output.ToArray());
    }

    [Fact]
    public void Dispose_WritesWhatTheQueueLeftBehind()
    {
        using MemoryStream output = new();
        BufferedLogSink sink = new(new JsonFormatter(renderMessage: true), output);
        sink.StartMonitoring(new FakeQueue { Count = 5 });
        sink.Emit(Event("held", 1));
        Assert.Empty(Lines(output));

        sink.Dispose();
        sink.Dispose();
        Assert.Single(Lines(output));
    }

    [Fact]
    public async Task BehindTheAsyncSink_EveryEventArrivesInOrder_AndALoneEventIsNotHeld()
    {
        using MemoryStream output = new();
        BufferedLogSink sink = new(new JsonFormatter(renderMessage: true), output);
        Serilog.Core.Logger logger = new LoggerConfiguration()
            .WriteTo.Async(s => s.Sink(sink), bufferSize: 10_000, blockWhenFull: true, monitor: sink)
            .CreateLogger();

        // A lone event reaches the output while the logger is still open: nothing waits for a later event.
        logger.Information("Alone {Name} {Index}", "alone", 0);
        await Wait.UntilAsync(() => Task.FromResult(CompleteLineCount(output) == 1), "the lone event written without a later one");

        for (int i = 1; i <= 2000; i++)
        {
            logger.Information("Burst {Name} {Index}", "burst", i);
        }

        await logger.DisposeAsync();
        IReadOnlyList<JsonElement> lines = Lines(output);
        Assert.Equal(2001, lines.Count);
        Assert.Equal(Enumerable.Range(0, 2001), lines.Select(l => l.GetProperty("Properties").GetProperty("Index").GetInt32()));
    }

    private static LogEvent Event(string name, int index) => new(
        DateTimeOffset.UnixEpoch, LogEventLevel.Information, null,
        new MessageTemplateParser().Parse("Event {Name} {Index}"),
        [new LogEventProperty("Name", new ScalarValue(name)), new LogEventProperty("Index", new ScalarValue(index))]);

    /// <summary>The lines written so far and ended by a newline (the worker may be in the middle of a write).</summary>
    private static int CompleteLineCount(MemoryStream output) => output.ToArray().Count(b => b == (byte)'\n');

    private static IReadOnlyList<JsonElement> Lines(MemoryStream output) =>
        [.. Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    private sealed class FakeQueue : IAsyncLogEventSinkInspector
    {
        public int BufferSize => 10_000;

        public int Count { get; set; }

        public long DroppedMessagesCount => 0;
    }
}
