using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Tests.Verbalisation;

// Every expected string is written from the norms of the Real Academia Española (Diccionario panhispánico de dudas:
// "uno", apócope "veintiún", "cien/ciento", "un millón de") and US/Mexican usage (decimal "punto", "el primero de
// marzo", "las tres y cinco de la tarde"), not from the code's output.
public sealed class SpanishUsVerbalisationTests
{
    private static string Say(string type, string options, string value) => Speaker.Say("es-US", type, options, value);

    [Theory]
    [InlineData("", "0", "cero")]
    [InlineData("", "1", "uno")]
    [InlineData("gender=masculine", "1", "un")]
    [InlineData("gender=feminine", "1", "una")]
    [InlineData("", "16", "dieciséis")]
    [InlineData("", "21", "veintiuno")]
    [InlineData("gender=masculine", "21", "veintiún")]
    [InlineData("gender=feminine", "21", "veintiuna")]
    [InlineData("", "22", "veintidós")]
    [InlineData("", "23", "veintitrés")]
    [InlineData("", "26", "veintiséis")]
    [InlineData("", "31", "treinta y uno")]
    [InlineData("gender=masculine", "31", "treinta y un")]
    [InlineData("", "-5", "menos cinco")]
    [InlineData("", "100", "cien")]
    [InlineData("", "101", "ciento uno")]
    [InlineData("", "105", "ciento cinco")]
    [InlineData("", "500", "quinientos")]
    [InlineData("gender=feminine", "200", "doscientas")]
    [InlineData("", "1000", "mil")]
    [InlineData("", "1001", "mil uno")]
    [InlineData("", "2000", "dos mil")]
    [InlineData("", "21000", "veintiún mil")]
    [InlineData("", "1000000", "un millón")]
    [InlineData("", "2000000", "dos millones")]
    [InlineData("", "21000000", "veintiún millones")]
    [InlineData("", "0.01", "cero punto cero uno")]
    [InlineData("", "999999999", "novecientos noventa y nueve millones novecientos noventa y nueve mil novecientos noventa y nueve")]
    [InlineData("", "1000000000", "mil millones")]
    public void Number_EsUs_SaysCardinalWithGenderAndApocope(string options, string value, string expected) =>
        Assert.Equal(expected, Say("number", options, value));

    [Theory]
    [InlineData("", "1", "primero")]
    [InlineData("gender=masculine", "1", "primer")]
    [InlineData("gender=feminine", "1", "primera")]
    [InlineData("", "2", "segundo")]
    [InlineData("gender=masculine", "3", "tercer")]
    [InlineData("", "10", "décimo")]
    [InlineData("", "21", "vigésimo primero")]
    [InlineData("", "22", "vigésimo segundo")]
    [InlineData("", "23", "vigésimo tercero")]
    [InlineData("gender=feminine", "23", "vigésima tercera")]
    [InlineData("", "100", "centésimo")]
    [InlineData("", "200", "ducentésimo")]
    [InlineData("", "121", "centésimo vigésimo primero")]
    [InlineData("gender=masculine", "121", "centésimo vigésimo primer")]
    public void Ordinal_EsUs_SaysOrdinalWithGender(string options, string value, string expected) =>
        Assert.Equal(expected, Say("ordinal", options, value));

    [Theory]
    [InlineData("", "0042", "cero cero cuatro dos")]
    [InlineData("group=3-3-4", "5550100199", "cinco cinco cinco, cero uno cero, cero uno nueve nueve")]
    public void Digits_EsUs_SaysEachDigitInGroups(string options, string value, string expected) =>
        Assert.Equal(expected, Say("digits", options, value));

    [Theory]
    [InlineData("code=USD", "12.50", "doce dólares con cincuenta centavos")]
    [InlineData("code=USD", "21", "veintiún dólares")]
    [InlineData("code=USD", "1", "un dólar")]
    [InlineData("code=USD", "0.01", "un centavo")]
    [InlineData("code=USD", "0", "cero dólares")]
    [InlineData("code=USD", "101", "ciento un dólares")]
    [InlineData("code=USD", "1000000", "un millón de dólares")]
    [InlineData("code=USD", "1500000", "un millón quinientos mil dólares")]
    [InlineData("code=USD", "-3", "menos tres dólares")]
    [InlineData("code=GBP", "1", "una libra")]
    [InlineData("code=GBP", "21", "veintiuna libras")]
    [InlineData("code=GBP", "200", "doscientas libras")]
    [InlineData("code=MXN", "31.01", "treinta y un pesos con un centavo")]
    [InlineData("code=EUR", "0.50", "cincuenta céntimos")]
    [InlineData("code=CAD", "1", "un dólar canadiense")]
    [InlineData("", "3 CAD", "tres dólares canadienses")]
    public void Currency_EsUs_SaysAmountWithAgreement(string options, string value, string expected) =>
        Assert.Equal(expected, Say("currency", options, value));

    [Theory]
    [InlineData("", "2026-12-03", "jueves tres de diciembre")]
    [InlineData("weekday=never", "2026-03-01", "primero de marzo")]
    [InlineData("", "2026-12-31", "jueves treinta y uno de diciembre")]
    [InlineData("weekday=never", "2026-03-21", "veintiuno de marzo")]
    [InlineData("year=always,weekday=never", "2028-02-29", "veintinueve de febrero de dos mil veintiocho")]
    [InlineData("weekday=never", "2027-01-01", "primero de enero de dos mil veintisiete")]
    [InlineData("", "2027-03-01", "lunes primero de marzo de dos mil veintisiete")]
    [InlineData("weekday=never,year=always", "2021-05-10", "diez de mayo de dos mil veintiuno")]
    public void Date_EsUs_SaysWeekdayDayMonthAndYearWhenNeeded(string options, string value, string expected) =>
        Assert.Equal(expected, Say("date", options, value));

    [Theory]
    [InlineData("00:00", "medianoche")]
    [InlineData("12:00", "mediodía")]
    [InlineData("15:05", "las tres y cinco de la tarde")]
    [InlineData("15:00", "las tres de la tarde")]
    [InlineData("13:00", "la una de la tarde")]
    [InlineData("01:00", "la una de la madrugada")]
    [InlineData("09:15", "las nueve y cuarto de la mañana")]
    [InlineData("20:30", "las ocho y media de la noche")]
    [InlineData("10:45", "las diez y cuarenta y cinco de la mañana")]
    public void Time_EsUs_SaysHourWithPartOfDay(string value, string expected) => Assert.Equal(expected, Say("time", "", value));

    [Theory]
    [InlineData("", "1", "un minuto")]
    [InlineData("", "21", "veintiún minutos")]
    [InlineData("", "0", "cero minutos")]
    [InlineData("unit=hours", "1", "una hora")]
    [InlineData("unit=hours", "21", "veintiuna horas")]
    [InlineData("", "1.5", "un minuto y treinta segundos")]
    [InlineData("", "PT1H5M10S", "una hora, cinco minutos y diez segundos")]
    public void Duration_EsUs_SaysUnitsWithAgreement(string options, string value, string expected) =>
        Assert.Equal(expected, Say("duration", options, value));

    [Theory]
    [InlineData("", "BV3", "be larga, ve corta, tres")]
    [InlineData("", "W", "doble ve")]
    [InlineData("alphabet=nato", "V1", "Victor, uno")]
    public void Spell_EsUs_SaysEachCharacterTellingBFromV(string options, string value, string expected) =>
        Assert.Equal(expected, Say("spell", options, value));

    [Fact]
    public void Ordinal_EsUsAboveNineHundredNinetyNine_IsRefusedNamingTheValue()
    {
        TemplateValueException e = Assert.Throws<TemplateValueException>(() => Say("ordinal", "", "1000"));
        Assert.Equal("v", e.ValueName);
        Assert.Contains("out of range", e.Reason, StringComparison.Ordinal);
    }
}
