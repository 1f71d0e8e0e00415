using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Prompts.Templates;
using IvrVoice.Prompts.Tests.Verbalisation;
using IvrVoice.Prompts.Verbalisation;

namespace IvrVoice.Prompts.Tests.Templates;

public sealed class TemplateComposerTests
{
    private static readonly PromptSpec s_base = new()
    {
        Text = "unused",
        Voice = "Kore",
        Style = "calm, warm",
        Language = "en-US",
        Model = "gemini-3.1-flash-tts",
        Mastering = MasteringOptions.Disabled,
    };

    private static ComposedAnnouncement Compose(string template, string language, params (string Name, string Value)[] values) =>
        TemplateComposer.Compose(PromptTemplate.Parse(template).Template!, values.ToDictionary(v => v.Name, v => v.Value), language, Speaker.Today);

    [Fact]
    public void Compose_Reminder_SpeaksWordsAndSegments()
    {
        ComposedAnnouncement composed = Compose("Your appointment is on {day:date} at {start:time}.", "en-US",
            ("day", "2026-12-03"), ("start", "15:05"));

        Assert.Equal("Your appointment is on Thursday, December third at three oh five p.m.", composed.Spoken);
        Assert.False(composed.RenderOnly);
        Assert.Equal(
        [
            new SpeechSegment(SpeechSegmentKind.Fixed, "Your appointment is on", null, false, JoinGap.None),
            new SpeechSegment(SpeechSegmentKind.Piece, "Thursday", "en-US/day/4", false, JoinGap.Word),
            new SpeechSegment(SpeechSegmentKind.Piece, "December", "en-US/mon/12", false, JoinGap.Phrase),
            new SpeechSegment(SpeechSegmentKind.Piece, "third", "en-US/ord/3", false, JoinGap.Word),
            new SpeechSegment(SpeechSegmentKind.Fixed, "at", null, false, JoinGap.Word),
            new SpeechSegment(SpeechSegmentKind.Piece, "three", "en-US/num/3", false, JoinGap.Word),
            new SpeechSegment(SpeechSegmentKind.Piece, "oh", "en-US/time/oh", false, JoinGap.Word),
            new SpeechSegment(SpeechSegmentKind.Piece, "five", "en-US/num/5", false, JoinGap.Word),
            new SpeechSegment(SpeechSegmentKind.Piece, "p.m.", "en-US/time/pm", true, JoinGap.Word),
        ], composed.Segments);
    }

    [Fact]
    public void Compose_ValueBeforeFullStop_UsesSentenceFinalVariant()
    {
        ComposedAnnouncement composed = Compose("Your balance is {amount:currency(code=USD)}. Thank you.", "en-US", ("amount", "12.50"));
        Assert.Equal("Your balance is twelve dollars and fifty cents. Thank you.", composed.Spoken);
        SpeechSegment last = composed.Segments.Last(s => s.Kind == SpeechSegmentKind.Piece);
        Assert.Equal(("cents.", true), (last.Text, last.Final));
        Assert.All(composed.Segments.Where(s => s != last), s => Assert.False(s.Final));
        Assert.Equal(JoinGap.Phrase, composed.Segments[^1].GapBefore);
        Assert.Equal("Thank you.", composed.Segments[^1].Text);
    }

    [Fact]
    public void Compose_SpanishArticleInTemplate_SaysElPrimeroDeMarzo()
    {
        ComposedAnnouncement composed = Compose("Su cita es el {dia:date(weekday=never)}, a {hora:time}.", "es-US",
            ("dia", "2026-03-01"), ("hora", "13:00"));
        Assert.Equal("Su cita es el primero de marzo, a la una de la tarde.", composed.Spoken);
        Speaker.AssertJoinable(composed, [TemplateValueType.Date, TemplateValueType.Time]);
    }

    [Fact]
    public void Compose_SpanishBalance_SaysVeintiunDolares()
    {
        ComposedAnnouncement composed = Compose("Su saldo es de {monto:currency(code=USD)}.", "es-US", ("monto", "21"));
        Assert.Equal("Su saldo es de veintiún dólares.", composed.Spoken);
    }

    [Fact]
    public void Compose_FreeText_IsRenderOnlyAndNeverJoined()
    {
        ComposedAnnouncement composed = Compose("Your appointment with {dentist} is at {start:time}.", "en-US",
            ("dentist", "  Dr.   Patel "), ("start", "12:00"));
        Assert.Equal("Your appointment with Dr. Patel is at noon.", composed.Spoken);
        Assert.True(composed.RenderOnly);
        Assert.Throws<InvalidOperationException>(() => TemplateAudioPlan.JoinSteps(composed, s_base));
        Assert.Equal(composed.Spoken, TemplateAudioPlan.WholeRenderSpec(composed, s_base).Text);
    }

    [Fact]
    public void Compose_RegionWithoutOwnWords_UsesSameLanguage()
    {
        Assert.True(TemplateComposer.Supports("es-MX"));
        Assert.False(TemplateComposer.Supports("fr-FR"));
        ComposedAnnouncement composed = Compose("{n:number}", "es-mx", ("n", "21"));
        Assert.Equal(("es-US", "veintiuno"), (composed.Language, composed.Spoken));
    }

    [Fact]
    public void SupportedLanguages_ListsEveryRegisteredLanguageClass()
    {
        Assert.Equal(["en-US", "es-US"], TemplateComposer.SupportedLanguages);
        Type[] classes = typeof(LanguageVerbaliser).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(LanguageVerbaliser))).ToArray();
        Assert.Equal(classes.Length, TemplateComposer.SupportedLanguages.Count);
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("es-US")]
    public void Vocabulary_AllTypes_IsFiniteDeterministicAndWellFormed(string language)
    {
        TemplateValueType[] all = Enum.GetValues<TemplateValueType>();
        IReadOnlyList<VocabularyPiece> first = TemplateVocabulary.For(language, all);
        IReadOnlyList<VocabularyPiece> second = TemplateVocabulary.For(language, all.Reverse());
        Assert.Equal(first, second);
        Assert.InRange(first.Count, 100, 800);
        Assert.Equal(first.Count, first.Select(p => p.Id).Distinct().Count());
        Assert.All(first, p =>
        {
            Assert.StartsWith(language + "/", p.Id, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(p.Text));
            Assert.Equal(p.Text.Trim(), p.Text);
            Assert.EndsWith(".", p.FinalText, StringComparison.Ordinal);
        });
        Assert.Empty(TemplateVocabulary.For(language, [TemplateValueType.Text]));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("es-US")]
    public void Vocabulary_EveryCurrencyCode_HasWordsInEveryLanguage(string language)
    {
        HashSet<string> ids = TemplateVocabulary.For(language, [TemplateValueType.Currency]).Select(p => p.Id).ToHashSet();
        foreach (string code in CurrencyCatalog.Codes)
        {
            foreach (string form in new[] { "one", "other", "minor-one", "minor-other" })
            {
                Assert.Contains($"{language}/cur/{code}/{form}", ids);
            }
        }
    }

    [Fact]
    public void PrerenderSpecs_Template_HoldFixedPartsAndBothVariantsOfEveryPiece()
    {
        PromptTemplate template = PromptTemplate.Parse("Your code is {code:spell}. Your wait is {wait:duration}.").Template!;
        IReadOnlyList<PromptSpec> specs = TemplateAudioPlan.PrerenderSpecs(template, s_base);
        HashSet<string> texts = specs.Select(s => s.Text).ToHashSet();

        Assert.Contains("Your code is", texts);
        Assert.Contains("Your wait is", texts);
        foreach (VocabularyPiece piece in TemplateVocabulary.For("en-US", [TemplateValueType.Spell, TemplateValueType.Duration]))
        {
            Assert.Contains(piece.Text, texts);
            Assert.Contains(piece.FinalText, texts);
        }
        Assert.DoesNotContain("January", texts); // dates are not used by this template
        Assert.Equal(specs.Count, texts.Count);
        Assert.All(specs, s => Assert.Equal(s_base with { Text = s.Text }, s));
        Assert.Equal(specs.Select(s => s.Text), TemplateAudioPlan.PrerenderSpecs(template, s_base).Select(s => s.Text));
    }

    [Theory]
    [InlineData("en-US", "2026-12-31", "00:00", "-1234.05", "AZ09", "5551234567", "PT1H1M1S")]
    [InlineData("en-US", "2028-02-29", "12:00", "999999999", "q", "0000", "0")]
    [InlineData("es-US", "2026-03-01", "13:21", "21000000", "bv", "0042", "21")]
    [InlineData("es-US", "2027-12-25", "23:59", "0.01", "W7", "1", "PT21H")]
    public void JoinSteps_AnyValues_AreAllPrerendered(string language, string day, string time, string amount, string code, string digits, string wait)
    {
        PromptTemplate template = PromptTemplate.Parse(
            "On {day:date(year=always)} at {time:time}, {amount:currency(code=GBP)} and {n:number(gender=feminine)}; " +
            "code {code:spell}, account {digits:digits}, wait {wait:duration}, place {place:ordinal}.").Template!;
        PromptSpec baseSpec = s_base with { Language = language };
        HashSet<PromptKey> prerendered = TemplateAudioPlan.PrerenderSpecs(template, baseSpec).Select(PromptKeys.For).ToHashSet();

        ComposedAnnouncement composed = TemplateComposer.Compose(template, new Dictionary<string, string>
        {
            ["day"] = day, ["time"] = time, ["amount"] = amount, ["n"] = amount, ["code"] = code, ["digits"] = digits,
            ["wait"] = wait, ["place"] = "21",
        }, language, Speaker.Today);
        IReadOnlyList<JoinStep> steps = TemplateAudioPlan.JoinSteps(composed, baseSpec);

        Assert.Equal(composed.Segments.Count, steps.Count);
        Assert.All(steps, s => Assert.Contains(PromptKeys.For(s.Spec), prerendered));
        Assert.Equal(JoinGap.None, steps[0].GapBefore);
        Assert.True(composed.Segments.Single(s => s.Final).Kind == SpeechSegmentKind.Piece);
        Speaker.AssertJoinable(composed, template.ValueTypes);
    }

    [Fact]
    public void PrerenderSpecs_FreeTextTemplate_IsEmpty()
    {
        PromptTemplate template = PromptTemplate.Parse("Hello {name}, your code is {code:spell}.").Template!;
        Assert.Empty(TemplateAudioPlan.PrerenderSpecs(template, s_base));
    }

    [Fact]
    public void PrerenderSpecs_UnsupportedLanguage_Throws() =>
        Assert.Throws<PromptRequestException>(() =>
            TemplateAudioPlan.PrerenderSpecs(PromptTemplate.Parse("{n:number}").Template!, s_base with { Language = "fr-FR" }));
}
