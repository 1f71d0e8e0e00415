using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Testing;

/// <summary>
/// Keeps every log line a test host writes through Microsoft.Extensions.Logging, with its category and level, so tests
/// can check what the service logs (and what it must never log).
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    /// <summary>Whether a line at <paramref name="level"/> contains <paramref name="fragment"/>.</summary>
    public bool Contains(LogLevel level, string fragment) =>
        _entries.Any(e => e.Level == level && e.Message.Contains(fragment, StringComparison.Ordinal));

    /// <summary>The lines at <paramref name="level"/> from categories starting with <paramref name="categoryPrefix"/>.</summary>
    public IEnumerable<string> Messages(LogLevel level, string categoryPrefix) =>
        Entries.Where(e => e.Level == level && e.Category.StartsWith(categoryPrefix, StringComparison.Ordinal)).Select(e => e.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
