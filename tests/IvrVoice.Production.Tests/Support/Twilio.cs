using System.Xml.Linq;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Production.Tests.Support;

/// <summary>Webhook requests as Twilio sends them, signed with <see cref="ServiceSettings.AuthToken"/>, and checks of the TwiML that comes back.</summary>
internal static class Twilio
{
    public static Dictionary<string, string> CallParameters(string callSid, string? digits = null)
    {
        Dictionary<string, string> form = new(StringComparer.Ordinal)
        {
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["ApiVersion"] = "2010-04-01",
            ["CallSid"] = callSid,
            ["CallStatus"] = "in-progress",
            ["Caller"] = ServiceSettings.CallerNumber,
            ["Called"] = ServiceSettings.CalledNumber,
            ["Direction"] = "inbound",
            ["From"] = ServiceSettings.CallerNumber,
            ["To"] = ServiceSettings.CalledNumber,
        };
        if (digits is not null)
        {
            form["Digits"] = digits;
        }

        return form;
    }

    public static string CallSid(int n) => "CA" + n.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>A form POST to <paramref name="pathAndQuery"/> signed for its public URL.</summary>
    public static HttpRequestMessage SignedPost(string pathAndQuery, IReadOnlyDictionary<string, string> form, string token = ServiceSettings.AuthToken)
    {
        HttpRequestMessage request = new(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(token, ServiceSettings.PublicBaseUrl + pathAndQuery, form));
        return request;
    }

    /// <summary>A GET of <paramref name="pathAndQuery"/> signed for its public URL, as Twilio fetches &lt;Play&gt; audio.</summary>
    public static HttpRequestMessage SignedGet(string pathAndQuery)
    {
        HttpRequestMessage request = new(HttpMethod.Get, pathAndQuery);
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServiceSettings.AuthToken, ServiceSettings.PublicBaseUrl + pathAndQuery));
        return request;
    }

    /// <summary>The path and query of a URL the service handed out under its public base URL.</summary>
    public static string LocalPath(string publicUrl)
    {
        Assert.StartsWith(ServiceSettings.PublicBaseUrl + "/", publicUrl, StringComparison.Ordinal);
        return publicUrl[ServiceSettings.PublicBaseUrl.Length..];
    }

    /// <summary>
    /// Parses a webhook answer and checks what a caller needs: a &lt;Response&gt; that speaks (&lt;Play&gt; with an absolute
    /// URL, or &lt;Say&gt; with text) before it waits, redirects or hangs up. Returns the document.
    /// </summary>
    public static XDocument AssertSpeaks(string xml)
    {
        XDocument document = XDocument.Parse(xml);
        XElement root = document.Root!;
        Assert.Equal("Response", root.Name.LocalName);
        List<XElement> speech = [.. root.Descendants().Where(e => e.Name.LocalName is "Play" or "Say")];
        Assert.True(speech.Count > 0, $"The answer neither plays nor says anything: {xml}");
        foreach (XElement element in speech)
        {
            string value = element.Value.Trim();
            Assert.True(value.Length > 0, $"An empty <{element.Name.LocalName}>: {xml}");
            if (element.Name.LocalName == "Play")
            {
                Assert.True(Uri.TryCreate(value, UriKind.Absolute, out _), $"<Play> without an absolute URL: {xml}");
            }
        }

        return document;
    }
}
