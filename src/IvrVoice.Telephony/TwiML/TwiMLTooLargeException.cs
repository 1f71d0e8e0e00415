namespace IvrVoice.Telephony.TwiML;

/// <summary>A TwiML document is larger than Twilio accepts (error 11750); the call would fail if it were sent.</summary>
public sealed class TwiMLTooLargeException : InvalidOperationException
{
    /// <summary>Creates the exception for a document of <paramref name="actualBytes"/> bytes.</summary>
    public TwiMLTooLargeException(int actualBytes, int limitBytes)
        : base($"The TwiML document is {actualBytes:N0} bytes; Twilio rejects documents over 64 kB (limit used here: {limitBytes:N0} bytes, error 11750). "
               + "Shorten the <Say> text, or split the flow into several documents joined by <Redirect>.")
    {
        ActualBytes = actualBytes;
        LimitBytes = limitBytes;
    }

    /// <summary>Size of the rejected document in UTF-8 bytes.</summary>
    public int ActualBytes { get; }

    /// <summary>The limit it exceeded, in bytes.</summary>
    public int LimitBytes { get; }
}
