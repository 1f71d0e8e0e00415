using System.Text.RegularExpressions;
using IvrVoice.Library.Flows;
using IvrVoice.Library.Yaml;

namespace IvrVoice.Library.Loading;

/// <summary>Reads one call flow of a file: its languages, entry and menus, and each menu's choices and speech phrases.</summary>
internal sealed partial class FlowReader(DiagnosticBag diagnostics, FieldReader fields)
{
    private const int MaxPhraseLength = 100;
    private static readonly string[] FlowKeys = ["languages", "entry", "menus", "notes"];
    private static readonly string[] MenuKeys = ["play", "input", "timeout", "numDigits", "choices", "noInput", "invalid", "notes", "playback"];
    private static readonly string[] ChoiceKeys = ["digits", "speech", "announce", "playback", "goto", "language", "dial", "redirect", "hangup", "return"];

    private readonly DiagnosticBag _diagnostics = diagnostics;
    private readonly FieldReader _fields = fields;
    private readonly FlowStepReader _steps = new(diagnostics, fields);
    private readonly FlowValidator _validator = new(diagnostics);

    public void Read(FileDraft file, YamlScalar nameNode, YamlNode node)
    {
        int errorsBefore = _diagnostics.ErrorCount;
        string? name = _fields.ReadId(nameNode, "flow name");
        FlowContext flow = new(name ?? nameNode.Value);
        FlowDraft? draft = name is null ? null : new FlowDraft { Name = new(name, nameNode.Location) };
        if (draft is not null)
        {
            file.Flows.Add(draft);
        }

        if (_fields.AsMapping(node, $"flow {Show.Strict(flow.Name)}") is not { } map)
        {
            return;
        }

        _fields.CheckKeys(map, "a flow", FlowKeys);
        flow.Languages = map["languages"] is { } languagesNode ? ReadFlowLanguages(languagesNode) : [];
        if (map["languages"] is null)
        {
            _diagnostics.Error(map.Location, $"flow '{flow.Name}' needs 'languages': the languages its calls can be in, the first being where a call starts");
        }

        List<FlowMenu?> menus = [];
        Dictionary<string, SourceLocation> menuIds = new(StringComparer.Ordinal);
        if (map["menus"] is not { } menusNode)
        {
            _diagnostics.Error(map.Location, $"flow '{flow.Name}' needs 'menus'");
        }
        else if (_fields.AsMapping(menusNode, "'menus'") is { } menusMap)
        {
            if (menusMap.Entries.Count == 0)
            {
                _diagnostics.Error(menusMap.Location, $"flow '{flow.Name}' has no menus");
            }

            foreach ((YamlScalar idNode, YamlNode menuNode) in menusMap.Entries)
            {
                string? id = _fields.ReadId(idNode, "menu id");
                if (id is not null)
                {
                    menuIds[id] = idNode.Location;
                }

                flow.CurrentEdges = id is null ? [] : flow.Edges[id] = [];
                menus.Add(ReadMenu(id ?? idNode.Value, menuNode, flow));
            }
        }

        string? entry = null;
        if (map["entry"] is not { } entryNode)
        {
            _diagnostics.Error(map.Location, $"flow '{flow.Name}' needs 'entry': the menu a call starts in");
        }
        else if (_fields.ReadId(entryNode, "menu id") is { } entryId)
        {
            flow.Gotos.Add(new(entryId, entryNode.Location));
            entry = entryId;
        }

        _validator.CheckGotos(flow, menuIds);

        if (entry is not null && menuIds.ContainsKey(entry))
        {
            _validator.WarnUnreachable(flow, entry, menuIds);
        }

        if (draft is not null)
        {
            draft.References.AddRange(flow.References);
            if (_diagnostics.ErrorCount == errorsBefore && entry is not null && menus.All(menu => menu is not null))
            {
                string? notes = map["notes"] is YamlScalar { IsNull: false } notesNode ? notesNode.Value.Trim() : null;
                draft.Flow = new CallFlow(flow.Name, flow.Languages, entry, menus.Select(menu => menu!).ToArray(), notes, nameNode.Location);
            }
        }
    }

    private List<string> ReadFlowLanguages(YamlNode node)
    {
        List<string> languages = [];
        IReadOnlyList<YamlNode> items = node is YamlSequence sequence ? sequence.Items : [node];
        foreach (YamlNode item in items)
        {
            if (_fields.ReadLanguage(item) is not { } language)
            {
                continue;
            }

            if (languages.Contains(language))
            {
                _diagnostics.Error(item.Location, $"language '{language}' is listed twice");
                continue;
            }

            languages.Add(language);
        }

        if (items.Count == 0)
        {
            _diagnostics.Error(node.Location, "'languages' is empty");
        }

        return languages;
    }

    private FlowMenu? ReadMenu(string id, YamlNode node, FlowContext flow)
    {
        if (_fields.AsMapping(node, $"menu {Show.Strict(id)}") is not { } map)
        {
            return null;
        }

        _fields.CheckKeys(map, "a menu", MenuKeys);
        IReadOnlyList<PromptReference>? play = null;
        if (map["play"] is not { } playNode)
        {
            _diagnostics.Error(map.Location, $"menu '{id}' needs 'play': the prompts it plays while waiting for an answer");
        }
        else
        {
            play = _steps.ReadPlayList(playNode, "'play'", flow, allowEmpty: false);
        }

        MenuInput input = map["input"] is { } inputNode ? ReadInput(inputNode) ?? MenuInput.Dtmf : MenuInput.Dtmf;
        int timeout = map["timeout"] is { } timeoutNode
            ? _fields.ReadInteger(timeoutNode, "the timeout (seconds)", 1, FlowMenu.MaxTimeoutSeconds) ?? FlowMenu.DefaultTimeoutSeconds
            : FlowMenu.DefaultTimeoutSeconds;
        int? numDigits = map["numDigits"] is { } numDigitsNode ? _fields.ReadInteger(numDigitsNode, "numDigits", 1, FlowMenu.MaxDigits) : null;

        List<ChoiceRead> choices = [];
        if (map["choices"] is not { } choicesNode)
        {
            _diagnostics.Error(map.Location, $"menu '{id}' needs 'choices'");
        }
        else if (_fields.AsSequence(choicesNode, "'choices'") is { } choiceList)
        {
            if (choiceList.Items.Count == 0)
            {
                _diagnostics.Error(choiceList.Location, $"menu '{id}' has no choices");
            }

            foreach (YamlNode item in choiceList.Items)
            {
                if (_fields.AsMapping(item, "a choice") is { } choiceMap)
                {
                    choices.Add(ReadChoice(choiceMap, flow));
                }
            }
        }

        MenuRetry? noInput = _steps.ReadRetry(map["noInput"], "noInput", map.Location, flow);
        MenuRetry? invalid = _steps.ReadRetry(map["invalid"], "invalid", map.Location, flow);
        int effectiveDigits = numDigits ?? choices.Select(choice => choice.Digits?.Value.Length ?? 0).DefaultIfEmpty(0).Max();
        _validator.CheckChoices(id, input, numDigits, choices, flow);

        if (play is null || noInput is null || invalid is null || choices.Any(choice => choice.Choice is null))
        {
            return null;
        }

        string? notes = map["notes"] is YamlScalar { IsNull: false } notesNode ? notesNode.Value.Trim() : null;
        MenuPlayback playback = ReadPlayback(map["playback"], id, input);
        return new FlowMenu(
            id, play, input, timeout, Math.Max(1, effectiveDigits), choices.Select(choice => choice.Choice!).ToArray(), noInput, invalid, notes, map.Location, playback);
    }

    // 'playback: stream' plays the menu over a Media Stream, which hears key presses (the first is a barge-in) and no speech:
    // a menu that takes speech keeps <Gather input="speech">, whose own prompts a caller may talk over.
    private MenuPlayback ReadPlayback(YamlNode? node, string id, MenuInput input)
    {
        MenuPlayback? playback = node is null ? null : _fields.ReadPlayback(node);
        if (playback == MenuPlayback.Stream && input != MenuInput.Dtmf)
        {
            _diagnostics.Error(node!.Location, $"menu '{id}' cannot stream: a streamed menu hears key presses, not speech (input: dtmf)");
            return MenuPlayback.Default;
        }

        return playback ?? MenuPlayback.Default;
    }

    private MenuInput? ReadInput(YamlNode node)
    {
        if (_fields.RequiredText(node, "'input'") is not { } text)
        {
            return null;
        }

        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        MenuInput input = 0;
        foreach (string word in words)
        {
            MenuInput flag = word switch
            {
                "dtmf" => MenuInput.Dtmf,
                "speech" => MenuInput.Speech,
                _ => 0,
            };
            if (flag == 0 || (input & flag) != 0)
            {
                _diagnostics.Error(node.Location, $"input must be 'dtmf', 'speech' or 'dtmf speech', not {Show.Text(text)}");
                return null;
            }

            input |= flag;
        }

        return input;
    }

    private ChoiceRead ReadChoice(YamlMapping map, FlowContext flow)
    {
        _fields.CheckKeys(map, "a choice", ChoiceKeys);
        ChoiceRead read = new(map.Location);
        if (map["digits"] is { } digitsNode && _fields.AsScalar(digitsNode, "'digits'") is { } digits)
        {
            if (DigitsPattern().IsMatch(digits.Value))
            {
                read.Digits = new(digits.Value, digitsNode.Location);
            }
            else
            {
                _diagnostics.Error(digitsNode.Location, digits.Value.Contains('#', StringComparison.Ordinal)
                    ? "'#' ends a caller's input, so it cannot select a choice"
                    : $"digits must be 1 to {FlowMenu.MaxDigits} keys from 0-9 and '*' (quote '*'), not {Show.Text(digits.Value)}");
            }
        }

        if (map["speech"] is { } speechNode)
        {
            read.SpeechAt = speechNode.Location;
            ReadSpeech(speechNode, read, flow);
        }

        FlowAction? action = _steps.ReadAction(map, "a choice", allowReturn: true, flow);
        if (map["digits"] is null && map["speech"] is null)
        {
            _diagnostics.Error(map.Location, "a choice needs 'digits', 'speech' or both");
        }

        if (action is not null)
        {
            read.Choice = new MenuChoice(
                read.Digits?.Value,
                read.PhrasesForEveryLanguage.Select(phrase => phrase.Value).ToArray(),
                read.PhrasesByLanguage.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value.Select(phrase => phrase.Value).ToArray(), StringComparer.Ordinal),
                action,
                map.Location);
        }

        return read;
    }

    private void ReadSpeech(YamlNode node, ChoiceRead read, FlowContext flow)
    {
        if (node is not YamlMapping byLanguage)
        {
            read.PhrasesForEveryLanguage.AddRange(ReadPhrases(node));
            return;
        }

        foreach ((YamlScalar languageNode, YamlNode phrases) in byLanguage.Entries)
        {
            if (_fields.ReadLanguage(languageNode) is not { } language)
            {
                continue;
            }

            if (!flow.Languages.Contains(language))
            {
                _diagnostics.Error(languageNode.Location, $"speech phrases for {language}, which is not a language of flow '{flow.Name}' ({Show.List(flow.Languages)})");
                continue;
            }

            read.PhrasesByLanguage[language] = ReadPhrases(phrases);
        }
    }

    private List<Located<string>> ReadPhrases(YamlNode node)
    {
        List<Located<string>> phrases = [];
        IReadOnlyList<YamlNode> items = node is YamlSequence sequence ? sequence.Items : [node];
        foreach (YamlNode item in items)
        {
            if (_fields.RequiredText(item, "a speech phrase") is not { } phrase)
            {
                continue;
            }

            if (phrase.Length > MaxPhraseLength)
            {
                _diagnostics.Error(item.Location, $"speech phrase {Show.Text(phrase)} is longer than {MaxPhraseLength} characters");
            }
            else if (SpeechText.Normalize(phrase).Length == 0)
            {
                _diagnostics.Error(item.Location, $"speech phrase {Show.Text(phrase)} has no letters or digits");
            }
            else
            {
                phrases.Add(new(phrase, item.Location));
            }
        }

        return phrases;
    }

    [GeneratedRegex(@"^[0-9*]{1,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DigitsPattern();
}
