namespace IvrVoice.Library.Tests;

/// <summary>
/// Broken libraries written to temp folders, each with the exact diagnostics expected (file, line, column, reason),
/// all reported by one load. Lines and columns below were counted by hand from the YAML in each case.
/// </summary>
public sealed class BrokenLibraryTests
{
    public static TheoryData<string> Cases => new(BrokenCases.Keys);

    private static readonly Dictionary<string, ((string Name, string Text)[] Files, string[] Expected)> BrokenCases = new()
    {
        ["prompt file with one problem per prompt"] = (
            [("en-US.yaml", """
                defaults:
                  language: en-US
                  voice: Kore
                  colour: blue
                prompts:
                  - id: main-menu
                    text: For billing, press 1.
                  - id: main-menu
                    text: Duplicate.
                  - id: Main-Menu
                    text: Upper case.
                  - id: empty
                    text: "   "
                  - id: unknown-voice
                    text: Hello.
                    voice: Koree
                  - id: no-text
                  - text: No id.
                  - id: too-warm
                    text: Warm.
                    temperature: 2.5
                """)],
            [
                "en-US.yaml:4:3: error: unknown key 'colour' in 'defaults'; expected voice, language, style, model, temperature, mastering",
                "en-US.yaml:8:9: error: duplicate prompt id 'main-menu' in en-US (first at en-US.yaml:6:9)",
                "en-US.yaml:10:9: error: prompt id 'Main-Menu' is not valid: it has upper-case letters (ids are lower case)",
                "en-US.yaml:13:11: error: prompt 'empty' has empty text",
                "en-US.yaml:16:12: error: unknown voice 'Koree' for model gemini-3.1-flash-tts; did you mean 'Kore'?",
                "en-US.yaml:17:5: error: prompt 'no-text' needs a 'text'",
                "en-US.yaml:18:5: error: a prompt needs an 'id'",
                "en-US.yaml:21:18: error: the temperature must be a number from 0 to 2, not '2.5'",
            ]),

        ["same id in two languages is fine, twice in one language across files is not"] = (
            [
                ("a/en.yaml", """
                    defaults: { language: en-US, voice: Kore }
                    prompts:
                      - { id: hello, text: Hello. }
                    """),
                ("b/es.yaml", """
                    defaults: { language: es-US, voice: Aoede }
                    prompts:
                      - { id: hello, text: Hola. }
                      - { id: english, text: Hello again., language: en-US }
                      - { id: hello, text: Hello twice., language: en-US }
                    """),
            ],
            [
                "b/es.yaml:5:11: error: duplicate prompt id 'hello' in en-US (first at a/en.yaml:3:11)",
            ]),

        ["settings: model, language, temperature, mastering and speakers"] = (
            [("en.yaml", """
                library:
                  name: Test
                  defaults:
                    model: gemini-3.8-flash-tts
                    temperature: 1.0
                    mastering: loud
                defaults:
                  language: en-us
                prompts:
                  - id: dialog
                    language: en-US
                    voice: Kore
                    text: |
                      Ana: Hello.
                      Ben: Hi.
                    speakers:
                      - { name: Ana, voice: Kore }
                      - { name: Cy, voice: Puck }
                  - id: trio
                    language: english
                    voice: Kore
                    text: One two three.
                    speakers: [{ name: A, voice: Kore }]
                  - id: preview
                    language: en-US
                    model: gemini-3.1-flash-tts-preview
                    voice: Kore
                    text: Hi.
                    mastering: { level: -50, gain: 2 }
                  - id: loud
                    language: en-US
                    voice: Kore
                    text: Loud.
                    mastering: { level: -6, ceiling: -10 }
                """)],
            [
                "en.yaml:5:18: error: model gemini-3.8-flash-tts takes no temperature; remove 'temperature'",
                "en.yaml:6:16: error: mastering must be on, off, or a mapping of settings (level, padding, ceiling, maxGain), not 'loud'",
                "en.yaml:8:13: error: language 'en-us' is not in canonical form; write 'en-US'",
                "en.yaml:12:12: error: prompt 'dialog' has speakers, which give its voices; remove 'voice'",
                "en.yaml:18:17: error: speaker 'Cy' labels no line of the text; start each of their lines with 'Cy:'",
                "en.yaml:20:15: error: language 'english' is not a BCP 47 tag like en-US or es-419",
                "en.yaml:21:12: error: prompt 'trio' has speakers, which give its voices; remove 'voice'",
                "en.yaml:23:15: error: a prompt has exactly two speakers or none, not 1",
                "en.yaml:26:12: error: unknown model 'gemini-3.1-flash-tts-preview'; known models: gemini-3.1-flash-tts, gemini-3.8-flash-tts, gemini-3.8-flash-lite-tts, espeak-ng",
                "en.yaml:29:25: error: the mastering level (dBFS) must be a number from -40 to -6, not '-50'",
                "en.yaml:29:30: error: unknown key 'gain' in 'mastering'; expected level, padding, ceiling, maxGain",
                "en.yaml:34:16: error: the mastering level (-6 dBFS) must be below the ceiling (-10 dBFS)",
            ]),

        ["text: over-long, control characters, placeholders; limits counted after collapsing white space"] = (
            [("en.yaml", $$"""
                defaults: { language: en-US, voice: Kore }
                prompts:
                  - id: long
                    text: {{new string('a', 2001)}}
                  - id: nul-char
                    text: "a\0b"
                  - id: placeholder
                    text: Your balance is {balance:money}.
                  - id: exactly-the-limit
                    text: {{new string('a', 2000)}}
                  - id: spaces-collapse
                    text: "a{{new string(' ', 50)}}{{new string('b', 1998)}}"
                  - id: emoji-count-once
                    text: {{string.Concat(Enumerable.Repeat("\U0001F600", 2000))}}
                  - id: one-emoji-too-many
                    text: {{string.Concat(Enumerable.Repeat("\U0001F600", 2001))}}
                """)],
            [
                "en.yaml:4:11: error: prompt 'long' text is 2,001 characters long; the limit is 2,000",
                "en.yaml:6:11: error: prompt 'nul-char' text contains the control character U+0000",
                "en.yaml:8:27: error: prompt 'placeholder': unknown type 'money' (known: text, number, ordinal, digits, currency, date, time, duration, spell)",
                "en.yaml:16:11: error: prompt 'one-emoji-too-many' text is 2,001 characters long; the limit is 2,000",
            ]),

        ["flows: missing prompts and menus, bad numbers and digits, steps, languages, unreachable menus"] = (
            [
                ("en.yaml", """
                    defaults:
                      language: en-US
                      voice: Kore
                    prompts:
                      - { id: welcome, text: Welcome. }
                      - { id: goodbye, text: Goodbye. }
                      - { id: only-english, text: English only. }
                    """),
                ("es.yaml", """
                    defaults: { language: es-US, voice: Aoede }
                    prompts:
                      - { id: welcome, text: Bienvenido. }
                      - { id: goodbye, text: Adiós. }
                    """),
                ("flows.yaml", """
                    flows:
                      main:
                        languages: [en-US, es-US]
                        entry: start
                        menus:
                          start:
                            play: [welcome, only-english, welcom]
                            choices:
                              - digits: 1
                                goto: billng
                              - digits: 1
                                dial: 555-0100
                              - digits: "#"
                                hangup: true
                              - digits: 2
                                goto: start
                                dial: "+15035550100"
                              - digits: 3
                              - digits: 4
                                speech: [help]
                                hangup: true
                            noInput:
                              then: { return: true }
                          billing:
                            play: [goodbye]
                            choices:
                              - digits: 1
                                hangup: true
                          orphan:
                            play: [goodbye]
                            choices:
                              - digits: 1
                                goto: start
                                language: fr-FR
                    """),
            ],
            [
                "flows.yaml:7:25: error: prompt 'only-english' is missing in es-US",
                "flows.yaml:7:39: error: unknown prompt 'welcom'; did you mean 'welcome'?",
                "flows.yaml:10:19: error: menu 'billng' is not defined in flow 'main'; did you mean 'billing'?",
                "flows.yaml:11:21: error: digits '1' are already used by the choice at line 9",
                "flows.yaml:12:19: error: dial number '555-0100' is not in E.164 form, like +15035550140",
                "flows.yaml:13:21: error: '#' ends a caller's input, so it cannot select a choice",
                "flows.yaml:17:13: error: a choice has both 'goto' and 'dial'; give it one step",
                "flows.yaml:18:13: error: a choice needs one of goto, dial, redirect, hangup or return",
                "flows.yaml:20:21: warning: menu 'start' listens for key presses only, so these speech phrases are ignored",
                "flows.yaml:23:19: error: 'return' cannot end the 'then' of noInput: the menu has run out of retries; use goto, dial, redirect or hangup",
                "flows.yaml:24:7: warning: menu 'billing' is never reached from the entry menu 'start'",
                "flows.yaml:29:7: warning: menu 'orphan' is never reached from the entry menu 'start'",
                "flows.yaml:34:23: error: language fr-FR is not a language of flow 'main' (en-US, es-US)",
            ]),

        ["flows: speech phrases, numDigits, input, redirects and flow structure"] = (
            [
                ("en.yaml", """
                    defaults: { language: en-US, voice: Kore }
                    prompts:
                      - { id: menu, text: Menu. }
                    """),
                ("flows.yaml", """
                    flows:
                      main:
                        languages: en-US
                        entry: start
                        menus:
                          start:
                            play: menu
                            input: dtmf speech
                            numDigits: 2
                            choices:
                              - digits: 123
                                speech: { en-US: [billing], fr-CA: [facturation] }
                                redirect: ftp://example.com/pay
                              - digits: 4
                                speech: [Billing!, help, HELP]
                                redirect: /twilio/voice/other
                              - digits: 56
                                speech: ["?!"]
                                redirect: //evil.example/x
                          speech-only:
                            play: [menu]
                            input: speech
                            timeout: 0
                            choices:
                              - digits: 1
                                hangup: true
                      nameless:
                        menus: {}
                      ../admin:
                        languages: [en-US, en-US]
                    """),
            ],
            [
                "flows.yaml:11:21: error: digits '123' are longer than numDigits (2), so they can never be entered",
                "flows.yaml:12:41: error: speech phrases for fr-CA, which is not a language of flow 'main' (en-US)",
                "flows.yaml:13:23: error: redirect must be an absolute http(s) URL or a path starting with '/', not 'ftp://example.com/pay'",
                "flows.yaml:14:21: warning: digits '4' are shorter than numDigits (2); callers must press '#' after them",
                "flows.yaml:15:22: error: speech phrase 'Billing!' is already used by the choice at line 11",
                "flows.yaml:15:38: error: speech phrase 'HELP' is listed twice in this choice",
                "flows.yaml:18:22: error: speech phrase '?!' has no letters or digits",
                "flows.yaml:19:23: error: redirect must be an absolute http(s) URL or a path starting with '/', not '//evil.example/x'",
                "flows.yaml:20:7: warning: menu 'speech-only' is never reached from the entry menu 'start'",
                "flows.yaml:23:18: error: the timeout (seconds) must be a whole number from 1 to 60, not '0'",
                "flows.yaml:25:13: error: this choice can never be selected: menu 'speech-only' listens for speech only",
                "flows.yaml:28:5: error: flow 'nameless' needs 'languages': the languages its calls can be in, the first being where a call starts",
                "flows.yaml:28:5: error: flow 'nameless' needs 'entry': the menu a call starts in",
                "flows.yaml:28:12: error: flow 'nameless' has no menus",
                "flows.yaml:29:3: error: flow name '../admin' is not valid: it contains '/' (allowed: a-z, 0-9, '-', '_', '.')",
                "flows.yaml:30:5: error: flow '../admin' needs 'menus'",
                "flows.yaml:30:5: error: flow '../admin' needs 'entry': the menu a call starts in",
                "flows.yaml:30:24: error: language 'en-US' is listed twice",
            ]),

        ["YAML problems in several files, each reported; references are not checked while a file does not parse"] = (
            [
                ("a.yaml", "prompts:\n\t- id: x\n"),
                ("b.yaml", """
                    flows:
                      main:
                        languages: en-US
                        entry: start
                        menus:
                          start:
                            play: nope
                            choices:
                              - digits: 1
                                hangup: true
                            timout: 3
                    """),
                ("c.yml", """
                    defaults: { language: en-US, voice: Kore }
                    prompts:
                      - id: x
                        text: A
                        text: B
                    """),
                ("d.yaml", "defaults: {}\n---\nprompts: []\n"),
                ("e.yaml", "defaults:\n  voice: *kore\n"),
                ("f.yaml", "# nothing but a comment\n"),
                ("g.yaml", "- a list\n- at the top\n"),
                ("notes.txt", "not: [a library file"),
            ],
            [
                // YamlDotNet's own words; it places a bad indentation at the start of the mapping.
                "a.yaml:1:1: error: YAML syntax: While scanning a mapping, found invalid tab as indentation.",
                "b.yaml:11:9: error: unknown key 'timout' in a menu; did you mean 'timeout'?",
                "c.yml:5:5: error: duplicate key 'text' (first at line 4)",
                "d.yaml:2:1: error: a library file holds one YAML document; split this one at '---' into separate files",
                "e.yaml:2:10: error: unknown alias '*kore': define the anchor '&kore' before using it",
                "f.yaml: warning: the file is empty",
                "g.yaml:1:1: error: a library file must be a mapping, not a list",
            ]),

        ["the same flow name in two files"] = (
            [
                ("en.yaml", "defaults: { language: en-US, voice: Kore }\nprompts:\n  - { id: hi, text: Hi. }\n"),
                ("one.yaml", "flows:\n  main: { languages: en-US, entry: a, menus: { a: { play: hi, choices: [{ digits: 1, hangup: true }] } } }\n"),
                ("two.yaml", "flows:\n  main: { languages: en-US, entry: b, menus: { b: { play: hi, choices: [{ digits: 1, hangup: true }] } } }\n"),
            ],
            ["two.yaml:2:3: error: duplicate flow name 'main' (first at one.yaml:2:3)"]),

        ["library settings declared twice"] = (
            [("a.yaml", "library: { name: A }\n"), ("b.yaml", "library: { name: B }\n")],
            ["b.yaml:1:10: error: 'library' is already declared at a.yaml:1:10; a library has one"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_BrokenLibrary_ReportsEveryProblemAtOnce(string name)
    {
        ((string Name, string Text)[] files, string[] expected) = BrokenCases[name];
        using TempLibrary library = new(files);

        LibraryLoadResult result = library.Load();

        Assert.Equal(expected, library.Render(result));
        Assert.Equal(expected.Any(line => line.Contains(": error: ", StringComparison.Ordinal)), result.HasErrors);
        Assert.Equal(result.HasErrors, result.Library is null);
    }
}
