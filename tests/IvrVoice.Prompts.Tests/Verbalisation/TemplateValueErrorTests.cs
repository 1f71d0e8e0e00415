using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Tests.Verbalisation;

public sealed class TemplateValueErrorTests
{
    [Theory]
    [InlineData("date", "", "tomorrow", "not an ISO 8601 date")]
    [InlineData("date", "", "15:05", "not an ISO 8601 date")]
    [InlineData("date", "", "2027-02-29", "not a real calendar date")]
    [InlineData("date", "", "2026-13-01", "not a real calendar date")]
    [InlineData("date", "", "0999-01-01", "out of range")]
    [InlineData("number", "", "12abc", "not a number")]
    [InlineData("number", "", "2026-12-03", "not a number")]
    [InlineData("number", "", "1000000000000", "out of range")]
    [InlineData("number", "", "1.1234567", "more than 6 decimals")]
    [InlineData("ordinal", "", "0", "1 or more")]
    [InlineData("ordinal", "", "2.5", "1 or more")]
    [InlineData("time", "", "25:00", "out of range")]
    [InlineData("time", "", "12:60", "out of range")]
    [InlineData("time", "", "3pm", "not a 24-hour time")]
    [InlineData("currency", "", "12.50 JPY", "not supported")]
    [InlineData("currency", "", "12.50", "no currency code")]
    [InlineData("currency", "code=USD", "12.999", "at most two decimals")]
    [InlineData("currency", "code=USD", "12 EUR", "template speaks USD")]
    [InlineData("currency", "code=USD", "1000000000000", "out of range")]
    [InlineData("digits", "", "12a4", "not a digit string")]
    [InlineData("digits", "group=3-3-4", "12345", "needs 10")]
    [InlineData("duration", "", "-3", "negative")]
    [InlineData("duration", "", "soon", "not a number of minutes")]
    [InlineData("duration", "unit=hours", "100", "out of range")]
    [InlineData("spell", "", "AB!", "letters A to Z and digits")]
    [InlineData("text", "", "<b>hi</b>", "markup")]
    [InlineData("text", "", "hi <break time=\"1s\"/>", "markup")]
    [InlineData("text", "", "hi\u0007there", "control")]
    [InlineData("text", "", "hi\u202Ethere", "control")]
    [InlineData("text", "", "[whispers] hi", "audio tag")]
    [InlineData("number", "", "  ", "empty")]
    [InlineData("spell", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN", "too long")]
    public void Compose_BadValue_ThrowsNamingTheValue(string type, string options, string value, string reason)
    {
        foreach (string language in new[] { "en-US", "es-US" })
        {
            TemplateValueException e = Assert.Throws<TemplateValueException>(() => Speaker.Say(language, type, options, value));
            Assert.Equal("v", e.ValueName);
            Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
            Assert.StartsWith("Value 'v': ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compose_BadValue_MessageNeverRepeatsTheValue()
    {
        TemplateValueException e = Assert.Throws<TemplateValueException>(() => Speaker.Say("en-US", "date", "", "Jane Doe 555-0100"));
        Assert.DoesNotContain("Jane", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("555", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_MissingValue_ThrowsNamingIt()
    {
        PromptTemplate template = PromptTemplate.Parse("On {day:date} at {start:time}.").Template!;
        TemplateValueException e = Assert.Throws<TemplateValueException>(() =>
            TemplateComposer.Compose(template, new Dictionary<string, string> { ["day"] = "2026-12-04" }, "en-US", Speaker.Today));
        Assert.Equal("start", e.ValueName);
        Assert.Contains("missing", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_UnknownValue_ThrowsNamingIt()
    {
        PromptTemplate template = PromptTemplate.Parse("On {day:date}.").Template!;
        TemplateValueException e = Assert.Throws<TemplateValueException>(() => TemplateComposer.Compose(template,
            new Dictionary<string, string> { ["day"] = "2026-12-04", ["colour"] = "red" }, "en-US", Speaker.Today));
        Assert.Equal("colour", e.ValueName);
        Assert.Contains("not a value of this template", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_UnsupportedLanguage_ThrowsPromptRequestException()
    {
        PromptTemplate template = PromptTemplate.Parse("On {day:date}.").Template!;
        PromptRequestException e = Assert.Throws<PromptRequestException>(() =>
            TemplateComposer.Compose(template, new Dictionary<string, string> { ["day"] = "2026-12-04" }, "fr-FR", Speaker.Today));
        Assert.Contains("fr-FR", e.Message, StringComparison.Ordinal);
    }
}
