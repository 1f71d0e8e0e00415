namespace IvrVoice.ProviderEmulator;

/// <summary>What goes wrong.</summary>
public enum FaultKind
{
    /// <summary>An HTTP error with the route's own error body (and Retry-After or its equivalent for 429/503).</summary>
    Status,
    /// <summary>Answer normally, after <see cref="EmulatorFault.Delay"/>.</summary>
    Slow,
    /// <summary>Never answer (until the client gives up).</summary>
    Hang,
    /// <summary>Success status without audio: Gemini's finishReason OTHER, a 44-byte WAV elsewhere.</summary>
    NoAudio,
    /// <summary>A WAV cut inside its header.</summary>
    TruncatedWav,
    /// <summary>A WAV whose format chunk is nonsense.</summary>
    MalformedWav,
    /// <summary>The clip as a real MP3 (<see cref="SpeechClip.Encoded"/>) where WAV or PCM was asked for: a gateway ignoring its format field.</summary>
    Mp3,
    /// <summary>An ID3 tag and MPEG frame headers with nothing decodable behind them.</summary>
    MalformedMp3,
    /// <summary>The clip as native FLAC where WAV or PCM was asked for.</summary>
    Flac,
    /// <summary>The clip as Opus in Ogg where WAV or PCM was asked for.</summary>
    OggOpus,
    /// <summary>The clip as AAC (ADTS) where WAV or PCM was asked for.</summary>
    Aac,
    /// <summary>A valid WAV of digital silence.</summary>
    Silence,
    /// <summary>A body larger than <see cref="TtsEmulator.OversizeBytes"/>.</summary>
    Oversize,
    /// <summary>The route refuses the content (safety/moderation), in its own way.</summary>
    ContentBlocked,
    /// <summary>An asynchronous job ends FAILED (Segmind: HTTP 422).</summary>
    JobFailed,
    /// <summary>An asynchronous job ends in a system error (Pixazo ERROR, not charged).</summary>
    JobError,
    /// <summary>A stream's first event comes only after <see cref="EmulatorFault.Delay"/>.</summary>
    SlowFirstChunk,
    /// <summary>A stream stops sending after <see cref="EmulatorFault.AfterChunks"/> events for <see cref="EmulatorFault.Delay"/>, then goes on.</summary>
    StallMidStream,
    /// <summary>A stream's connection is cut after <see cref="EmulatorFault.AfterChunks"/> events.</summary>
    CutMidStream,
    /// <summary>A stream's events come slower than real time (<see cref="EmulatorFault.Pace"/> seconds of work per second of audio).</summary>
    SlowChunks,
    /// <summary>Google's truncation: after <see cref="EmulatorFault.AfterChunks"/> events, one with <c>finishReason: OTHER</c> and no audio ends the stream.</summary>
    TruncatedStream,
}

/// <summary>Where in a route's protocol a fault strikes.</summary>
public enum FaultPhase
{
    /// <summary>The synchronous answer, or the submission of an asynchronous job.</summary>
    Primary,
    /// <summary>A status poll of an asynchronous job.</summary>
    Poll,
    /// <summary>The result read (Segmind v2) or the audio download.</summary>
    Result,
}

/// <summary>
/// A fault to inject on one route. Audio faults (NoAudio, TruncatedWav, MalformedWav, the compressed formats, Silence, Oversize) strike wherever
/// the route serves audio; job faults strike when a job ends; the rest strike at <see cref="Phase"/>.
/// </summary>
public sealed record EmulatorFault(FaultKind Kind)
{
    public int Status { get; init; } = 500;

    /// <summary>The wait to ask for on 429/503 (Retry-After, Segmind's reset time, Google's RetryInfo).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(2);

    public FaultPhase Phase { get; init; } = FaultPhase.Primary;

    /// <summary>How many requests this fault strikes; null for every request until cleared.</summary>
    public int? Times { get; init; } = 1;

    public string? Message { get; init; }

    /// <summary>Stream faults: how many audio events go out before the fault strikes.</summary>
    public int AfterChunks { get; init; } = 3;

    /// <summary><see cref="FaultKind.SlowChunks"/>: seconds spent per second of audio (above 1 is slower than real time).</summary>
    public double Pace { get; init; } = 2.0;

    public static EmulatorFault Http(int status, TimeSpan? retryAfter = null, int? times = 1) =>
        new(FaultKind.Status) { Status = status, RetryAfter = retryAfter, Times = times };

    internal bool IsAudioFault => Kind is FaultKind.NoAudio or FaultKind.TruncatedWav or FaultKind.MalformedWav or FaultKind.Mp3
        or FaultKind.MalformedMp3 or FaultKind.Flac or FaultKind.OggOpus or FaultKind.Aac or FaultKind.Silence or FaultKind.Oversize;

    internal bool IsJobFault => Kind is FaultKind.JobFailed or FaultKind.JobError;
}

/// <summary>One request the emulator received.</summary>
public sealed record RecordedRequest(string Route, FaultPhase Phase, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out string? value) ? value : null;
}

/// <summary>A webhook callback the emulator delivered (Pixazo's X-Webhook-URL).</summary>
public sealed record WebhookDelivery(string Url, string Body, int? ResponseStatus);
