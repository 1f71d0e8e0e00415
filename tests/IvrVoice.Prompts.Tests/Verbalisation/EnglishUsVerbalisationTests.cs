namespace IvrVoice.Prompts.Tests.Verbalisation;

// Every expected string is written from US English usage (Chicago Manual / AP style for numbers said aloud,
// US telephone and clock conventions), not from the code's output.
public sealed class EnglishUsVerbalisationTests
{
    private static string Say(string type, string options, string value) => Speaker.Say("en-US", type, options, value);

    [Theory]
    [InlineData("0", "zero")]
    [InlineData("7", "seven")]
    [InlineData("13", "thirteen")]
    [InlineData("21", "twenty-one")]
    [InlineData("-5", "minus five")]
    [InlineData("-0.5", "minus zero point five")]
    [InlineData("105", "one hundred five")]
    [InlineData("110", "one hundred ten")]
    [InlineData("1,234", "one thousand two hundred thirty-four")]
    [InlineData("1000000", "one million")]
    [InlineData("2000005", "two million five")]
    [InlineData("0.01", "zero point zero one")]
    [InlineData("3.14", "three point one four")]
    [InlineData("999999999", "nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine")]
    [InlineData("1000000000", "one billion")]
    public void Number_EnUs_SaysCardinal(string value, string expected) => Assert.Equal(expected, Say("number", "", value));

    [Theory]
    [InlineData("1", "first")]
    [InlineData("2", "second")]
    [InlineData("3", "third")]
    [InlineData("11", "eleventh")]
    [InlineData("12", "twelfth")]
    [InlineData("13", "thirteenth")]
    [InlineData("21", "twenty-first")]
    [InlineData("22", "twenty-second")]
    [InlineData("23", "twenty-third")]
    [InlineData("100", "one hundredth")]
    [InlineData("101", "one hundred first")]
    [InlineData("111", "one hundred eleventh")]
    [InlineData("1000", "one thousandth")]
    [InlineData("2000000", "two millionth")]
    public void Ordinal_EnUs_SaysOrdinal(string value, string expected) => Assert.Equal(expected, Say("ordinal", "", value));

    [Theory]
    [InlineData("", "0042", "zero zero four two")]
    [InlineData("group=3-3-4", "5550100199", "five five five, zero one zero, zero one nine nine")]
    [InlineData("group=telephone", "+1 (555) 010-0199", "one, five five five, zero one zero, zero one nine nine")]
    [InlineData("group=telephone", "555-0100", "five five five, zero one zero zero")]
    [InlineData("group=4-4", "00071234", "zero zero zero seven, one two three four")]
    public void Digits_EnUs_SaysEachDigitInGroups(string options, string value, string expected) =>
        Assert.Equal(expected, Say("digits", options, value));

    [Theory]
    [InlineData("code=USD", "12.50", "twelve dollars and fifty cents")]
    [InlineData("code=USD", "1", "one dollar")]
    [InlineData("code=USD", "0.01", "one cent")]
    [InlineData("code=USD", "0", "zero dollars")]
    [InlineData("code=USD", "21", "twenty-one dollars")]
    [InlineData("code=USD", "1000000", "one million dollars")]
    [InlineData("code=USD", "-5.25", "minus five dollars and twenty-five cents")]
    [InlineData("code=USD", "105.05", "one hundred five dollars and five cents")]
    [InlineData("", "12.50 USD", "twelve dollars and fifty cents")]
    [InlineData("", "EUR 3", "three euros")]
    [InlineData("code=GBP", "2.01", "two pounds and one penny")]
    [InlineData("code=GBP", "0.50", "fifty pence")]
    [InlineData("code=MXN", "100", "one hundred pesos")]
    [InlineData("code=CAD", "1", "one Canadian dollar")]
    [InlineData("code=usd", "2", "two dollars")]
    public void Currency_EnUs_SaysAmountAndUnits(string options, string value, string expected) =>
        Assert.Equal(expected, Say("currency", options, value));

    [Theory]
    [InlineData("", "2026-12-03", "Thursday, December third")]
    [InlineData("", "2026-12-31", "Thursday, December thirty-first")]
    [InlineData("weekday=never", "2026-12-22", "December twenty-second")]
    [InlineData("weekday=never", "2026-12-23", "December twenty-third")]
    [InlineData("weekday=never", "2026-03-01", "March first")]
    [InlineData("", "2027-03-01", "Monday, March first, twenty twenty-seven")]
    [InlineData("year=never", "2027-03-01", "Monday, March first")]
    [InlineData("year=always", "2026-12-04", "Friday, December fourth, twenty twenty-six")]
    [InlineData("year=always,weekday=never", "2028-02-29", "February twenty-ninth, twenty twenty-eight")]
    [InlineData("weekday=always", "2028-02-29", "Tuesday, February twenty-ninth, twenty twenty-eight")]
    [InlineData("", "2030-01-01", "January first, twenty thirty")]
    [InlineData("weekday=never", "2000-01-01", "January first, two thousand")]
    [InlineData("weekday=never", "2005-05-05", "May fifth, two thousand five")]
    [InlineData("weekday=never", "1999-07-04", "July fourth, nineteen ninety-nine")]
    [InlineData("weekday=never", "1905-10-10", "October tenth, nineteen oh five")]
    [InlineData("weekday=never", "1900-06-30", "June thirtieth, nineteen hundred")]
    public void Date_EnUs_SaysWeekdayMonthDayAndYearWhenNeeded(string options, string value, string expected) =>
        Assert.Equal(expected, Say("date", options, value));

    [Theory]
    [InlineData("00:00", "midnight")]
    [InlineData("12:00", "noon")]
    [InlineData("15:05", "three oh five p.m.")]
    [InlineData("15:00", "three p.m.")]
    [InlineData("00:05", "twelve oh five a.m.")]
    [InlineData("12:30", "twelve thirty p.m.")]
    [InlineData("9:45", "nine forty-five a.m.")]
    [InlineData("01:00", "one a.m.")]
    [InlineData("23:59", "eleven fifty-nine p.m.")]
    public void Time_EnUs_SaysTwelveHourClock(string value, string expected) => Assert.Equal(expected, Say("time", "", value));

    [Theory]
    [InlineData("", "1", "one minute")]
    [InlineData("", "5", "five minutes")]
    [InlineData("", "0", "zero minutes")]
    [InlineData("", "1.5", "one minute and thirty seconds")]
    [InlineData("unit=seconds", "90", "one minute and thirty seconds")]
    [InlineData("unit=seconds", "45", "forty-five seconds")]
    [InlineData("unit=hours", "2", "two hours")]
    [InlineData("", "PT1H5M10S", "one hour, five minutes and ten seconds")]
    [InlineData("", "61", "one hour and one minute")]
    public void Duration_EnUs_SaysHoursMinutesSeconds(string options, string value, string expected) =>
        Assert.Equal(expected, Say("duration", options, value));

    [Theory]
    [InlineData("", "AB3", "A, B, three")]
    [InlineData("", "x9-q", "X, nine, Q")]
    [InlineData("", "007", "zero, zero, seven")]
    [InlineData("alphabet=nato", "B4", "Bravo, four")]
    public void Spell_EnUs_SaysEachCharacter(string options, string value, string expected) => Assert.Equal(expected, Say("spell", options, value));
}
