using IvrVoice.Telephony.TwiML;

namespace IvrVoice.Server.Hosting;

/// <summary>The web app's own settings, bound from the <c>Service</c> section (environment <c>Service__ApiKeys__0</c>, ...).</summary>
public sealed class ServiceOptions
{
    public const string SectionName = "Service";

    /// <summary>Shortest accepted signing key, in characters: HMAC-SHA256 wants at least 256 bits of key.</summary>
    public const int MinSigningKeyLength = 32;

    /// <summary>Shortest accepted API key, in characters.</summary>
    public const int MinApiKeyLength = 16;

    /// <summary>Longest a webhook may wait for renders before it answers with &lt;Say&gt;; Twilio gives up on a webhook after 15 s.</summary>
    public static readonly TimeSpan MaxInCallWait = TimeSpan.FromSeconds(12);

    /// <summary>Console log format: <see cref="LogFormat.Text"/> for people, <see cref="LogFormat.Json"/> for log collectors.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Text;

    /// <summary>
    /// Key of the HMAC-SHA256 that signs dynamic announcement URLs. Every node behind one public address must share it.
    /// When empty, a random key is made at start-up (with a warning), so URLs die with the process. Never logged.
    /// </summary>
    public string? UrlSigningKey { get; set; }

    /// <summary>Keys accepted in the <c>X-Api-Key</c> header of <c>/api</c>. Empty closes the API (every request gets 401). Never logged.</summary>
    public IList<string> ApiKeys { get; set; } = [];

    /// <summary>How long a dynamic announcement URL the service signs stays valid.</summary>
    public TimeSpan AnnouncementUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a Twilio webhook waits for prompts that are not cached before it speaks them with &lt;Say&gt; instead. The render
    /// goes on in the background (up to <c>Providers:InCallDeadline</c>), so the next caller hears the real voice.
    /// </summary>
    public TimeSpan InCallWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Which Twilio voices stand in for Gemini voices in the &lt;Say&gt; fallback.</summary>
    public SayVoiceFamily SayVoiceFamily { get; set; } = SayVoiceFamily.PollyNeural;

    /// <summary>
    /// <c>/prompts/{key}.wav</c> is fetched by Twilio and, like every Twilio-fetched URL, requires its signature (when
    /// <c>Twilio:RequestValidation</c> is on). Turn off only when a CDN or object store serves the prompts (deploy/README.md).
    /// </summary>
    public bool RequireTwilioSignatureForMedia { get; set; } = true;

    public RateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>Limits on the endpoints that render (the API and dynamic announcement URLs), per API key or else per client address.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests each client may make per minute, on average.</summary>
    public int PermitsPerMinute { get; set; } = 120;

    /// <summary>Requests a client may make at once after a quiet spell.</summary>
    public int Burst { get; set; } = 20;
}

public enum LogFormat
{
    Text,
    Json,
}
