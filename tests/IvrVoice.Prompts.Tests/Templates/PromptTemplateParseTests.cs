using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Tests.Templates;

public sealed class PromptTemplateParseTests
{
    private static TemplateDiagnostic Single(string text)
    {
        TemplateParseResult result = PromptTemplate.Parse(text);
        Assert.False(result.Succeeded);
        Assert.Null(result.Template);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Parse_PlainName_IsFreeText()
    {
        PromptTemplate template = PromptTemplate.Parse("Hello {name}, welcome.").Template!;
        TemplatePlaceholder p = Assert.Single(template.Placeholders);
        Assert.Equal(("name", TemplateValueType.Text, 6), (p.Name, p.Type, p.Offset));
        Assert.True(template.IsRenderOnly);
        Assert.Equal([new TemplateLiteral("Hello "), p, new TemplateLiteral(", welcome.")], template.Parts);
    }

    [Fact]
    public void Parse_TypesAndOptions_AreRead()
    {
        PromptTemplate template = PromptTemplate.Parse("On {day:date(year=always, weekday = never)} at {start:time} pay {amt:currency(code=USD)}").Template!;
        Assert.Equal(["day", "start", "amt"], template.Placeholders.Select(p => p.Name));
        Assert.Equal([TemplateValueType.Date, TemplateValueType.Time, TemplateValueType.Currency], template.Placeholders.Select(p => p.Type));
        Assert.Equal("always", template.Placeholders[0].Option("year"));
        Assert.Equal("never", template.Placeholders[0].Option("weekday"));
        Assert.Null(template.Placeholders[1].Option("year"));
        Assert.Equal([TemplateValueType.Currency, TemplateValueType.Date, TemplateValueType.Time], template.ValueTypes);
        Assert.False(template.IsRenderOnly);
    }

    [Fact]
    public void Parse_DoubledBraces_AreLiteral()
    {
        PromptTemplate template = PromptTemplate.Parse("Press {{1}} for {n:number}}}").Template!;
        Assert.Equal([new TemplateLiteral("Press {1} for "), template.Placeholders[0], new TemplateLiteral("}")], template.Parts);
        Assert.Equal(16, template.Placeholders[0].Offset);
    }

    [Fact]
    public void Parse_NoPlaceholders_IsATemplateWithOnlyText()
    {
        PromptTemplate template = PromptTemplate.Parse("Thank you for calling.").Template!;
        Assert.Empty(template.Placeholders);
        Assert.False(PromptTemplate.LooksLikeTemplate("Thank you {{for}} calling."));
        Assert.True(PromptTemplate.LooksLikeTemplate("Thank you {name}."));
        Assert.True(PromptTemplate.LooksLikeTemplate("Broken }"));
    }

    [Theory]
    [InlineData("Due {x:colour}.", 4, "unknown type 'colour'")]
    [InlineData("Due {x:}.", 4, "missing type")]
    [InlineData("Due {x:date(colour=red)}.", 4, "unknown option 'colour' for type date (known: year, weekday)")]
    [InlineData("Due {x:time(format=24)}.", 4, "unknown option 'format': type time takes no options")]
    [InlineData("Due {x:date(year=sometimes)}.", 4, "option 'year' must be one of auto, always, never")]
    [InlineData("Due {x:currency(code=JPY)}.", 4, "option 'code' must be one of USD, EUR, MXN, GBP, CAD")]
    [InlineData("Due {x:digits(group=3-x)}.", 4, "option 'group' must be")]
    [InlineData("Due {x:digits(group=3-0-4)}.", 4, "option 'group' must be")]
    [InlineData("Due {x:date(year)}.", 4, "must be written option=value")]
    [InlineData("Due {x:date(year=always, year=never)}.", 4, "option 'year' is given twice")]
    [InlineData("Due {x:date()}.", 4, "empty option list")]
    [InlineData("Due {x:date(year=auto}.", 4, "unbalanced '('")]
    [InlineData("Due {x:date year=auto)}.", 4, "unbalanced ')'")]
    [InlineData("Hello {name", 6, "unbalanced '{'")]
    [InlineData("Hello {name {x}", 6, "unbalanced '{'")]
    [InlineData("Hello name}", 10, "unbalanced '}'")]
    [InlineData("Hello {}", 6, "empty placeholder name")]
    [InlineData("Hello { :number}", 6, "empty placeholder name")]
    [InlineData("Hello {1st}", 6, "invalid placeholder name '1st'")]
    [InlineData("Hello {first name}", 6, "invalid placeholder name")]
    [InlineData("{a:number} and {a:date}", 15, "duplicate placeholder name 'a' (first at offset 0)")]
    public void Parse_Problem_ReportsMessageAndOffset(string text, int offset, string message)
    {
        TemplateDiagnostic diagnostic = Single(text);
        Assert.Equal(offset, diagnostic.Offset);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEachInTextOrder()
    {
        TemplateParseResult result = PromptTemplate.Parse("{a:number} {b:date(x=1)} } {a:number} {c");
        Assert.Equal([11, 25, 27, 38], result.Diagnostics.Select(d => d.Offset));
    }

    [Fact]
    public void Parse_AllTypes_AreKnown()
    {
        PromptTemplate template = PromptTemplate.Parse(
            "{a} {b:text} {c:number} {d:ordinal} {e:digits} {f:currency} {g:date} {h:time} {i:duration} {j:spell}").Template!;
        Assert.Equal(Enum.GetValues<TemplateValueType>().Order(), template.ValueTypes);
    }
}
