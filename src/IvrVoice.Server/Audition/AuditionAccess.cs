using System.Net;
using IvrVoice.Server.Api;

namespace IvrVoice.Server.Audition;

/// <summary>Who may use the audition page, from <c>Audition:Access</c>.</summary>
internal enum AuditionAccessMode
{
    /// <summary>Only a browser on this machine, reaching the service by a loopback name; nothing needs a key. The default.</summary>
    Loopback,

    /// <summary>Anyone who sends a key of <c>Service:ApiKeys</c> (the page asks for it); the page itself is served to anyone.</summary>
    ApiKey,

    /// <summary>No audition endpoints answer (404).</summary>
    Off,
}

/// <summary>
/// The audition page can render (and so spend money), so it is closed to the network by default. In Loopback mode a request
/// must come from a loopback address, name a loopback host (so a web page that rebinds its own DNS name to 127.0.0.1 is
/// refused), and carry no proxy headers (a reverse proxy on this machine would make every caller look local).
/// Requests that change state must also be same-origin JSON, which a cross-site form or image cannot send.
/// </summary>
internal sealed class AuditionAccess
{
    public const string SettingName = "Audition:Access";

    /// <summary>Headers a reverse proxy adds; any of them means the request is not from a browser on this machine.</summary>
    private static readonly string[] ProxyHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host", "X-Forwarded-Proto", "Via"];

    private AuditionAccess(AuditionAccessMode mode, string? problem)
    {
        Mode = mode;
        Problem = problem;
    }

    public AuditionAccessMode Mode { get; }

    /// <summary>True when the page is off because Twilio:PublicBaseUrl is set and Audition:Access is not.</summary>
    public bool OffBehindProxy { get; private init; }

    /// <summary>Why the setting could not be used (the page is then off); null when it is valid.</summary>
    public string? Problem { get; }

    public static AuditionAccess FromConfiguration(IConfiguration configuration)
    {
        string? value = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(value))
        {
            // With a public address a reverse proxy stands in front, and a proxy on this machine connects from loopback with
            // whatever Host it likes (nginx's default is the upstream's own 127.0.0.1:port): "local" cannot be told from it. So
            // the page stays off until Audition:Access says who may use it.
            return string.IsNullOrWhiteSpace(configuration["Twilio:PublicBaseUrl"])
                ? new AuditionAccess(AuditionAccessMode.Loopback, null)
                : new AuditionAccess(AuditionAccessMode.Off, null) { OffBehindProxy = true };
        }

        // The value itself is never echoed: every bad setting is reported by name only.
        return Enum.TryParse(value.Trim(), ignoreCase: true, out AuditionAccessMode mode) && Enum.IsDefined(mode)
            ? new AuditionAccess(mode, null)
            : new AuditionAccess(AuditionAccessMode.Off, $"{SettingName} must be Loopback, ApiKey or Off; the audition page is off until it is fixed.");
    }

    /// <summary>Null when the request may read the page's data; else the answer to send.</summary>
    public IResult? CheckRead(HttpContext context, ApiKeys keys)
    {
        switch (Mode)
        {
            case AuditionAccessMode.Off:
                return Results.NotFound();
            case AuditionAccessMode.Loopback when !IsLocal(context):
                return Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Audition is local only",
                    detail: $"The audition page answers only a browser on this machine at http://localhost or http://127.0.0.1 ({SettingName} is Loopback). "
                        + $"Set {SettingName} to ApiKey to open it to callers with a key of Service:ApiKeys.");
            case AuditionAccessMode.ApiKey when keys.Match(context) < 0:
                context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeys.HeaderName}\"";
                return Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "API key required",
                    detail: keys.IsEmpty
                        ? $"{SettingName} is ApiKey but no Service:ApiKeys are configured."
                        : $"Send a valid key in the {ApiKeys.HeaderName} header.");
            default:
                return null;
        }
    }

    /// <summary>Null when the request may change state (render a take); else the answer to send.</summary>
    public IResult? CheckWrite(HttpContext context, ApiKeys keys)
    {
        if (CheckRead(context, keys) is { } refused)
        {
            return refused;
        }

        if (!context.Request.HasJsonContentType())
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON required", detail: "Send the request as application/json.");
        }

        string? origin = context.Request.Headers.Origin;
        string site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        bool crossOrigin = (!string.IsNullOrEmpty(origin) && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
            || (site.Length > 0 && site is not ("same-origin" or "none"));
        return crossOrigin
            ? Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused", detail: "The audition page only accepts requests from its own pages.")
            : null;
    }

    private static bool IsLocal(HttpContext context)
    {
        IPAddress? remote = context.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote))
        {
            return false;
        }

        // Both ends of the connection on this machine: a listener on a public address reached through a local hop is not local.
        if (context.Connection.LocalIpAddress is { } local && !IPAddress.IsLoopback(local))
        {
            return false;
        }

        foreach (string header in ProxyHeaders)
        {
            if (context.Request.Headers.ContainsKey(header))
            {
                return false;
            }
        }

        // The Host name is a further condition (against DNS rebinding), never a reason to trust: a proxy sets any Host it likes.

        string host = context.Request.Host.Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out IPAddress? literal) && IPAddress.IsLoopback(literal));
    }
}
