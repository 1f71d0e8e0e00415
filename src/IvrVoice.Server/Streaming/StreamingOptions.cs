using IvrVoice.Audio.Streaming;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Streaming;

/// <summary>When menus play over Twilio Media Streams (<c>&lt;Connect&gt;&lt;Stream&gt;</c>) instead of &lt;Play&gt;.</summary>
public enum StreamPlayback
{
    /// <summary>Never: prompts not ready in time are spoken with &lt;Say&gt;, as before.</summary>
    Off,

    /// <summary>An answer with a prompt that is not cached streams, when the route that would serve that prompt (the first in order that serves its model and speakers, breaker not open) streams it.</summary>
    Auto,

    /// <summary>Every eligible menu answer streams (cached prompts are sent at once).</summary>
    Always,
}

/// <summary>Settings of streamed playout, bound from the <c>Streaming</c> section.</summary>
public sealed class StreamingOptions
{
    public const string SectionName = "Streaming";

    /// <summary>When menus stream; <see cref="StreamPlayback.Off"/> by default (Twilio must reach <c>wss://…/twilio/stream</c>).</summary>
    public StreamPlayback Playback { get; set; } = StreamPlayback.Off;

    /// <summary>
    /// The most silence a caller hears when the provider stalls mid-stream: once the audio sent has played out and nothing
    /// new has come for this long, the stream ends and the call goes on with the flow's fallback. 0.2–5 s.
    /// </summary>
    public TimeSpan MaxStallSilence { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A stream with no message from Twilio for this long is closed (Twilio sends media every 20 ms). 1 s–2 min.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest one stream may last. 10 s–30 min.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest message accepted from Twilio, in bytes (its media messages are about 400). 1 KiB–1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024;

    /// <summary>How long the signed playback parameters in a TwiML answer stay valid. 10 s–1 h.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// With nodes sharing the PostgreSQL prompt store: the longest a stream's node waits to write the stream's outcome (the
    /// digits heard, played or failed) to the store before it closes the socket, and the longest the <c>&lt;Connect action&gt;</c>
    /// request, on whichever node it lands, waits for that outcome to appear. A store that does not answer in time costs a
    /// caller at most this (twice: at the close, at the action), then the flow's fallback plays. 0.1–10 s.
    /// </summary>
    public TimeSpan HandoffTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Streamed audio gets the causal level control (the cached copy is mastered in full either way).</summary>
    public bool LevelControl { get; set; } = true;

    /// <summary>The voices' typical active level in dBov, which sets the level control's starting gain; null starts at 0 dB. -90 to 0.</summary>
    public double? TypicalLevelDbfs { get; set; } = -20;

    internal StreamingLevelOptions? LevelOptions => LevelControl ? new StreamingLevelOptions { TypicalLevelDbfs = TypicalLevelDbfs } : null;
}

/// <summary>Reports every bad <c>Streaming</c> setting at once, by name.</summary>
internal sealed class StreamingOptionsValidator : IValidateOptions<StreamingOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamingOptions options)
    {
        List<string> problems = [];
        Check(problems, options.MaxStallSilence, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), nameof(StreamingOptions.MaxStallSilence));
        Check(problems, options.IdleTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), nameof(StreamingOptions.IdleTimeout));
        Check(problems, options.MaxDuration, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(30), nameof(StreamingOptions.MaxDuration));
        Check(problems, options.HandoffTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), nameof(StreamingOptions.HandoffTimeout));
        Check(problems, options.TicketLifetime, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), nameof(StreamingOptions.TicketLifetime));
        if (options.MaxMessageBytes is < 1024 or > 1024 * 1024)
        {
            problems.Add($"{StreamingOptions.SectionName}:{nameof(StreamingOptions.MaxMessageBytes)} must be 1024–1048576 bytes.");
        }

        if (options.TypicalLevelDbfs is { } level && !(level is >= -90 and <= 0))
        {
            problems.Add($"{StreamingOptions.SectionName}:{nameof(StreamingOptions.TypicalLevelDbfs)} must be -90 to 0 dBov.");
        }

        if (!Enum.IsDefined(options.Playback))
        {
            problems.Add($"{StreamingOptions.SectionName}:{nameof(StreamingOptions.Playback)} must be Off, Auto or Always.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Check(List<string> problems, TimeSpan value, TimeSpan min, TimeSpan max, string setting)
    {
        if (value < min || value > max)
        {
            problems.Add($"{StreamingOptions.SectionName}:{setting} must be {min} to {max}.");
        }
    }
}

/// <summary>
/// The clock of live streams: the stall, idle, total-duration and between-keys limits and the playout's position. The
/// system's by default; tests put a clock they control here without moving the rest of the service's time.
/// </summary>
internal sealed class StreamingClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}
