using Microsoft.Extensions.Options;

namespace IvrVoice.Telephony.Tests;

public sealed class TwilioOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(TwilioOptions options) => new TwilioOptionsValidator().Validate(null, options);

    [Theory]
    [InlineData("https://ivr.example.com")]
    [InlineData("https://ivr.example.com/")]
    [InlineData("http://127.0.0.1:8080/ivr")]
    [InlineData(null)]
    public void Validate_TokenAndGoodOrNoBaseUrl_Succeeds(string? baseUrl) =>
        Assert.True(Validate(new TwilioOptions { AuthToken = "abc", PublicBaseUrl = baseUrl }).Succeeded);

    [Fact]
    public void Validate_DisabledWithoutToken_Succeeds() =>
        Assert.True(Validate(new TwilioOptions { RequestValidation = TwilioRequestValidation.Disabled }).Succeeded);

    [Theory]
    [InlineData("ivr.example.com")]
    [InlineData("/relative")]
    [InlineData("ftp://ivr.example.com")]
    [InlineData("https://ivr.example.com/?x=1")]
    [InlineData("https://ivr.example.com/#top")]
    [InlineData("https://user:pass@ivr.example.com")]
    public void Validate_BadBaseUrl_FailsNamingSetting(string baseUrl)
    {
        ValidateOptionsResult result = Validate(new TwilioOptions { AuthToken = "abc", PublicBaseUrl = baseUrl });
        Assert.Contains(result.Failures!, f => f.StartsWith("Twilio:PublicBaseUrl must be an absolute http:// or https:// URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EveryProblem_ReportedTogether()
    {
        ValidateOptionsResult result = Validate(new TwilioOptions { AuthToken = " ", SecondaryAuthTokens = ["ok", "", "pad "], PublicBaseUrl = "nope" });

        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Twilio:AuthToken is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Twilio:SecondaryAuthTokens:1 is empty", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Twilio:SecondaryAuthTokens:2 has leading or trailing whitespace", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Twilio:PublicBaseUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TokenWithNewline_FailsWithoutEchoingIt()
    {
        ValidateOptionsResult result = Validate(new TwilioOptions { AuthToken = "secret-token\n" });

        string failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Twilio:AuthToken has leading or trailing whitespace", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedMode_Fails() =>
        Assert.Contains(Validate(new TwilioOptions { AuthToken = "a", RequestValidation = (TwilioRequestValidation)7 }).Failures!,
            f => f.StartsWith("Twilio:RequestValidation must be Enabled or Disabled", StringComparison.Ordinal));
}
