using System.Diagnostics;

namespace IvrVoice.Server.Hosting;

/// <summary>
/// Writes one line per request: method, path, status and elapsed milliseconds, and for a call-flow webhook what the call did
/// (<see cref="RequestCallNote"/>) on the same line. Never the query string (GET webhooks carry the caller's number there,
/// announcement URLs carry text and a signature) and never a header.
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger, ServerMetrics metrics)
{
    private const int MaxLoggedPathLength = 200;

    // Exactly the characters char.IsControl reports: U+0000–U+001F and U+007F–U+009F.
    private static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)]);

    public async Task InvokeAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        bool failed = false;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            // An exception that escaped every handler becomes a 500 further out, whatever the response says now.
            int status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.RequestCompleted(route, status, elapsed);
            // The path is made safe only when the line is written: with the request log off, a request costs no string here.
            if (logger.IsEnabled(LogLevel.Information))
            {
                if (context.Features.Get<RequestCallNote>() is { } call)
                {
                    Log.CallRequest(logger, context.Request.Method, SafePath(context.Request), status, elapsed.TotalMilliseconds, call.CallSid, call.Event);
                }
                else
                {
                    Log.Request(logger, context.Request.Method, SafePath(context.Request), status, elapsed.TotalMilliseconds);
                }
            }
        }
    }

    /// <summary>The decoded path, with control characters replaced and its length capped so a hostile path cannot forge log lines.</summary>
    internal static string SafePath(HttpRequest request)
    {
        string path = (request.PathBase + request.Path).Value ?? "/";
        if (path.Length > MaxLoggedPathLength)
        {
            path = string.Concat(path.AsSpan(0, MaxLoggedPathLength), "…");
        }

        if (!path.AsSpan().ContainsAny(ControlCharacters))
        {
            return path;   // nearly every path: nothing to replace, nothing to copy
        }

        return string.Create(path.Length, path, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms")]
        public static partial void Request(ILogger logger, string method, string path, int statusCode, double elapsedMs);

        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms: call {CallSid} {CallEvent}")]
        public static partial void CallRequest(ILogger logger, string method, string path, int statusCode, double elapsedMs, string callSid, string callEvent);
    }
}

/// <summary>
/// What a call-flow webhook did for a call (entered a flow, chose, gave no input), written on the request's own log line: the
/// log has one line per request, not a second one for the call. Text from the flow library and Twilio's call id only, never
/// the caller's number.
/// </summary>
internal sealed class RequestCallNote(string callSid, string callEvent)
{
    public string CallSid { get; } = callSid;

    public string Event { get; } = callEvent;

    /// <summary>
    /// Notes <paramref name="callEvent"/> for the request's log line (the latest note wins). The call id is logged only in
    /// Twilio's form ("CA" and 32 hexadecimal digits), "?" otherwise: it comes from the request, and a hostile one must not
    /// forge log lines or fill them.
    /// </summary>
    public static void Set(HttpContext context, string? callSid, string callEvent) =>
        context.Features.Set(new RequestCallNote(callSid is null ? "-" : IsTwilioCallSid(callSid) ? callSid : "?", callEvent));

    /// <summary>Whether <paramref name="value"/> has the form of Twilio's call ids: "CA" followed by 32 hexadecimal digits.</summary>
    internal static bool IsTwilioCallSid(string value) =>
        value.Length == 34 && value.StartsWith("CA", StringComparison.Ordinal) && !value.AsSpan(2).ContainsAnyExcept(HexDigits);

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
}

internal static class RequestLoggingExtensions
{
    /// <summary>One log line and one metric per request; put it first so refusals by later middleware are counted too.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) => app.UseMiddleware<RequestLoggingMiddleware>();
}
