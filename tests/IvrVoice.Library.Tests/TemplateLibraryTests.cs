using IvrVoice.Library.Flows;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Library.Tests;

/// <summary>
/// Template prompts in the library format: placeholders, strategies, and flows that announce templates with values from
/// the call. Lines and columns below were counted by hand from the YAML of each case.
/// </summary>
public sealed class TemplateLibraryTests
{
    private const string KnownTypes = "text, number, ordinal, digits, currency, date, time, duration, spell";

    [Fact]
    public void Load_TemplateTextProblems_ReportedAtThePlaceholder()
    {
        using TempLibrary library = new(("en.yaml", """
            defaults: { language: en-US, voice: Kore }
            prompts:
              - id: money
                text: Your balance is {balance:money}.
              - id: option
                text: "On {day:date(style=long)}, please call."
              - id: twice
                text: >
                  We will call on {day:date}
                  or on {day:date} again.
              - id: plain-strategy
                text: Hello.
                strategy: join
              - id: bad-strategy
                text: Your code is {code:spell}.
                strategy: joined
              - id: french
                text: Votre code est {code:spell}.
                language: fr-FR
              - id: dialogue
                text: "Maya: Your code is {code:spell}.\nLeo: Thanks."
                speakers:
                  - { name: Maya, voice: Kore }
                  - { name: Leo, voice: Puck }
            """));

        Assert.Equal(
            [
                $"en.yaml:4:27: error: prompt 'money': unknown type 'money' (known: {KnownTypes})",
                "en.yaml:6:15: error: prompt 'option': unknown option 'style' for type date (known: year, weekday)",
                "en.yaml:10:13: error: prompt 'twice': duplicate placeholder name 'day' (first at offset 16)",
                "en.yaml:13:15: error: prompt 'plain-strategy' has no placeholders; 'strategy' is for templates only",
                "en.yaml:16:15: error: strategy must be auto, join or render, not 'joined'; did you mean 'join'?",
                "en.yaml:18:11: error: prompt 'french' is a template in fr-FR, a language templates cannot be spoken in (supported: en-US, es-US)",
                "en.yaml:22:5: error: prompt 'dialogue' is a template, spoken in one voice; remove 'speakers'",
            ],
            library.Diagnostics());
    }

    [Fact]
    public void Load_FlowPlaysTemplatesWithoutOrWithWrongValues_EachReportedWhereWritten()
    {
        using TempLibrary library = new(("en.yaml", """
            defaults: { language: en-US, voice: Kore }
            prompts:
              - id: reminder
                text: Your appointment is on {day:date} at {start:time}.
              - id: hello
                text: Hello.
              - id: sorry
                text: Sorry, we could not find your appointment.
            flows:
              main:
                languages: en-US
                entry: start
                menus:
                  start:
                    play:
                      - reminder
                      - prompt: reminder
                        values: { day: query:day, begin: Digits }
                      - prompt: hello
                        values: { x: From }
                      - prompt: reminder
                        values: { day: query:day, start: Caller }
                      - prompt: reminder
                        values: { day: query:day, start: query:start }
                        fallback: reminder
                    choices:
                      - digits: 1
                        announce:
                          - prompt: reminder
                            values: { day: "query:", start: SpeechResult }
                        hangup: true
            """));

        Assert.Equal(
            [
                "en.yaml:16:13: error: prompt 'reminder' is a template (values day, start) and nothing fills them in here; play it as { prompt: reminder, values: { day: query:day, ... } }",
                "en.yaml:18:13: error: 'values' gives no source for 'start' of template 'reminder'",
                "en.yaml:18:13: error: template 'reminder' has no placeholder 'begin' (it has day, start)",
                "en.yaml:20:13: error: prompt 'hello' has no placeholders; remove 'values'",
                "en.yaml:22:46: error: the source of 'start' must be From, Digits, SpeechResult or query:<name> (a query parameter of the webhook URL), not 'Caller'",
                "en.yaml:25:23: error: fallback prompt 'reminder' is a template; a fallback is played when values cannot be spoken, so it takes none",
                "en.yaml:30:32: error: the source of 'day' must be From, Digits, SpeechResult or query:<name> (a query parameter of the webhook URL), not 'query:'",
            ],
            library.Diagnostics());
    }

    [Fact]
    public void Load_TemplateMissingAPlaceholderInOneLanguage_ReportedNamingThatLanguage()
    {
        using TempLibrary library = new(
            ("en.yaml", """
                defaults: { language: en-US, voice: Kore }
                prompts:
                  - { id: wait, text: "Your wait is about {minutes:duration(unit=minutes)}." }
                flows:
                  queue:
                    languages: [en-US, es-US]
                    entry: start
                    menus:
                      start:
                        play:
                          - prompt: wait
                            values: { minutes: query:wait }
                        choices:
                          - { digits: 1, hangup: true }
                """),
            ("es.yaml", """
                defaults: { language: es-US, voice: Puck }
                prompts:
                  - { id: wait, text: "Su espera es de unos {minutos:duration(unit=minutes)}." }
                """));

        Assert.Equal(
            [
                "en.yaml:12:13: error: 'values' gives no source for 'minutos' of template 'wait' in es-US",
                "en.yaml:12:13: error: template 'wait' has no placeholder 'minutes' (it has minutos) in es-US",
            ],
            library.Diagnostics());
    }

    [Fact]
    public void Load_ValidTemplateAndAnnouncement_ModelHoldsTemplateStrategyAndSources()
    {
        using TempLibrary library = new(("en.yaml", """
            defaults: { language: en-US, voice: Kore }
            prompts:
              - id: code
                text: Your confirmation code is {code:spell}.
                strategy: join
              - id: balance
                text: You owe {amount:currency(code=USD)}, due {due:date}.
              - id: braces
                text: "Press {{star}} now."
              - id: sorry
                text: Sorry, we could not read your code.
            flows:
              main:
                languages: en-US
                entry: start
                menus:
                  start:
                    play:
                      - prompt: code
                        values: { code: query:code }
                        fallback: sorry
                    choices:
                      - digits: 1
                        announce:
                          - { prompt: balance, values: { amount: SpeechResult, due: Digits } }
                        return: true
            """));

        LibraryLoadResult result = library.Load();

        Assert.Empty(library.Render(result));
        PromptLibrary loaded = result.Library!;
        LibraryPrompt code = loaded.GetPrompt("en-US", "code");
        Assert.True(code.IsTemplate);
        Assert.Equal(AnnouncementStrategy.Join, code.Strategy);
        Assert.Equal(["code"], code.Template!.Placeholders.Select(p => p.Name));
        Assert.Equal(TemplateValueType.Spell, code.Template.Placeholders[0].Type);
        Assert.Equal("Your confirmation code is {code:spell}.", code.Spec.Text);

        LibraryPrompt balance = loaded.GetPrompt("en-US", "balance");
        Assert.Equal(AnnouncementStrategy.Auto, balance.Strategy);
        Assert.Equal([TemplateValueType.Currency, TemplateValueType.Date], balance.Template!.ValueTypes);

        LibraryPrompt braces = loaded.GetPrompt("en-US", "braces");
        Assert.False(braces.IsTemplate);
        Assert.Equal("Press {star} now.", braces.Text);

        Assert.True(loaded.TryGetFlow("main", out CallFlow? flow));
        PromptReference played = flow!.EntryMenu.Play.Single();
        Assert.True(played.IsAnnouncement);
        Assert.Equal("sorry", played.Fallback);
        Assert.Equal(CallValueKind.Query, played.Values!["code"].Kind);
        Assert.Equal("code", played.Values["code"].Name);
        PromptReference announced = flow.EntryMenu.Choices.Single().Action.Announce.Single();
        Assert.Equal(CallValueSource.SpeechResult, announced.Values!["amount"]);
        Assert.Equal(CallValueSource.Digits, announced.Values["due"]);
        Assert.Null(announced.Fallback);
    }

    [Theory]
    [InlineData("From", CallValueKind.From, null)]
    [InlineData("Digits", CallValueKind.Digits, null)]
    [InlineData("SpeechResult", CallValueKind.SpeechResult, null)]
    [InlineData("query:day", CallValueKind.Query, "day")]
    [InlineData("query:appointment.start-time_2", CallValueKind.Query, "appointment.start-time_2")]
    public void CallValueSource_TryParse_ReadsEverySource(string text, CallValueKind kind, string? name)
    {
        Assert.True(CallValueSource.TryParse(text, out CallValueSource? source));
        Assert.Equal(kind, source!.Kind);
        Assert.Equal(name, source.Name);
        Assert.Equal(text, source.ToString());
    }

    [Theory]
    [InlineData("from")]
    [InlineData("query:")]
    [InlineData("query:a b")]
    [InlineData("query:día")]
    [InlineData("Caller")]
    [InlineData("")]
    public void CallValueSource_TryParse_RefusesAnythingElse(string text) =>
        Assert.False(CallValueSource.TryParse(text, out _));

    [Fact]
    public void CallValueSource_Resolve_ReadsTheCallOrTheQuery()
    {
        Dictionary<string, string> form = new() { ["From"] = "+15035550111", ["Digits"] = "42" };
        Dictionary<string, string> query = new() { ["day"] = "2026-12-03" };
        string? Form(string key) => form.GetValueOrDefault(key);
        string? Query(string key) => query.GetValueOrDefault(key);

        Assert.Equal("+15035550111", CallValueSource.From.Resolve(Form, Query));
        Assert.Equal("42", CallValueSource.Digits.Resolve(Form, Query));
        Assert.Null(CallValueSource.SpeechResult.Resolve(Form, Query));
        Assert.Equal("2026-12-03", CallValueSource.Query("day").Resolve(Form, Query));
        Assert.Null(CallValueSource.Query("start").Resolve(Form, Query));
    }
}
