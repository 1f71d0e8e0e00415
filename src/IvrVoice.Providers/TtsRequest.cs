using System.Diagnostics.CodeAnalysis;

namespace IvrVoice.Providers;

/// <summary>One text-to-speech request, independent of the route that will serve it.</summary>
public sealed record TtsRequest : TtsSpeech
{
    public TtsRequest()
    {
    }

    /// <summary>A request to say what <paramref name="speech"/> says, the way it says (any <see cref="TtsSpeech"/>, e.g. a prompt spec).</summary>
    [SetsRequiredMembers]
    public TtsRequest(TtsSpeech speech)
        : base(speech)
    {
    }

    /// <summary>
    /// A stable key for this prompt (the prompt key). Asynchronous routes record (route, key, remote id) in
    /// <see cref="ITtsJobJournal"/> before polling, so a resumed build polls the accepted job instead of paying for it twice.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
