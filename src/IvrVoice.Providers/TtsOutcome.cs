using System.Diagnostics.CodeAnalysis;

namespace IvrVoice.Providers;

/// <summary>The result of one route's synthesis: audio, or an expected failure as a value.</summary>
public sealed class TtsOutcome
{
    private TtsOutcome(TtsAudio? audio, TtsFailure? failure)
    {
        Audio = audio;
        Failure = failure;
    }

    public TtsAudio? Audio { get; }

    public TtsFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Audio))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Audio is not null;

    public static TtsOutcome Success(TtsAudio audio) => new(audio ?? throw new ArgumentNullException(nameof(audio)), null);

    public static TtsOutcome Fail(TtsFailure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));

    public static implicit operator TtsOutcome(TtsAudio audio) => Success(audio);

    public static implicit operator TtsOutcome(TtsFailure failure) => Fail(failure);

    public override string ToString() => Succeeded ? $"{Audio.Provider}: {Audio.Pcm.Duration.TotalSeconds:0.00} s" : Failure.ToString();
}
