using IvrVoice.Library.Flows;

namespace IvrVoice.Library.Loading;

/// <summary>The checks of a flow that need more than one value: menus named but not defined or never reached, choices that collide or can never be selected.</summary>
internal sealed class FlowValidator(DiagnosticBag diagnostics)
{
    private readonly DiagnosticBag _diagnostics = diagnostics;

    /// <summary>Every menu a goto or the entry names must be a menu of the flow.</summary>
    public void CheckGotos(FlowContext flow, Dictionary<string, SourceLocation> menuIds)
    {
    foreach (Located<string> target in flow.Gotos.Where(target => !menuIds.ContainsKey(target.Value)))
    {
        string? closest = Suggestions.Closest(target.Value, menuIds.Keys);
        _diagnostics.Error(target.At, closest is null
            ? $"menu '{target.Value}' is not defined in flow '{flow.Name}'"
            : $"menu '{target.Value}' is not defined in flow '{flow.Name}'; did you mean '{closest}'?");
    }
    }

    public void WarnUnreachable(FlowContext flow, string entry, Dictionary<string, SourceLocation> menuIds)
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

    public void CheckChoices(string menuId, MenuInput input, int? numDigits, List<ChoiceRead> choices, FlowContext flow)
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
}
