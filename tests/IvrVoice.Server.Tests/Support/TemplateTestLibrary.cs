namespace IvrVoice.Server.Tests.Support;

/// <summary>
/// A prompt library with templates: a balance (currency, strategy join), a debt (currency, auto), a code (digits, render),
/// a reminder (date and number, render), a note (free text) and a flow, <c>billing</c>, that announces the balance with the
/// amount from the webhook URL's query and, on an answer no choice matches, reads back the keys pressed.
/// </summary>
internal sealed class TemplateTestLibrary : LibraryFolder
{
    public const string Flow = "billing";
    public const string GenericBalanceText = "Your balance is available online.";
    public const string WelcomeText = "Press 1 to pay now.";

    public TemplateTestLibrary()
        : base("ivrvoice-server-templates-")
    {
        Write("library.yaml", """
            library:
              name: Template clinic
              defaults:
                model: gemini-3.1-flash-tts
            """);
        Write("en-US.yaml", $$"""
            defaults:
              language: en-US
              voice: Kore
            prompts:
              - id: balance
                text: "Your balance is {amount:currency(code=USD)}."
                strategy: join
              - id: debt
                text: "You owe {amount:currency(code=USD)}."
              - id: entered
                text: "You entered {code:digits}."
                strategy: render
              - id: reminder
                text: "Your visit is on {day:date} and you are number {position:number} in line."
                strategy: render
              - id: note
                text: "A note from the clinic: {note}"
              - id: balance-generic
                text: {{GenericBalanceText}}
              - id: welcome
                text: {{WelcomeText}}
              - id: thanks
                text: Thank you. Goodbye.
            """);
        Write("flows.yaml", $$"""
            flows:
              {{Flow}}:
                languages: [en-US]
                entry: main
                menus:
                  main:
                    play:
                      - prompt: balance
                        values:
                          amount: query:amount
                        fallback: balance-generic
                      - welcome
                    input: dtmf
                    numDigits: 4
                    choices:
                      - digits: 1
                        announce: [thanks]
                        hangup: true
                    noInput:
                      retries: 0
                      then: { hangup: true }
                    invalid:
                      retries: 0
                      then:
                        announce:
                          - prompt: entered
                            values:
                              code: Digits
                        hangup: true
            """);
    }
}
