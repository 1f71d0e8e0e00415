using System.Diagnostics;
using System.Globalization;
using IvrVoice.Library.Build;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// Build progress on standard error: on a terminal, one line redrawn in place; in CI or when standard error is a file or
/// pipe, a plain line every few seconds and when the build ends, so logs stay readable.
/// </summary>
internal sealed class BuildProgressBar : IProgress<LibraryBuildProgress>, IProgress<TemplateBuildProgress>, IDisposable
{
    private const int BarWidth = 24;
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastDrawn = TimeSpan.FromDays(-1);
    private LibraryBuildProgress? _last;
    private bool _lineOpen;
    private bool _finished;

    private readonly string _label;

    internal BuildProgressBar(TextWriter writer, bool interactive, string label = "build")
    {
        _writer = writer;
        _interactive = interactive;
        _label = label;
    }

    /// <summary>A bar on standard error, redrawn in place only when that is a terminal and not a CI log.</summary>
    public static BuildProgressBar ForStandardError(string label = "build") => new(Console.Error, IsInteractiveTerminal(), label);

    /// <summary>Template pieces are counted like prompts, on a bar of their own.</summary>
    public void Report(TemplateBuildProgress value) =>
        Report(new LibraryBuildProgress(value.Total, value.Rendered, value.Reused, value.Failed, null, null));

    public void Report(LibraryBuildProgress value)
    {
        lock (_gate)
        {
            _last = value;
            bool done = value.Done == value.Total;
            TimeSpan now = _clock.Elapsed;
            bool due = now - _lastDrawn >= (_interactive ? TerminalInterval : PlainInterval);
            if (_finished || (!due && !done))
            {
                return;
            }

            _lastDrawn = now;
            Draw(value);
            _finished = done && value.Total > 0;
        }
    }

    /// <summary>Ends the line before something else is written (an error), so it does not run into the bar.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            if (_lineOpen)
            {
                _writer.WriteLine();
                _lineOpen = false;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_finished && _last is { } last && last.Total > 0)
            {
                Draw(last);
            }

            if (_lineOpen)
            {
                _writer.WriteLine();
                _lineOpen = false;
            }

            _writer.Flush();
        }
    }

    /// <summary>The text of one progress report, without the bar (the form plain logs get).</summary>
    internal static string Describe(LibraryBuildProgress value)
    {
        int percent = value.Total == 0 ? 100 : 100 * value.Done / value.Total;
        string last = value.Last is { } prompt ? $" {prompt}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{value.Done}/{value.Total} ({percent}%) rendered {value.Rendered}, reused {value.Reused}, failed {value.Failed}{last}");
    }

    private void Draw(LibraryBuildProgress value)
    {
        if (!_interactive)
        {
            _writer.WriteLine($"{_label}: {Describe(value)}");
            return;
        }

        int filled = value.Total == 0 ? BarWidth : BarWidth * value.Done / value.Total;
        string bar = new string('#', filled) + new string('.', BarWidth - filled);
        // \r returns to the start of the line; ESC[K clears what a longer earlier line left behind.
        _writer.Write($"\r{(_label == "build" ? "" : _label + " ")}[{bar}] {Describe(value)}\u001b[K");
        _writer.Flush();
        _lineOpen = true;
    }

    private static bool IsInteractiveTerminal() =>
        !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
}
