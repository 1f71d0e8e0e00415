using System.Text;

namespace IvrVoice.Telephony.TwiML;

/// <summary>
/// Builds a TwiML <c>&lt;Response&gt;</c> for a voice call. Verbs are written in the order they are added; all text and
/// attribute values are XML-escaped, so prompt text may contain any printable character.
/// </summary>
/// <example>
/// <code>
/// VoiceResponse twiml = new VoiceResponse()
///     .Gather(new GatherOptions { Action = "/twilio/voice/main/menu", NumDigits = 1 }, g => g.Play(promptUrl))
///     .Redirect("/twilio/voice/main");
/// return twiml.ToResult();
/// </code>
/// </example>
public sealed class VoiceResponse
{
    /// <summary>Largest document this builder emits, in UTF-8 bytes. Twilio fails a call whose TwiML exceeds 64 kB (error 11750); this is the conservative decimal reading.</summary>
    public const int MaxDocumentBytes = 64_000;

    internal const string XmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private readonly TwiMLElement _root = new("Response");

    /// <summary>Speaks <paramref name="text"/> with Twilio's text-to-speech.</summary>
    /// <param name="text">Plain text; escaped for XML. Must not be blank.</param>
    /// <param name="voice">Twilio voice, e.g. <c>Polly.Joanna-Neural</c>; the account default when null.</param>
    /// <param name="language">Language of <paramref name="voice"/>, e.g. <c>en-US</c>.</param>
    /// <param name="loop">Times to repeat; 0 repeats until the caller hangs up. Twilio's default is 1.</param>
    public VoiceResponse Say(string text, string? voice = null, string? language = null, int? loop = null) =>
        Add(Verbs.Say(text, voice, language, loop));

    /// <summary>Speaks text rendered for a Gemini voice through Twilio's own text-to-speech instead: Gemini audio tags are removed
    /// and the voice and language are mapped with <see cref="SayFallback.MapVoice"/>.</summary>
    /// <param name="text">The prompt text as written for Gemini, tags included.</param>
    /// <param name="geminiVoice">The Gemini voice the prompt was meant for, e.g. <c>Kore</c>.</param>
    /// <param name="language">The prompt's BCP-47 language, e.g. <c>en-US</c>.</param>
    /// <param name="loop">Times to repeat; 0 repeats until the caller hangs up.</param>
    /// <param name="family">Which Twilio voice family to try first.</param>
    public VoiceResponse SayFallback(string text, string? geminiVoice, string? language, int? loop = null, SayVoiceFamily family = SayVoiceFamily.PollyNeural) =>
        Add(TwiML.SayFallback.CreateElement(text, geminiVoice, language, loop, family));

    /// <summary>Plays an audio file, or DTMF tones when <paramref name="digits"/> is given.</summary>
    /// <param name="url">Absolute URL, or one relative to the document's URL.</param>
    /// <param name="loop">Times to repeat; 0 repeats until the caller hangs up.</param>
    /// <param name="digits">DTMF tones to play: 0-9, *, #, and w for a half-second wait.</param>
    public VoiceResponse Play(string? url = null, int? loop = null, string? digits = null) => Add(Verbs.Play(url, loop, digits));

    /// <summary>Collects digits or speech while the nested prompts play, then requests <see cref="GatherOptions.Action"/>.</summary>
    /// <param name="options">Attributes; null leaves every one at Twilio's default.</param>
    /// <param name="prompts">Adds the nested <c>&lt;Say&gt;</c> and <c>&lt;Play&gt;</c> verbs.</param>
    public VoiceResponse Gather(GatherOptions? options = null, Action<GatherPrompts>? prompts = null)
    {
        TwiMLElement gather = Verbs.Gather(options ?? new GatherOptions());
        prompts?.Invoke(new GatherPrompts(gather));
        return Add(gather);
    }

    /// <summary>Hands the call to another TwiML document; nothing after it runs.</summary>
    public VoiceResponse Redirect(string url, TwiMLMethod? method = null) =>
        Add(new TwiMLElement("Redirect")
            .Attribute("method", method is { } m ? Verbs.Method(m) : null)
            .WithText(Verbs.RequireText(url, "<Redirect> URL", nameof(url))));

    /// <summary>Connects the caller to one phone number, written as the text of <c>&lt;Dial&gt;</c>.</summary>
    public VoiceResponse Dial(string number) =>
        Add(new TwiMLElement("Dial").WithText(Verbs.RequireText(number, "<Dial> number", nameof(number))));

    /// <summary>
    /// Connects the call to a bidirectional Media Stream (<c>&lt;Connect&gt;&lt;Stream url&gt;</c>); the rest of the document
    /// waits until the WebSocket closes, and then Twilio requests <paramref name="action"/> when given.
    /// </summary>
    /// <param name="streamUrl">The <c>wss://</c> address, without a query string (Twilio allows none).</param>
    /// <param name="parameters">Custom parameters (<c>&lt;Parameter name value&gt;</c>), delivered in the stream's <c>start</c> message.</param>
    /// <param name="action">Requested when the stream ends; its TwiML continues the call.</param>
    /// <param name="method">The method of the <paramref name="action"/> request.</param>
    public VoiceResponse ConnectStream(string streamUrl, IEnumerable<KeyValuePair<string, string>>? parameters = null, string? action = null, TwiMLMethod? method = null)
    {
        string url = Verbs.RequireText(streamUrl, "<Stream> URL", nameof(streamUrl));
        if (!(url.StartsWith("wss://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("ws://", StringComparison.OrdinalIgnoreCase)) || url.Contains('?', StringComparison.Ordinal))
            throw new ArgumentException("<Stream url> must be a wss:// address without a query string.", nameof(streamUrl));
        TwiMLElement stream = new TwiMLElement("Stream").Attribute("url", url);
        foreach ((string name, string value) in parameters ?? [])
            stream.Add(new TwiMLElement("Parameter").Attribute("name", Verbs.RequireText(name, "<Parameter> name", nameof(parameters))).Attribute("value", value));
        TwiMLElement connect = new TwiMLElement("Connect")
            .Attribute("action", string.IsNullOrEmpty(action) ? null : action)
            .Attribute("method", method is { } m ? Verbs.Method(m) : null)
            .Add(stream);
        return Add(connect);
    }

    /// <summary>Ends the call.</summary>
    public VoiceResponse Hangup() => Add(new TwiMLElement("Hangup"));

    /// <summary>The document as UTF-8 bytes, with the XML declaration.</summary>
    /// <exception cref="TwiMLTooLargeException">The document is over <see cref="MaxDocumentBytes"/>.</exception>
    public byte[] ToUtf8Bytes()
    {
        StringBuilder output = RentBuilder();
        try
        {
            Write(output);
            // Encoded straight from the builder: a webhook's answer fits its one chunk, so no intermediate string is made.
            if (SingleChunk(output) is { } text)
            {
                int size = Encoding.UTF8.GetByteCount(text.Span);
                if (size > MaxDocumentBytes) throw new TwiMLTooLargeException(size, MaxDocumentBytes);
                byte[] document = new byte[size];
                Encoding.UTF8.GetBytes(text.Span, document);
                return document;
            }

            byte[] bytes = Encoding.UTF8.GetBytes(output.ToString());
            if (bytes.Length > MaxDocumentBytes) throw new TwiMLTooLargeException(bytes.Length, MaxDocumentBytes);
            return bytes;
        }
        finally
        {
            ReturnBuilder(output);
        }
    }

    /// <summary>The document as a string, with the XML declaration.</summary>
    /// <exception cref="TwiMLTooLargeException">The document is over <see cref="MaxDocumentBytes"/>.</exception>
    public string ToXml()
    {
        string xml = Serialize();
        int size = Encoding.UTF8.GetByteCount(xml);
        if (size > MaxDocumentBytes) throw new TwiMLTooLargeException(size, MaxDocumentBytes);
        return xml;
    }

    /// <inheritdoc cref="ToXml"/>
    public override string ToString() => ToXml();

    private string Serialize()
    {
        StringBuilder output = RentBuilder();
        try
        {
            Write(output);
            return output.ToString();
        }
        finally
        {
            ReturnBuilder(output);
        }
    }

    private void Write(StringBuilder output)
    {
        output.Append(XmlDeclaration);
        _root.Write(output);
    }

    // One builder per thread, kept between documents so a webhook's answer is written without growing a new one each time.
    // Builders that grew past the cap (documents near the 64 kB limit) are not kept.
    private const int BuilderCapacity = 4096;
    private const int MaxKeptCapacity = 16 * 1024;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    private static StringBuilder RentBuilder()
    {
        StringBuilder? builder = t_builder;
        if (builder is null)
        {
            return new StringBuilder(BuilderCapacity);
        }

        t_builder = null;
        return builder;
    }

    private static void ReturnBuilder(StringBuilder builder)
    {
        if (builder.Capacity <= MaxKeptCapacity)
        {
            builder.Clear();
            t_builder = builder;
        }
    }

    private static ReadOnlyMemory<char>? SingleChunk(StringBuilder builder)
    {
        ReadOnlyMemory<char>? only = null;
        foreach (ReadOnlyMemory<char> chunk in builder.GetChunks())
        {
            if (only is not null) return null;
            only = chunk;
        }

        return only ?? ReadOnlyMemory<char>.Empty;
    }

    private VoiceResponse Add(TwiMLElement verb)
    {
        _root.Add(verb);
        return this;
    }
}
