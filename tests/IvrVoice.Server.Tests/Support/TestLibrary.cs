namespace IvrVoice.Server.Tests.Support;

/// <summary>
/// A small prompt library written to a temp folder: one flow, <c>clinic</c>, in English and Spanish, with a choice of every kind
/// (another menu, a language switch, a dial, a redirect, replay) and retries on silence and on invalid answers.
/// </summary>
internal sealed class TestLibrary : LibraryFolder
{
    public const string Flow = "clinic";
    public const string WelcomeText = "Welcome to the test clinic. For billing, press 1 or say billing. For Spanish, press 2.";
    public const string WelcomeSpanishText = "Bienvenido a la clínica de prueba. Para facturación, oprima 1.";
    public const string BillingText = "For billing questions, stay on the line. To go back, press star.";
    public const string NoInputText = "Sorry, I did not hear anything.";
    public const string InvalidText = "Sorry, that is not one of the choices.";
    public const string TransferText = "Please hold while I connect you to the front desk.";
    public const string GoodbyeText = "Thank you for calling the test clinic. Goodbye!";
    public const string FrontDesk = "+15035550140";
    public const string RedirectTarget = "/twilio/voice/elsewhere";

    public TestLibrary()
        : base("ivrvoice-server-library-")
    {
        Write("library.yaml", """
            library:
              name: Test clinic
              defaults:
                model: gemini-3.1-flash-tts
            """);
        Write("en-US.yaml", $"""
            defaults:
              language: en-US
              voice: Kore
            prompts:
              - id: welcome
                text: {WelcomeText}
              - id: billing
                text: {BillingText}
              - id: no-input
                text: {NoInputText}
              - id: invalid
                text: {InvalidText}
              - id: transfer
                text: {TransferText}
              - id: goodbye
                text: {GoodbyeText}
            """);
        Write("es-US.yaml", $"""
            defaults:
              language: es-US
              voice: Puck
            prompts:
              - id: welcome
                text: {WelcomeSpanishText}
              - id: billing
                text: Para preguntas de facturación, espere en la línea.
              - id: no-input
                text: Disculpe, no escuché nada.
              - id: invalid
                text: Disculpe, esa no es una opción.
              - id: transfer
                text: Por favor, espere mientras le comunico con la recepción.
              - id: goodbye
                text: Gracias por llamar. Adiós.
            """);
        Write("flows.yaml", $$"""
            flows:
              {{Flow}}:
                languages: [en-US, es-US]
                entry: welcome
                menus:
                  welcome:
                    play: [welcome]
                    input: dtmf speech
                    timeout: 5
                    choices:
                      - digits: 1
                        speech:
                          en-US: [billing, pay my bill]
                          es-US: [facturación]
                        goto: billing
                      - digits: 2
                        speech: [español, Spanish]
                        goto: welcome
                        language: es-US
                      - digits: 0
                        announce: [transfer]
                        dial: "{{FrontDesk}}"
                      - digits: 8
                        announce: [goodbye]
                        redirect: {{RedirectTarget}}
                      - digits: 9
                        return: true
                    noInput:
                      play: [no-input]
                      retries: 1
                      then:
                        announce: [goodbye]
                        hangup: true
                    invalid:
                      play: [invalid]
                      retries: 1
                      then:
                        announce: [transfer]
                        dial: "{{FrontDesk}}"
                  billing:
                    play: [billing]
                    input: dtmf
                    choices:
                      - digits: "*"
                        goto: welcome
                    noInput:
                      retries: 0
                      then: { goto: welcome }
                    invalid:
                      retries: 0
                      then: { goto: welcome }
            """);
    }
}
