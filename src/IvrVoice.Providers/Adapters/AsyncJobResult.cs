namespace IvrVoice.Providers.Adapters;

/// <summary>How polling an accepted job ended.</summary>
internal readonly record struct AsyncJobResult(TtsOutcome Outcome, bool JobEnded, bool JobUnknown = false)
{
    /// <summary>The job is finished (audio, or a final failure): forget it, a retry must submit anew.</summary>
    public static AsyncJobResult Ended(TtsOutcome outcome) => new(outcome, true);

    /// <summary>The job may still be running (poll hiccups, download trouble): keep it, a retry polls it again.</summary>
    public static AsyncJobResult Alive(TtsOutcome outcome) => new(outcome, false);

    /// <summary>The route no longer knows the job (expired or never existed): submit again.</summary>
    public static AsyncJobResult Unknown(TtsFailure failure) => new(failure, true, true);
}
