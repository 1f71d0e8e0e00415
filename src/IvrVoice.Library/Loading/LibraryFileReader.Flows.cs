using System.Text.RegularExpressions;
using IvrVoice.Library.Flows;
using IvrVoice.Library.Yaml;

namespace IvrVoice.Library.Loading;

internal sealed partial class LibraryFileReader
{
    private const int MaxPhraseLength = 100;
    private static readonly string[] FlowKeys = ["languages", "entry", "menus", "notes"];
    private static readonly string[] MenuKeys = ["play", "input", "timeout", "numDigits", "choices", "noInput", "invalid", "notes"];
    private static readonly string[] ChoiceKeys = ["digits", "speech", "announce", "goto", "language", "dial", "redirect", "hangup", "return"];
    private static readonly string[] RetryKeys = ["play", "retries", "then"];
    private static readonly string[] ThenKeys = ["announce", "goto", "language", "dial", "redirect", "hangup", "return"];
    private static readonly string[] StepKeys = ["goto", "dial", "redirect", "hangup", "return"];
    private static readonly string[] PlayItemKeys = ["prompt", "language"];

    private void ReadFlow(YamlScalar nameNode, YamlNode node)
    {
        int errorsBefore = _diagnostics.ErrorCount;
        string? name = ReadId(nameNode, "flow name");
        FlowContext flow = new(name ?? nameNode.Value);
        FlowDraft? draft = name is null ? null : new FlowDraft { Name = new(name, nameNode.Location) };
        if (draft is not null)
        {
            _file.Flows.Add(draft);
        }

        if (AsMapping(node, $"flow {Show.Strict(flow.Name)}") is not { } map)
        {
            return;
        }

        CheckKeys(map, "a flow", FlowKeys);
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
        else if (AsMapping(menusNode, "'menus'") is { } menusMap)
        {
            if (menusMap.Entries.Count == 0)
            {
                _diagnostics.Error(menusMap.Location, $"flow '{flow.Name}' has no menus");
            }

            foreach ((YamlScalar idNode, YamlNode menuNode) in menusMap.Entries)
            {
                string? id = ReadId(idNode, "menu id");
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
        else if (ReadId(entryNode, "menu id") is { } entryId)
        {
            flow.Gotos.Add(new(entryId, entryNode.Location));
            entry = entryId;
        }

        foreach (Located<string> target in flow.Gotos.Where(target => !menuIds.ContainsKey(target.Value)))
        {
            string? closest = Suggestions.Closest(target.Value, menuIds.Keys);
            _diagnostics.Error(target.At, closest is null
                ? $"menu '{target.Value}' is not defined in flow '{flow.Name}'"
                : $"menu '{target.Value}' is not defined in flow '{flow.Name}'; did you mean '{closest}'?");
        }

        if (entry is not null && menuIds.ContainsKey(entry))
        {
            WarnUnreachable(flow, entry, menuIds);
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
            if (ReadLanguage(item) is not { } language)
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

    private void WarnUnreachable(FlowContext flow, string entry, Dictionary<string, SourceLocation> menuIds)
    {
        HashSet<string> reached = [entry];
        Queue<string> pending = new([entry]);
        while (pending.TryDequeue(out string? menu))
        {
            foreach (string next in flow.Edges.GetValueOrDefault(menu) ?? [])
            {
                if (reached.Add(next))
                {
                    pending.Enqueue(next);
                }
            }
        }

        foreach ((string id, SourceLocation at) in menuIds.Where(menu => !reached.Contains(menu.Key)))
        {
            _diagnostics.Warning(at, $"menu '{id}' is never reached from the entry menu '{entry}'");
        }
    }

    private FlowMenu? ReadMenu(string id, YamlNode node, FlowContext flow)
    {
        if (AsMapping(node, $"menu {Show.Strict(id)}") is not { } map)
        {
            return null;
        }

        CheckKeys(map, "a menu", MenuKeys);
        IReadOnlyList<PromptReference>? play = null;
        if (map["play"] is not { } playNode)
        {
            _diagnostics.Error(map.Location, $"menu '{id}' needs 'play': the prompts it plays while waiting for an answer");
        }
        else
        {
            play = ReadPlayList(playNode, "'play'", flow, allowEmpty: false);
        }

        MenuInput input = map["input"] is { } inputNode ? ReadInput(inputNode) ?? MenuInput.Dtmf : MenuInput.Dtmf;
        int timeout = map["timeout"] is { } timeoutNode
            ? ReadInteger(timeoutNode, "the timeout (seconds)", 1, FlowMenu.MaxTimeoutSeconds) ?? FlowMenu.DefaultTimeoutSeconds
            : FlowMenu.DefaultTimeoutSeconds;
        int? numDigits = map["numDigits"] is { } numDigitsNode ? ReadInteger(numDigitsNode, "numDigits", 1, FlowMenu.MaxDigits) : null;

        List<ChoiceRead> choices = [];
        if (map["choices"] is not { } choicesNode)
        {
            _diagnostics.Error(map.Location, $"menu '{id}' needs 'choices'");
        }
        else if (AsSequence(choicesNode, "'choices'") is { } choiceList)
        {
            if (choiceList.Items.Count == 0)
            {
                _diagnostics.Error(choiceList.Location, $"menu '{id}' has no choices");
            }

            foreach (YamlNode item in choiceList.Items)
            {
                if (AsMapping(item, "a choice") is { } choiceMap)
                {
                    choices.Add(ReadChoice(choiceMap, flow));
                }
            }
        }

        MenuRetry? noInput = ReadRetry(map["noInput"], "noInput", map.Location, flow);
        MenuRetry? invalid = ReadRetry(map["invalid"], "invalid", map.Location, flow);
        int effectiveDigits = numDigits ?? choices.Select(choice => choice.Digits?.Value.Length ?? 0).DefaultIfEmpty(0).Max();
        CheckChoices(id, input, numDigits, choices, flow);

        if (play is null || noInput is null || invalid is null || choices.Any(choice => choice.Choice is null))
        {
            return null;
        }

        string? notes = map["notes"] is YamlScalar { IsNull: false } notesNode ? notesNode.Value.Trim() : null;
        return new FlowMenu(
            id, play, input, timeout, Math.Max(1, effectiveDigits), choices.Select(choice => choice.Choice!).ToArray(), noInput, invalid, notes, map.Location);
    }

    private MenuInput? ReadInput(YamlNode node)
    {
        if (RequiredText(node, "'input'") is not { } text)
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
        CheckKeys(map, "a choice", ChoiceKeys);
        ChoiceRead read = new(map.Location);
        if (map["digits"] is { } digitsNode && AsScalar(digitsNode, "'digits'") is { } digits)
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

        FlowAction? action = ReadAction(map, "a choice", allowReturn: true, flow);
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
            if (ReadLanguage(languageNode) is not { } language)
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
            if (RequiredText(item, "a speech phrase") is not { } phrase)
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

    private void CheckChoices(string menuId, MenuInput input, int? numDigits, List<ChoiceRead> choices, FlowContext flow)
    {
        bool dtmf = (input & MenuInput.Dtmf) != 0;
        bool speech = (input & MenuInput.Speech) != 0;
        Dictionary<string, ChoiceRead> digitsSeen = new(StringComparer.Ordinal);
        foreach (ChoiceRead choice in choices)
        {
            bool hasSpeech = choice.SpeechAt is not null;
            if (choice.Digits is null && !hasSpeech)
            {
                continue;
            }

            if (!(choice.Digits is not null && dtmf) && !(hasSpeech && speech))
            {
                _diagnostics.Error(choice.At, $"this choice can never be selected: menu '{menuId}' listens for {(dtmf ? "key presses" : "speech")} only");
                continue;
            }

            if (choice.Digits is { } digits)
            {
                if (!dtmf)
                {
                    _diagnostics.Warning(digits.At, $"menu '{menuId}' listens for speech only, so these digits are ignored");
                }
                else if (digitsSeen.TryGetValue(digits.Value, out ChoiceRead? first))
                {
                    _diagnostics.Error(digits.At, $"digits '{digits.Value}' are already used by the choice at line {first.At.Line}");
                }
                else
                {
                    digitsSeen.Add(digits.Value, choice);
                    if (numDigits is { } limit && digits.Value.Length > limit)
                    {
                        _diagnostics.Error(digits.At, $"digits '{digits.Value}' are longer than numDigits ({limit}), so they can never be entered");
                    }
                    else if (numDigits is { } expected && digits.Value.Length < expected)
                    {
                        _diagnostics.Warning(digits.At, $"digits '{digits.Value}' are shorter than numDigits ({expected}); callers must press '#' after them");
                    }
                }
            }

            if (hasSpeech && !speech)
            {
                _diagnostics.Warning(choice.SpeechAt!.Value, $"menu '{menuId}' listens for key presses only, so these speech phrases are ignored");
            }
            else if (hasSpeech && choice.PhrasesByLanguage.Count > 0)
            {
                foreach (string language in flow.Languages.Where(language => !choice.PhrasesByLanguage.ContainsKey(language)))
                {
                    _diagnostics.Warning(choice.SpeechAt!.Value, $"this choice has no speech phrases for {language}");
                }
            }
        }

        if (!speech)
        {
            return;
        }

        foreach (string language in flow.Languages)
        {
            Dictionary<string, ChoiceRead> phrasesSeen = new(StringComparer.Ordinal);
            foreach (ChoiceRead choice in choices)
            {
                IEnumerable<Located<string>> phrases = choice.PhrasesByLanguage.TryGetValue(language, out List<Located<string>>? own)
                    ? own
                    : choice.PhrasesForEveryLanguage;
                foreach (Located<string> phrase in phrases)
                {
                    string normalized = SpeechText.Normalize(phrase.Value);
                    if (!phrasesSeen.TryAdd(normalized, choice))
                    {
                        ChoiceRead first = phrasesSeen[normalized];
                        _diagnostics.Error(phrase.At, ReferenceEquals(first, choice)
                            ? $"speech phrase {Show.Text(phrase.Value)} is listed twice in this choice"
                            : $"speech phrase {Show.Text(phrase.Value)} is already used by the choice at line {first.At.Line}");
                    }
                }
            }
        }
    }

    private MenuRetry? ReadRetry(YamlNode? node, string key, SourceLocation menuAt, FlowContext flow)
    {
        if (node is null)
        {
            return new MenuRetry([], MenuRetry.DefaultRetries, new HangUpAction([], menuAt));
        }

        if (AsMapping(node, $"'{key}'") is not { } map)
        {
            return null;
        }

        CheckKeys(map, $"'{key}'", RetryKeys);
        IReadOnlyList<PromptReference>? play = map["play"] is { } playNode ? ReadPlayList(playNode, "'play'", flow, allowEmpty: true) : [];
        int? retries = map["retries"] is { } retriesNode
            ? ReadInteger(retriesNode, "retries", 0, MenuRetry.MaxRetries)
            : MenuRetry.DefaultRetries;
        FlowAction? then = new HangUpAction([], map.Location);
        if (map["then"] is { } thenNode)
        {
            then = AsMapping(thenNode, "'then'") is { } thenMap ? ReadThen(thenMap, key, flow) : null;
        }

        return play is null || retries is null || then is null ? null : new MenuRetry(play, retries.Value, then);
    }

    private FlowAction? ReadThen(YamlMapping map, string key, FlowContext flow)
    {
        CheckKeys(map, $"the 'then' of {key}", ThenKeys);
        return ReadAction(map, $"the 'then' of {key}", allowReturn: false, flow);
    }

    /// <summary>Reads the announce list and the one step of a choice or of a retry's 'then'.</summary>
    private FlowAction? ReadAction(YamlMapping map, string context, bool allowReturn, FlowContext flow)
    {
        IReadOnlyList<PromptReference>? announce = map["announce"] is { } announceNode
            ? ReadPlayList(announceNode, "'announce'", flow, allowEmpty: true)
            : [];
        KeyValuePair<YamlScalar, YamlNode>[] steps = map.Entries.Where(entry => StepKeys.Contains(entry.Key.Value)).ToArray();
        if (steps.Length == 0)
        {
            _diagnostics.Error(map.Location, allowReturn
                ? $"{context} needs one of goto, dial, redirect, hangup or return"
                : $"{context} needs one of goto, dial, redirect or hangup");
            return null;
        }

        if (steps.Length > 1)
        {
            _diagnostics.Error(steps[1].Key.Location, $"{context} has both '{steps[0].Key.Value}' and '{steps[1].Key.Value}'; give it one step");
            return null;
        }

        (YamlScalar stepKey, YamlNode value) = steps[0];
        if (map.KeyNode("language") is { } languageKey && stepKey.Value != "goto")
        {
            _diagnostics.Error(languageKey.Location, "'language' goes with 'goto' only");
            return null;
        }

        if (announce is null)
        {
            return null;
        }

        switch (stepKey.Value)
        {
            case "goto":
                return ReadGoto(map, value, announce, flow);
            case "dial":
                if (RequiredText(value, "'dial'") is not { } number)
                {
                    return null;
                }

                if (!E164Pattern().IsMatch(number))
                {
                    _diagnostics.Error(value.Location, $"dial number {Show.Text(number)} is not in E.164 form, like +15035550140");
                    return null;
                }

                return new DialAction(announce, stepKey.Location, number);
            case "redirect":
                if (RequiredText(value, "'redirect'") is not { } url)
                {
                    return null;
                }

                if (!IsRedirectTarget(url))
                {
                    _diagnostics.Error(value.Location, $"redirect must be an absolute http(s) URL or a path starting with '/', not {Show.Text(url)}");
                    return null;
                }

                return new RedirectAction(announce, stepKey.Location, url);
            case "return" when !allowReturn:
                _diagnostics.Error(stepKey.Location, $"'return' cannot end {context}: the menu has run out of retries; use goto, dial, redirect or hangup");
                return null;
            default:
                if (AsScalar(value, $"'{stepKey.Value}'") is not { } flag)
                {
                    return null;
                }

                if (!string.Equals(flag.Value, "true", StringComparison.OrdinalIgnoreCase))
                {
                    _diagnostics.Error(value.Location, $"'{stepKey.Value}' takes the value true");
                    return null;
                }

                return stepKey.Value == "hangup"
                    ? new HangUpAction(announce, stepKey.Location)
                    : new ReturnToMenuAction(announce, stepKey.Location);
        }
    }

    private GoToMenuAction? ReadGoto(YamlMapping map, YamlNode value, IReadOnlyList<PromptReference> announce, FlowContext flow)
    {
        string? target = ReadId(value, "menu id");
        string? language = null;
        bool valid = target is not null;
        if (target is not null)
        {
            flow.Gotos.Add(new(target, value.Location));
            flow.CurrentEdges.Add(target);
        }

        if (map["language"] is { } languageNode)
        {
            language = ReadLanguage(languageNode);
            if (language is not null && !flow.Languages.Contains(language))
            {
                _diagnostics.Error(languageNode.Location, $"language {language} is not a language of flow '{flow.Name}' ({Show.List(flow.Languages)})");
                language = null;
            }

            valid &= language is not null;
        }

        return valid ? new GoToMenuAction(announce, value.Location, target!, language) : null;
    }

    /// <summary>Reads a list of prompts to play (or a single one); each is checked against the library later.</summary>
    private IReadOnlyList<PromptReference>? ReadPlayList(YamlNode node, string what, FlowContext flow, bool allowEmpty)
    {
        if (node is YamlInvalid)
        {
            return null;
        }

        IReadOnlyList<YamlNode> items = node switch
        {
            YamlSequence sequence => sequence.Items,
            YamlScalar { IsNull: true } => [],
            _ => [node],
        };
        if (items.Count == 0 && !allowEmpty)
        {
            _diagnostics.Error(node.Location, $"{what} is empty");
            return null;
        }

        List<PromptReference> references = [];
        bool valid = true;
        foreach (YamlNode item in items)
        {
            PromptReference? reference = ReadPlayItem(item);
            if (reference is null)
            {
                valid = false;
                continue;
            }

            references.Add(reference);
            flow.References.Add(new ReferenceCheck(reference, item.Location, flow.Languages));
        }

        return valid ? references : null;
    }

    private PromptReference? ReadPlayItem(YamlNode item)
    {
        if (item is not YamlMapping map)
        {
            return ReadId(item, "prompt id") is { } id ? new PromptReference(id) : null;
        }

        CheckKeys(map, "a play item", PlayItemKeys);
        if (map["prompt"] is not { } promptNode)
        {
            _diagnostics.Error(map.Location, "a play item needs a 'prompt'");
            return null;
        }

        string? promptId = ReadId(promptNode, "prompt id");
        string? language = map["language"] is { } languageNode ? ReadLanguage(languageNode) : null;
        if (promptId is null || (map["language"] is not null && language is null))
        {
            return null;
        }

        return new PromptReference(promptId, language);
    }

    private static bool IsRedirectTarget(string url)
    {
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\'))
        {
            return false;
        }

        // A path is resolved against the service's public base URL; "//host" would leave it.
        if (url.StartsWith('/'))
        {
            return !url.StartsWith("//", StringComparison.Ordinal);
        }

        return Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
            && uri.Scheme is "https" or "http"
            && uri.UserInfo.Length == 0
            && uri.Host.Length > 0;
    }

    [GeneratedRegex(@"^[0-9*]{1,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DigitsPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164Pattern();

    /// <summary>What a flow has collected so far while its menus are read.</summary>
    private sealed class FlowContext(string name)
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> Languages { get; set; } = [];

        /// <summary>Every menu id a goto or the entry names, to be checked once all menus are known.</summary>
        public List<Located<string>> Gotos { get; } = [];

        /// <summary>Menu to the menus its actions go to, to find menus no call can reach.</summary>
        public Dictionary<string, List<string>> Edges { get; } = new(StringComparer.Ordinal);

        public List<string> CurrentEdges { get; set; } = [];

        public List<ReferenceCheck> References { get; } = [];
    }

    private sealed class ChoiceRead(SourceLocation at)
    {
        public SourceLocation At { get; } = at;

        public Located<string>? Digits { get; set; }

        public SourceLocation? SpeechAt { get; set; }

        public List<Located<string>> PhrasesForEveryLanguage { get; } = [];

        public Dictionary<string, List<Located<string>>> PhrasesByLanguage { get; } = new(StringComparer.Ordinal);

        public MenuChoice? Choice { get; set; }
    }
}
