using System.Globalization;

namespace IvrVoice.Telephony.TwiML;

/// <summary>Builds and checks verb elements; attribute names are spelled exactly as Twilio's TwiML reference spells them.</summary>
internal static class Verbs
{
    public static TwiMLElement Say(string text, string? voice, string? language, int? loop)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("<Say> needs text to speak; Twilio reports an empty <Say> as an error.", nameof(text));
        EnsureLoop(loop);
        return new TwiMLElement("Say").Attribute("voice", NullIfEmpty(voice)).Attribute("language", NullIfEmpty(language)).Attribute("loop", loop).WithText(text);
    }

    public static TwiMLElement Play(string? url, int? loop, string? digits)
    {
        if (string.IsNullOrWhiteSpace(url) && string.IsNullOrEmpty(digits))
            throw new ArgumentException("<Play> needs a media URL or DTMF digits.", nameof(url));
        if (!string.IsNullOrEmpty(digits) && !digits.All(c => char.IsAsciiDigit(c) || c is 'w' or 'W' or '*' or '#'))
            throw new ArgumentException($"<Play digits> accepts 0-9, *, # and w (half-second wait); got '{digits}'.", nameof(digits));
        EnsureLoop(loop);
        TwiMLElement play = new TwiMLElement("Play").Attribute("loop", loop).Attribute("digits", NullIfEmpty(digits));
        return string.IsNullOrWhiteSpace(url) ? play : play.WithText(url);
    }

    public static string Method(TwiMLMethod method) => method switch
    {
        TwiMLMethod.Post => "POST",
        TwiMLMethod.Get => "GET",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown HTTP method for TwiML."),
    };

    public static string Input(GatherInput input) => input switch
    {
        GatherInput.Dtmf => "dtmf",
        GatherInput.Speech => "speech",
        GatherInput.Dtmf | GatherInput.Speech => "dtmf speech",
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "<Gather input> is Dtmf, Speech or both."),
    };

    public static TwiMLElement Gather(GatherOptions options)
    {
        if (options.NumDigits is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.NumDigits, "GatherOptions.NumDigits must be at least 1.");
        if (options.Timeout is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "GatherOptions.Timeout must be at least 1 second.");
        if (options.FinishOnKey is { Length: > 0 } key && (key.Length != 1 || !(char.IsAsciiDigit(key[0]) || key[0] is '#' or '*')))
            throw new ArgumentException($"GatherOptions.FinishOnKey must be one of 0-9, #, * or empty; got '{key}'.", nameof(options));
        if (options.SpeechTimeout is { } speechTimeout && speechTimeout != "auto"
            && !(int.TryParse(speechTimeout, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds >= 0))
            throw new ArgumentException($"GatherOptions.SpeechTimeout must be 'auto' or a whole number of seconds; got '{speechTimeout}'.", nameof(options));

        return new TwiMLElement("Gather")
            .Attribute("action", NullIfEmpty(options.Action))
            .Attribute("method", options.Method is { } method ? Method(method) : null)
            .Attribute("input", options.Input is { } input ? Input(input) : null)
            .Attribute("numDigits", options.NumDigits)
            .Attribute("timeout", options.Timeout)
            .Attribute("finishOnKey", options.FinishOnKey)
            .Attribute("actionOnEmptyResult", options.ActionOnEmptyResult)
            .Attribute("language", NullIfEmpty(options.Language))
            .Attribute("hints", NullIfEmpty(options.Hints))
            .Attribute("speechTimeout", options.SpeechTimeout);
    }

    public static string RequireText(string? value, string what, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{what} must not be empty.", parameterName);
        return value;
    }

    private static void EnsureLoop(int? loop)
    {
        if (loop is < 0) throw new ArgumentOutOfRangeException(nameof(loop), loop, "loop must be 0 (repeat until hang-up) or more.");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
