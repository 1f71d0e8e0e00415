using Microsoft.Extensions.Primitives;

namespace IvrVoice.Telephony.Tests;

public sealed class TwilioVoiceRequestTests
{
    private static TwilioVoiceRequest From(params (string Key, string Value)[] pairs) =>
        TwilioVoiceRequest.FromValues(pairs.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value)));

    [Fact]
    public void FromValues_WebhookFields_ExposedAsProperties()
    {
        TwilioVoiceRequest sut = From(("CallSid", "CA1"), ("AccountSid", "AC1"), ("From", "+14155550100"), ("To", "+14155550199"),
            ("CallStatus", "in-progress"), ("Direction", "inbound"), ("Digits", "12"), ("SpeechResult", "sales please"), ("Confidence", "0.875"),
            ("DialCallDuration", "42"), ("CustomField", "kept"));

        Assert.Equal("CA1", sut.CallSid);
        Assert.Equal("AC1", sut.AccountSid);
        Assert.Equal("+14155550100", sut.From);
        Assert.Equal("+14155550199", sut.To);
        Assert.Equal("in-progress", sut.CallStatus);
        Assert.Equal("inbound", sut.Direction);
        Assert.Equal("12", sut.Digits);
        Assert.Equal("sales please", sut.SpeechResult);
        Assert.Equal(0.875, sut.Confidence);
        Assert.Equal(42, sut.DialCallDuration);
        Assert.Equal("kept", sut.Parameters["CustomField"]);
    }

    [Fact]
    public void FromValues_Parameters_CannotBeChangedThroughACast()
    {
        TwilioVoiceRequest sut = From(("CallSid", "CA1"), ("Digits", "1"));

        IDictionary<string, string> writable = Assert.IsAssignableFrom<IDictionary<string, string>>(sut.Parameters);
        Assert.True(writable.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => writable["Digits"] = "9");
        Assert.Equal("1", sut.Digits);
    }

    [Fact]
    public void FromValues_MissingOrMalformedNumbers_Null()
    {
        TwilioVoiceRequest sut = From(("Confidence", "high"), ("DialCallDuration", "-1"));

        Assert.Null(sut.Confidence);
        Assert.Null(sut.DialCallDuration);
        Assert.Null(sut.Digits);
    }

    [Fact]
    public void ToString_NeverContainsPhoneNumbers()
    {
        string text = From(("CallSid", "CA9"), ("From", "+14155550100"), ("To", "+14155550199"), ("Caller", "+14155550100")).ToString();

        Assert.Contains("CA9", text, StringComparison.Ordinal);
        Assert.DoesNotContain("555", text, StringComparison.Ordinal);
    }
}
