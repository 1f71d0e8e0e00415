namespace IvrVoice.Providers.Adapters;

/// <summary>What one poll of an asynchronous job found.</summary>
internal readonly record struct PollStep<T>(T? Result, TtsFailure? Failure, bool Terminal)
{
    public static PollStep<T> Pending => default;

    public static PollStep<T> Done(T result) => new(result, null, true);

    /// <summary>The job ended without audio.</summary>
    public static PollStep<T> Failed(TtsFailure failure) => new(default, failure, true);

    /// <summary>The poll itself failed (5xx, network); the job may still be running.</summary>
    public static PollStep<T> Hiccup(TtsFailure failure) => new(default, failure, false);
}
