using System.Text.RegularExpressions;
using IvrVoice.Library.Flows;
using IvrVoice.Library.Yaml;

namespace IvrVoice.Library.Loading;

/// <summary>Reads what a flow does: the prompts it plays, the step of a choice, and what a menu does on silence or a wrong answer.</summary>
internal sealed partial class FlowStepReader(DiagnosticBag diagnostics, FieldReader fields)
{
    private static readonly string[] RetryKeys = ["play", "retries", "then"];
    private static readonly string[] ThenKeys = ["announce", "playback", "goto", "language", "dial", "redirect", "hangup", "return"];
    private static readonly string[] StepKeys = ["goto", "dial", "redirect", "hangup", "return"];
    private static readonly string[] PlayItemKeys = ["prompt", "language", "values", "fallback"];

    private readonly DiagnosticBag _diagnostics = diagnostics;
    private readonly FieldReader _fields = fields;

    public MenuRetry? ReadRetry(YamlNode? node, string key, SourceLocation menuAt, FlowContext flow)
    {
        if (node is null)
        {
            return new MenuRetry([], MenuRetry.DefaultRetries, new HangUpAction([], menuAt));
        }

        if (_fields.AsMapping(node, $"'{key}'") is not { } map)
        {
            return null;
        }

        _fields.CheckKeys(map, $"'{key}'", RetryKeys);
        IReadOnlyList<PromptReference>? play = map["play"] is { } playNode ? ReadPlayList(playNode, "'play'", flow, allowEmpty: true) : [];
        int? retries = map["retries"] is { } retriesNode
            ? _fields.ReadInteger(retriesNode, "retries", 0, MenuRetry.MaxRetries)
            : MenuRetry.DefaultRetries;
        FlowAction? then = new HangUpAction([], map.Location);
        if (map["then"] is { } thenNode)
        {
            then = _fields.AsMapping(thenNode, "'then'") is { } thenMap ? ReadThen(thenMap, key, flow) : null;
        }

        return play is null || retries is null || then is null ? null : new MenuRetry(play, retries.Value, then);
    }

    private FlowAction? ReadThen(YamlMapping map, string key, FlowContext flow)
    {
        _fields.CheckKeys(map, $"the 'then' of {key}", ThenKeys);
        return ReadAction(map, $"the 'then' of {key}", allowReturn: false, flow);
    }

    /// <summary>Reads the announce list and the one step of a choice or of a retry's 'then'.</summary>
    public FlowAction? ReadAction(YamlMapping map, string context, bool allowReturn, FlowContext flow)
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

        MenuPlayback playback = ReadAnnouncePlayback(map);
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

        FlowAction? action = ReadStep(map, stepKey, value, announce, context, allowReturn, flow);
        if (action is not null)
        {
            action.Playback = playback;
        }

        return action;
    }

    // 'playback' beside 'announce': how the announcement plays (stream or play); the step that follows is unchanged.
    private MenuPlayback ReadAnnouncePlayback(YamlMapping map)
    {
        if (map["playback"] is not { } node)
        {
            return MenuPlayback.Default;
        }

        if (map["announce"] is null)
        {
            // The value is still checked, so a wrong one is reported with the misplaced key.
            _fields.ReadPlayback(node);
            _diagnostics.Error(node.Location, "'playback' goes with 'announce': it says how the announcement plays");
            return MenuPlayback.Default;
        }

        return _fields.ReadPlayback(node) ?? MenuPlayback.Default;
    }

    private FlowAction? ReadStep(
        YamlMapping map, YamlScalar stepKey, YamlNode value, IReadOnlyList<PromptReference> announce, string context, bool allowReturn, FlowContext flow)
    {
        switch (stepKey.Value)
        {
            case "goto":
                return ReadGoto(map, value, announce, flow);
            case "dial":
                if (_fields.RequiredText(value, "'dial'") is not { } number)
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
                if (_fields.RequiredText(value, "'redirect'") is not { } url)
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
                if (_fields.AsScalar(value, $"'{stepKey.Value}'") is not { } flag)
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
        string? target = _fields.ReadId(value, "menu id");
        string? language = null;
        bool valid = target is not null;
        if (target is not null)
        {
            flow.Gotos.Add(new(target, value.Location));
            flow.CurrentEdges.Add(target);
        }

        if (map["language"] is { } languageNode)
        {
            language = _fields.ReadLanguage(languageNode);
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
    public IReadOnlyList<PromptReference>? ReadPlayList(YamlNode node, string what, FlowContext flow, bool allowEmpty)
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
            YamlMapping? map = item as YamlMapping;
            flow.References.Add(new ReferenceCheck(reference, item.Location, flow.Languages)
            {
                ValuesAt = map?.KeyNode("values")?.Location,
                FallbackAt = map?["fallback"]?.Location,
            });
        }

        return valid ? references : null;
    }

    private PromptReference? ReadPlayItem(YamlNode item)
    {
        if (item is not YamlMapping map)
        {
            return _fields.ReadId(item, "prompt id") is { } id ? new PromptReference(id) : null;
        }

        _fields.CheckKeys(map, "a play item", PlayItemKeys);
        if (map["prompt"] is not { } promptNode)
        {
            _diagnostics.Error(map.Location, "a play item needs a 'prompt'");
            return null;
        }

        string? promptId = _fields.ReadId(promptNode, "prompt id");
        string? language = map["language"] is { } languageNode ? _fields.ReadLanguage(languageNode) : null;
        IReadOnlyDictionary<string, CallValueSource>? values = map["values"] is { } valuesNode ? ReadValues(valuesNode) : null;
        string? fallback = map["fallback"] is { } fallbackNode ? _fields.ReadId(fallbackNode, "fallback prompt id") : null;
        if (map["fallback"] is { } given && map["values"] is null)
        {
            _diagnostics.Error(given.Location, "'fallback' goes with 'values': it is played when a template's values cannot be spoken");
            return null;
        }

        if (promptId is null || (map["language"] is not null && language is null)
            || (map["values"] is not null && values is null) || (map["fallback"] is not null && fallback is null))
        {
            return null;
        }

        return new PromptReference(promptId, language) { Values = values, Fallback = fallback };
    }

    /// <summary>Reads 'values': placeholder name to where in the call its value comes from.</summary>
    private Dictionary<string, CallValueSource>? ReadValues(YamlNode node)
    {
        if (_fields.AsMapping(node, "'values'") is not { } map)
        {
            return null;
        }

        if (map.Entries.Count == 0)
        {
            _diagnostics.Error(map.Location, "'values' is empty: give each placeholder of the template a source");
            return null;
        }

        Dictionary<string, CallValueSource> values = new(StringComparer.Ordinal);
        bool valid = true;
        foreach ((YamlScalar name, YamlNode sourceNode) in map.Entries)
        {
            if (!PlaceholderName().IsMatch(name.Value))
            {
                _diagnostics.Error(name.Location, $"{Show.Strict(name.Value)} is not a placeholder name: a letter, then letters, digits or '_'");
                valid = false;
                continue;
            }

            string? text = _fields.RequiredText(sourceNode, $"the source of '{name.Value}'");
            if (text is null)
            {
                valid = false;
            }
            else if (CallValueSource.TryParse(text, out CallValueSource? source))
            {
                values[name.Value] = source!;
            }
            else
            {
                _diagnostics.Error(sourceNode.Location,
                    $"the source of '{name.Value}' must be From, Digits, SpeechResult or query:<name> (a query parameter of the webhook URL), not {Show.Text(text)}");
                valid = false;
            }
        }

        return valid ? values : null;
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

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164Pattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderName();
}
