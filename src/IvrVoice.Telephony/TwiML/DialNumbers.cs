namespace IvrVoice.Telephony.TwiML;

/// <summary>The <c>&lt;Number&gt;</c> nouns nested in a <c>&lt;Dial&gt;</c>; Twilio rings them all at once and connects the first to answer.</summary>
public sealed class DialNumbers
{
    private readonly TwiMLElement _dial;

    internal DialNumbers(TwiMLElement dial) => _dial = dial;

    /// <summary>Adds <c>&lt;Number&gt;</c> with a phone number in E.164 form, e.g. <c>+14155550100</c>.</summary>
    public DialNumbers Number(string phoneNumber)
    {
        _dial.Add(new TwiMLElement("Number").WithText(Verbs.RequireText(phoneNumber, "<Number> phone number", nameof(phoneNumber))));
        return this;
    }
}
