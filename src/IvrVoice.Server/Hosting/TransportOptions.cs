using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Hosting;

/// <summary>
/// How Kestrel's socket transport runs requests, bound from the <c>Transport</c> section (environment
/// <c>Transport__InlineScheduling</c>, ...) and checked at start-up. docs/performance.md has the measurements behind the defaults.
/// </summary>
public sealed class TransportOptions
{
    public const string SectionName = "Transport";

    /// <summary>Kestrel's own default response buffer: 64 KiB.</summary>
    public const long DefaultMaxResponseBufferBytes = 64 * 1024;

    /// <summary>Largest accepted response buffer per connection: 16 MiB.</summary>
    public const long MaxResponseBufferLimit = 16 * 1024 * 1024;

    /// <summary>
    /// Runs request code on the socket transport's I/O thread that read the request, instead of queuing it to the thread pool
    /// (Kestrel's <c>SocketTransportOptions.UnsafePreferInlineScheduling</c>). It saves a hand-off and a context switch per
    /// request; it is "unsafe" for apps whose request code blocks, since a blocked I/O thread stalls every connection on it.
    /// This service's request paths do not block: docs/performance.md lists what was checked.
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>
    /// Socket I/O queues (Kestrel's <c>SocketTransportOptions.IOQueueCount</c>); 0 leaves Kestrel's default (one per processor,
    /// at most 16).
    /// </summary>
    public int IOQueueCount { get; set; }

    /// <summary>
    /// Bytes of a response Kestrel buffers before a write waits for the client to read (<c>Limits.MaxResponseBufferSize</c>).
    /// A write larger than this, such as a 94 KB prompt with the default 64 KiB, is answered asynchronously every time.
    /// </summary>
    public long MaxResponseBufferBytes { get; set; } = DefaultMaxResponseBufferBytes;
}

/// <summary>Start-up checks for <see cref="TransportOptions"/>; names each bad setting, never its value.</summary>
internal sealed class TransportOptionsValidator : IValidateOptions<TransportOptions>
{
    public ValidateOptionsResult Validate(string? name, TransportOptions options)
    {
        const string section = TransportOptions.SectionName;
        List<string> failures = [];
        if (options.IOQueueCount is < 0 or > 64)
        {
            failures.Add($"{section}:IOQueueCount must be between 0 (Kestrel's default) and 64.");
        }

        if (options.MaxResponseBufferBytes is < 4096 or > TransportOptions.MaxResponseBufferLimit)
        {
            failures.Add($"{section}:MaxResponseBufferBytes must be between 4096 and {TransportOptions.MaxResponseBufferLimit}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
