using System.Text.RegularExpressions;
using IvrVoice.Library.Yaml;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Library.Loading;

/// <summary>Reads one prompt of a file: its id, text (a template when it has placeholders), settings, speakers and notes.</summary>
internal sealed class PromptReader(DiagnosticBag diagnostics, FieldReader fields, SettingsReader settings)
{
    private static readonly string[] PromptKeys = ["id", "text", "voice", "language", "style", "model", "temperature", "mastering", "speakers", "notes", "strategy"];
    private static readonly string[] SpeakerKeys = ["name", "voice"];
    private const int MaxSpeakerNameLength = 32;

    private readonly DiagnosticBag _diagnostics = diagnostics;
    private readonly FieldReader _fields = fields;
    private readonly SettingsReader _settings = settings;
    private readonly TemplateTextReader _templates = new(diagnostics, fields);

    public void Read(FileDraft file, YamlMapping prompt)
    {
        _fields.CheckKeys(prompt, "a prompt", PromptKeys);
        PromptDraft draft = new() { File = file, At = prompt.Location };
        file.Prompts.Add(draft);

        string label = "a prompt";
        if (prompt["id"] is not { } idNode)
        {
            _diagnostics.Error(prompt.Location, "a prompt needs an 'id'");
        }
        else if (_fields.ReadId(idNode, "prompt id") is { } id)
        {
            draft.Id = new(id, idNode.Location);
            label = $"prompt '{id}'";
        }

        if (prompt["text"] is not { } textNode)
        {
            _diagnostics.Error(prompt.Location, $"{label} needs a 'text'");
        }
        else if (ReadPromptText(textNode, label) is { } text)
        {
            draft.Text = new(text, textNode.Location);
            if (TemplateTextReader.HasBraces(text) && textNode is YamlScalar textScalar)
            {
                PromptTemplate? template = _templates.Read(textScalar, text, label);
                if (template is null)
                {
                    draft.Text = null;
                }
                else if (template.Placeholders.Count > 0)
                {
                    draft.Template = template;
                }
                else
                {
                    // Only doubled braces: plain text with literal braces.
                    draft.Text = new(string.Concat(template.Parts.OfType<TemplateLiteral>().Select(part => part.Text)), textNode.Location);
                }
            }
        }

        if (prompt["strategy"] is { } strategyNode && _templates.ReadStrategy(strategyNode) is { } strategy)
        {
            draft.Strategy = new(strategy, strategyNode.Location);
            if (draft.Text is not null && draft.Template is null)
            {
                _diagnostics.Error(strategyNode.Location, $"{label} has no placeholders; 'strategy' is for templates only");
            }
        }

        draft.Overrides = _settings.Read(prompt);

        if (prompt["speakers"] is { } speakers)
        {
            draft.SpeakersGiven = true;
            draft.Speakers = ReadSpeakers(speakers, draft.Text?.Value);
            if (draft.Template is not null)
            {
                _diagnostics.Error(prompt.KeyNode("speakers")!.Location, $"{label} is a template, spoken in one voice; remove 'speakers'");
            }

            if (prompt["voice"] is { } voice)
            {
                _diagnostics.Error(voice.Location, $"{label} has speakers, which give its voices; remove 'voice'");
            }
        }

        if (prompt["notes"] is { } notes && _fields.AsScalar(notes, "'notes'") is { } notesScalar && !notesScalar.IsNull)
        {
            draft.Notes = notesScalar.Value.Trim();
        }
    }

    private string? ReadPromptText(YamlNode node, string label)
    {
        if (_fields.AsScalar(node, "'text'") is not { } scalar)
        {
            return null;
        }

        string text = scalar.IsNull ? "" : scalar.Value.Trim();
        int length = NormalizedLength(text);
        if (length == 0)
        {
            _diagnostics.Error(node.Location, $"{label} has empty text");
            return null;
        }

        bool valid = true;
        if (length > LibraryRules.MaxTextLength)
        {
            _diagnostics.Error(node.Location, $"{label} text is {length:N0} characters long; the limit is {LibraryRules.MaxTextLength:N0}");
            valid = false;
        }

        int control = IndexOfControl(text);
        if (control >= 0)
        {
            _diagnostics.Error(node.Location, $"{label} text contains the control character U+{(int)text[control]:X4}");
            valid = false;
        }

        return valid ? text : null;
    }

    /// <summary>The first control character other than tab and line breaks, or -1: the rule every route into a render shares.</summary>
    private static int IndexOfControl(string text) => IvrVoice.Prompts.PromptText.IndexOfControl(text);

    /// <summary>Characters as the render pipeline counts them: white space runs collapsed to one space.</summary>
    private static int NormalizedLength(string text)
    {
        int length = 0;
        bool pendingSpace = false;
        foreach (System.Text.Rune rune in text.EnumerateRunes())
        {
            if (System.Text.Rune.IsWhiteSpace(rune))
            {
                pendingSpace = length > 0;
                continue;
            }

            length += pendingSpace ? 2 : 1;
            pendingSpace = false;
        }

        return length;
    }

    private IReadOnlyList<SpeakerDraft>? ReadSpeakers(YamlNode node, string? text)
    {
        if (_fields.AsSequence(node, "'speakers'") is not { } list)
        {
            return null;
        }

        if (list.Items.Count != 2)
        {
            _diagnostics.Error(node.Location, $"a prompt has exactly two speakers or none, not {list.Items.Count}");
            return null;
        }

        List<SpeakerDraft> speakers = [];
        foreach (YamlNode item in list.Items)
        {
            if (_fields.AsMapping(item, "a speaker") is not { } speaker)
            {
                continue;
            }

            _fields.CheckKeys(speaker, "a speaker", SpeakerKeys);
            YamlNode? nameNode = speaker["name"];
            YamlNode? voiceNode = speaker["voice"];
            if (nameNode is null || voiceNode is null)
            {
                _diagnostics.Error(speaker.Location, "a speaker needs a 'name' and a 'voice'");
                continue;
            }

            string? name = _fields.RequiredText(nameNode, "a speaker's 'name'");
            string? voice = _fields.RequiredText(voiceNode, "a speaker's 'voice'");
            if (name is null || voice is null)
            {
                continue;
            }

            if (name.Length > MaxSpeakerNameLength || !char.IsLetter(name[0]) || !name.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_'))
            {
                _diagnostics.Error(nameNode.Location, $"speaker name {Show.Text(name)} is not valid: use up to {MaxSpeakerNameLength} letters, digits, spaces, '-' or '_', starting with a letter");
                continue;
            }

            if (speakers.Any(other => string.Equals(other.Name.Value, name, StringComparison.OrdinalIgnoreCase)))
            {
                _diagnostics.Error(nameNode.Location, $"the two speakers are both named {Show.Text(name)}");
                continue;
            }

            // The model matches voices to turns by these labels; a name that labels no line leaves a voice unused.
            if (text is not null && !Regex.IsMatch(text, $@"(?m)^[ \t]*{Regex.Escape(name)}[ \t]*:", RegexOptions.CultureInvariant))
            {
                _diagnostics.Error(nameNode.Location, $"speaker {Show.Text(name)} labels no line of the text; start each of their lines with '{name}:'");
                continue;
            }

            speakers.Add(new SpeakerDraft(new(name, nameNode.Location), new(voice, voiceNode.Location)));
        }

        return speakers.Count == 2 ? speakers : null;
    }
}
