using IvrVoice.Audio;
using IvrVoice.Library.Flows;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;

namespace IvrVoice.Library.Tests;

/// <summary>The library shipped in prompts/: it must load clean, and its flows must behave as its prompts say.</summary>
public sealed class SampleLibraryTests
{
    private static readonly LibraryLoadResult Sample = PromptLibraryLoader.Load(TempLibrary.SampleFolder);

    private static PromptLibrary Library => Sample.Library ?? throw new InvalidOperationException(string.Join('\n', Sample.Diagnostics));

    private static readonly string[] RequiredPromptIds =
    [
        "language-select", "main-menu", "billing-menu", "business-hours", "after-hours", "hold", "hold-tips",
        "transfer-front-desk", "transfer-scheduling", "transfer-billing", "transfer-on-call", "payment-redirect",
        "no-input", "invalid-choice", "goodbye", "appointment-reminder-generic", "reminder-options", "reminder-confirmed",
        "appointment-reminder", "balance-due", "confirmation-code", "estimated-wait",
    ];

    private static readonly string[] TemplateIds = ["appointment-reminder", "balance-due", "confirmation-code", "estimated-wait"];

    [Fact]
    public void Load_ShippedSample_HasNoErrorsAndNoWarnings()
    {
        Assert.Empty(Sample.Diagnostics.Select(diagnostic => diagnostic.ToString()));
        Assert.NotNull(Sample.Library);
        Assert.Equal("Northwind Dental", Sample.Library.Name);
    }

    [Fact]
    public void Load_ShippedSample_HasEveryPromptInBothLanguages()
    {
        Assert.Equal(["en-US", "es-US"], Library.Languages);
        foreach (string language in Library.Languages)
        {
            string[] ids = Library.Prompts.Where(prompt => prompt.Language == language).Select(prompt => prompt.Id).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(RequiredPromptIds.Order(StringComparer.Ordinal), ids);
        }
    }

    [Fact]
    public void GetPrompt_EnglishMainMenu_TakesFileAndLibraryDefaults()
    {
        LibraryPrompt prompt = Library.GetPrompt("en-US", "main-menu");

        Assert.Equal("Kore", prompt.Voice);
        Assert.Equal("en-US", prompt.Language);
        Assert.Equal("gemini-3.1-flash-tts", prompt.Model);
        Assert.Equal(1.0, prompt.Temperature);
        Assert.Equal("Speak warmly and clearly, at a calm, unhurried pace, like a friendly dental receptionist", prompt.Style);
        Assert.Equal(MasteringOptions.Default, prompt.Mastering);
        Assert.Empty(prompt.Speakers);
        Assert.StartsWith("For appointments, press 1 or say appointments. For billing", prompt.Text, StringComparison.Ordinal);
        Assert.EndsWith("To hear these options again, press 9.", prompt.Text, StringComparison.Ordinal);
        Assert.Equal(Path.Join(TempLibrary.SampleFolder, "en-US.yaml"), prompt.Location.File);
    }

    [Fact]
    public void GetPrompt_SpanishMainMenu_TakesItsFileVoiceAndStyle()
    {
        LibraryPrompt prompt = Library.GetPrompt("es-US", "main-menu");

        Assert.Equal("Aoede", prompt.Voice);
        Assert.Equal("es-US", prompt.Language);
        Assert.StartsWith("Habla con calidez", prompt.Style, StringComparison.Ordinal);
        Assert.Equal(1.0, prompt.Temperature);
    }

    [Fact]
    public void Spec_TwoSpeakerHoldTips_CarriesSpeakersAndFirstVoice()
    {
        PromptSpec spec = Library.GetPrompt("en-US", "hold-tips").Spec;

        Assert.Equal([new TtsSpeaker("Maya", "Kore"), new TtsSpeaker("Leo", "Puck")], spec.Speakers);
        Assert.Equal("Kore", spec.Voice);
        Assert.Equal("Friendly and relaxed, like two colleagues chatting", spec.Style);
        // The same form the service gives a prompt it renders with default mastering, so both share one cache entry.
        Assert.Equal(MasteringOptions.Default.CanonicalForm(), spec.Mastering.CanonicalForm());
        Assert.Equal("en-US", spec.Language);
        Assert.Equal("gemini-3.1-flash-tts", spec.Model);
        Assert.Equal(1.0, spec.Temperature);
        // The literal block keeps one turn per line, which is how the model tells the speakers apart.
        Assert.Equal(3, spec.Text.Split('\n').Length);
        Assert.StartsWith("Maya: While you wait", spec.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void MainFlow_Entry_IsTheLanguageMenuPlayingBothLanguagesFixed()
    {
        Assert.True(Library.TryGetFlow("main", out CallFlow? flow));
        Assert.Equal(["en-US", "es-US"], flow.Languages);
        Assert.Equal("en-US", flow.EntryLanguage);
        Assert.Equal("language", flow.EntryMenu.Id);
        Assert.Equal([new PromptReference("language-select", "en-US"), new PromptReference("language-select", "es-US")], flow.EntryMenu.Play);
        Assert.Equal(MenuInput.Dtmf | MenuInput.Speech, flow.EntryMenu.Input);
        Assert.Equal(4, flow.EntryMenu.TimeoutSeconds);
        Assert.Equal(["language", "main", "billing"], flow.Menus.Select(menu => menu.Id));
    }

    [Fact]
    public void MainFlow_PressTwoInLanguageMenu_GoesToMainInSpanish()
    {
        CallFlow flow = Flow("main");

        MenuChoice? choice = flow.EntryMenu.Match("2", null, flow.EntryLanguage);

        GoToMenuAction action = Assert.IsType<GoToMenuAction>(choice?.Action);
        Assert.Equal("main", action.MenuId);
        Assert.Equal("es-US", action.Language);
        Assert.Equal("Para español, oprima el 2 o diga español.", Library.GetPrompt(flow.EntryMenu.Play[1], "en-US").Text);
    }

    [Fact]
    public void MainFlow_MainMenu_HasDialAnnouncementGotoAndReturn()
    {
        FlowMenu main = Menu("main", "main");

        DialAction appointments = Assert.IsType<DialAction>(main.Match("1", null, "en-US")?.Action);
        Assert.Equal("+15035550141", appointments.Number);
        Assert.Equal([new PromptReference("transfer-scheduling")], appointments.Announce);
        Assert.Equal("billing", Assert.IsType<GoToMenuAction>(main.Match("2", null, "en-US")?.Action).MenuId);
        ReturnToMenuAction hours = Assert.IsType<ReturnToMenuAction>(main.Match("3", null, "en-US")?.Action);
        Assert.Equal([new PromptReference("business-hours")], hours.Announce);
        Assert.Equal(1, main.NumDigits);
        Assert.Equal(6, main.TimeoutSeconds);
    }

    [Fact]
    public void MainFlow_MainMenuSilence_PlaysNoInputTwiceThenSaysGoodbyeAndHangsUp()
    {
        FlowMenu main = Menu("main", "main");

        Assert.Equal([new PromptReference("no-input")], main.NoInput.Play);
        Assert.Equal(2, main.NoInput.Retries);
        HangUpAction then = Assert.IsType<HangUpAction>(main.NoInput.Then);
        Assert.Equal([new PromptReference("goodbye")], then.Announce);
        Assert.IsType<DialAction>(main.Invalid.Then);
    }

    [Theory]
    [InlineData("en-US", "Billing.", "billing")]
    [InlineData("en-US", "I need to talk to the front desk please", "front desk")]
    [InlineData("es-US", "Facturacion", "billing")]
    [InlineData("es-US", "quiero hacer una cita", "appointments")]
    public void MainMenu_SpeechAnswer_SelectsTheChoiceWhosePhraseWasSaid(string language, string heard, string expected)
    {
        FlowMenu main = Menu("main", "main");
        MenuChoice? choice = main.Match(null, heard, language);

        FlowAction action = Assert.IsAssignableFrom<FlowAction>(choice?.Action);
        string actual = action switch
        {
            GoToMenuAction { MenuId: "billing" } => "billing",
            DialAction { Number: "+15035550140" } => "front desk",
            DialAction { Number: "+15035550141" } => "appointments",
            _ => "other",
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void BillingMenu_PayMyBill_PrefersTheLongerPhraseOverBill()
    {
        FlowMenu billing = Menu("main", "billing");

        // "bill" (insurance questions) is inside "pay my bill" (card payment): the longer phrase is the caller's intent.
        RedirectAction action = Assert.IsType<RedirectAction>(billing.Match(null, "I want to pay my bill", "en-US")?.Action);
        Assert.Equal("https://pay.northwind-dental.example/twilio/voice/card-payment", action.Url);
        Assert.IsType<DialAction>(billing.Match(null, "a question about my bill", "en-US")?.Action);
        Assert.IsType<GoToMenuAction>(billing.Match("*", null, "en-US")?.Action);
    }

    [Fact]
    public void AfterHoursFlow_SharedLanguageMenu_LeadsToItsOwnMainMenu()
    {
        CallFlow flow = Flow("after-hours");

        GoToMenuAction toMain = Assert.IsType<GoToMenuAction>(flow.EntryMenu.Match("1", null, "en-US")?.Action);
        Assert.True(flow.TryGetMenu(toMain.MenuId, out FlowMenu? main));
        Assert.Equal([new PromptReference("after-hours")], main.Play);
        Assert.Equal(MenuInput.Dtmf, main.Input);
        Assert.Equal("+15035550199", Assert.IsType<DialAction>(main.Match("1", null, "en-US")?.Action).Number);
        Assert.Null(main.Match(null, "emergency", "en-US"));
    }

    [Fact]
    public void Flows_EveryPromptTheyPlay_ExistsInEveryLanguageOfTheFlow()
    {
        foreach (CallFlow flow in Library.Flows)
        {
            foreach (string language in flow.Languages)
            {
                foreach (FlowMenu menu in flow.Menus)
                {
                    IEnumerable<PromptReference> references = menu.Play
                        .Concat(menu.NoInput.Play).Concat(menu.NoInput.Then.Announce)
                        .Concat(menu.Invalid.Play).Concat(menu.Invalid.Then.Announce)
                        .Concat(menu.Choices.SelectMany(choice => choice.Action.Announce));
                    foreach (PromptReference reference in references)
                    {
                        Assert.True(Library.TryGetPrompt(reference.LanguageFor(language), reference.Id, out _), $"{flow.Name}/{menu.Id}: {reference} in {language}");
                    }
                }
            }
        }
    }

    private static CallFlow Flow(string name) =>
        Library.TryGetFlow(name, out CallFlow? flow) ? flow : throw new InvalidOperationException($"no flow {name}");

    private static FlowMenu Menu(string flow, string menu) =>
        Flow(flow).TryGetMenu(menu, out FlowMenu? found) ? found : throw new InvalidOperationException($"no menu {menu}");

    [Fact]
    public void Load_ShippedSample_TemplatesInBothLanguagesComposeWithRealisticValues()
    {
        Dictionary<string, Dictionary<string, string>> values = new()
        {
            ["appointment-reminder"] = new() { ["day"] = "2026-12-03", ["start"] = "15:05" },
            ["balance-due"] = new() { ["amount"] = "125.40", ["due"] = "2026-12-15" },
            ["confirmation-code"] = new() { ["code"] = "NW4K7Q" },
            ["estimated-wait"] = new() { ["minutes"] = "5" },
        };
        foreach (string language in Library.Languages)
        {
            string[] templates = [.. Library.Prompts.Where(p => p.Language == language && p.IsTemplate).Select(p => p.Id).Order(StringComparer.Ordinal)];
            Assert.Equal(TemplateIds, templates);
            foreach (string id in TemplateIds)
            {
                LibraryPrompt prompt = Library.GetPrompt(language, id);
                ComposedAnnouncement said = TemplateComposer.Compose(prompt.Template!, values[id], language, new DateOnly(2026, 12, 1));
                Assert.False(said.RenderOnly, $"{language}/{id}");
                Assert.DoesNotContain("{", said.Spoken, StringComparison.Ordinal);
            }
        }

        Assert.Equal(AnnouncementStrategy.Join, Library.GetPrompt("en-US", "confirmation-code").Strategy);
        Assert.Equal(AnnouncementStrategy.Auto, Library.GetPrompt("es-US", "appointment-reminder").Strategy);
        Assert.Equal(
            "Le llama Northwind Dental para recordarle su cita del jueves tres de diciembre a las tres y cinco de la tarde.",
            TemplateComposer.Compose(Library.GetPrompt("es-US", "appointment-reminder").Template!, values["appointment-reminder"], "es-US", new DateOnly(2026, 12, 1)).Spoken);
    }

    [Fact]
    public void TryGetFlow_Reminders_AnnouncesTheReminderWithValuesFromTheWebhookUrl()
    {
        foreach ((string name, string language) in new[] { ("reminders", "en-US"), ("reminders-es", "es-US") })
        {
            Assert.True(Library.TryGetFlow(name, out CallFlow? flow));
            Assert.Equal([language], flow.Languages);
            PromptReference reminder = flow.EntryMenu.Play[0];
            Assert.Equal("appointment-reminder", reminder.Id);
            Assert.Equal(CallValueSource.Query("day"), reminder.Values!["day"]);
            Assert.Equal(CallValueSource.Query("start"), reminder.Values["start"]);
            Assert.Equal("appointment-reminder-generic", reminder.Fallback);
            Assert.False(Library.GetPrompt(language, reminder.Fallback!).IsTemplate);
            Assert.Equal(new PromptReference("reminder-options"), flow.EntryMenu.Play[1]);
            Assert.IsType<HangUpAction>(flow.EntryMenu.Match("1", null, language)!.Action);
        }
    }
}
