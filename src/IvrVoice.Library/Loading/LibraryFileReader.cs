using System.Globalization;
using System.Text.RegularExpressions;
using IvrVoice.Audio;
using IvrVoice.Library.Yaml;
using IvrVoice.Providers;

namespace IvrVoice.Library.Loading;

/// <summary>
/// Reads one library file into drafts, reporting every problem the file shows on its own. Problems that need
/// other files (duplicate ids, settings inherited from the library defaults, missing prompts) are the builder's.
/// </summary>
internal sealed partial class LibraryFileReader
{
    private static readonly string[] FileKeys = ["library", "defaults", "prompts", "flows"];
    private static readonly string[] LibraryKeys = ["name", "defaults"];
    private static readonly string[] SettingKeys = ["voice", "language", "style", "model", "temperature", "mastering"];
    private static readonly string[] PromptKeys = ["id", "text", "voice", "language", "style", "model", "temperature", "mastering", "speakers", "notes"];
    private static readonly string[] SpeakerKeys = ["name", "voice"];
    private static readonly string[] MasteringKeys = ["level", "padding", "ceiling", "maxGain"];
    private const int MaxSpeakerNameLength = 32;
    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_.");

    private readonly DiagnosticBag _diagnostics;
    private readonly FileDraft _file;

    private LibraryFileReader(string path, DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        _file = new FileDraft { Path = path };
    }

    public static FileDraft Read(string path, string text, DiagnosticBag diagnostics)
    {
        LibraryFileReader reader = new(path, diagnostics);
        YamlNode? root = YamlTreeReader.Read(text, path, diagnostics, out bool syntaxError);
        reader._file.SyntaxError = syntaxError;
        if (root is null)
        {
            if (!syntaxError)
            {
                diagnostics.Warning(new SourceLocation(path, 0, 0), "the file is empty");
            }
        }
        else
        {
            reader.ReadRoot(root);
        }

        return reader._file;
    }

    private void ReadRoot(YamlNode root)
    {
        if (root is YamlScalar { IsNull: true })
        {
            _diagnostics.Warning(root.Location, "the file is empty");
            return;
        }

        if (AsMapping(root, "a library file") is not { } file)
        {
            return;
        }

        CheckKeys(file, "a library file", FileKeys);

        // A section written with nothing under it ("prompts:") is empty, not wrong.
        YamlNode? Section(string key) => file[key] is YamlScalar { IsNull: true } ? null : file[key];

        if (Section("library") is { } library)
        {
            ReadLibraryHeader(library);
        }

        if (Section("defaults") is { } defaults && AsMapping(defaults, "'defaults'") is { } defaultsMap)
        {
            CheckKeys(defaultsMap, "'defaults'", SettingKeys);
            _file.Defaults = ReadSettings(defaultsMap);
        }

        if (Section("prompts") is { } prompts && AsSequence(prompts, "'prompts'") is { } promptList)
        {
            foreach (YamlNode item in promptList.Items)
            {
                if (AsMapping(item, "a prompt") is { } prompt)
                {
                    ReadPrompt(prompt);
                }
            }
        }

        if (Section("flows") is { } flows && AsMapping(flows, "'flows'") is { } flowMap)
        {
            foreach ((YamlScalar name, YamlNode flow) in flowMap.Entries)
            {
                ReadFlow(name, flow);
            }
        }
    }

    private void ReadLibraryHeader(YamlNode node)
    {
        if (AsMapping(node, "'library'") is not { } library)
        {
            return;
        }

        CheckKeys(library, "'library'", LibraryKeys);
        string? name = library["name"] is { } nameNode ? RequiredText(nameNode, "'name'") : null;
        SettingsDraft defaults = new();
        if (library["defaults"] is { } defaultsNode && AsMapping(defaultsNode, "'defaults'") is { } defaultsMap)
        {
            CheckKeys(defaultsMap, "'defaults'", SettingKeys);
            defaults = ReadSettings(defaultsMap);
        }

        _file.Library = new LibraryHeaderDraft(library.Location, name, defaults);
    }

    /// <summary>Reads the setting keys of a mapping; the caller has already checked which keys the mapping may hold.</summary>
    private SettingsDraft ReadSettings(YamlMapping map)
    {
        SettingsDraft settings = new();
        if (map["voice"] is { } voice && RequiredText(voice, "'voice'") is { } voiceName)
        {
            settings.Voice = new(voiceName, voice.Location);
        }

        if (map["language"] is { } language && ReadLanguage(language) is { } tag)
        {
            settings.Language = new(tag, language.Location);
        }

        if (map["style"] is { } style && AsScalar(style, "'style'") is { } styleScalar)
        {
            string text = styleScalar.IsNull ? "" : styleScalar.Value.Trim();
            int length = text.EnumerateRunes().Count();
            if (length > LibraryRules.MaxStyleLength)
            {
                _diagnostics.Error(style.Location, $"the style is {length:N0} characters long; the limit is {LibraryRules.MaxStyleLength:N0}");
            }
            else
            {
                settings.Style = new(text, style.Location);
            }
        }

        if (map["model"] is { } model && RequiredText(model, "'model'") is { } modelName)
        {
            if (ModelCatalog.Normalize(modelName) is { } canonicalModel)
            {
                settings.Model = new(canonicalModel, model.Location);
            }
            else
            {
                string? closest = Suggestions.Closest(modelName, ModelCatalog.All);
                _diagnostics.Error(model.Location, closest is null
                    ? $"unknown model {Show.Text(modelName)}; known models: {Show.List(ModelCatalog.All)}"
                    : $"unknown model {Show.Text(modelName)}; did you mean '{closest}'?");
            }
        }

        if (map["temperature"] is { } temperature && AsScalar(temperature, "'temperature'") is { } temperatureScalar)
        {
            if (double.TryParse(temperatureScalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && value is >= 0 and <= 2)
            {
                settings.Temperature = new(value, temperature.Location);
            }
            else
            {
                _diagnostics.Error(temperature.Location, $"the temperature must be a number from 0 to 2, not {Show.Text(temperatureScalar.Value)}");
            }
        }

        if (map["mastering"] is { } mastering && ReadMastering(mastering) is { } masteringSettings)
        {
            settings.Mastering = new(masteringSettings, mastering.Location);
        }

        MarkInvalid(settings, map, "voice", settings.Voice is not null);
        MarkInvalid(settings, map, "language", settings.Language is not null);
        MarkInvalid(settings, map, "style", settings.Style is not null);
        MarkInvalid(settings, map, "model", settings.Model is not null);
        MarkInvalid(settings, map, "temperature", settings.Temperature is not null);
        MarkInvalid(settings, map, "mastering", settings.Mastering is not null);
        return settings;
    }

    private static void MarkInvalid(SettingsDraft settings, YamlMapping map, string key, bool stored)
    {
        if (map[key] is not null && !stored)
        {
            settings.Invalid.Add(key);
        }
    }

    private MasteringOptions? ReadMastering(YamlNode node)
    {
        if (node is YamlScalar scalar)
        {
            switch (scalar.Value.ToLowerInvariant())
            {
                case "on" or "true":
                    return MasteringOptions.Default;
                case "off" or "false":
                    return MasteringOptions.Disabled;
                default:
                    _diagnostics.Error(node.Location, $"mastering must be on, off, or a mapping of settings ({Show.List(MasteringKeys)}), not {Show.Text(scalar.Value)}");
                    return null;
            }
        }

        if (AsMapping(node, "'mastering'") is not { } map)
        {
            return null;
        }

        CheckKeys(map, "'mastering'", MasteringKeys);
        MasteringOptions defaults = MasteringOptions.Default;
        double? level = ReadDecibels(map["level"], "the mastering level (dBFS)", -40, -6);
        double? ceiling = ReadDecibels(map["ceiling"], "the mastering ceiling (dBFS)", -12, 0);
        double? maxGain = ReadDecibels(map["maxGain"], "the mastering maxGain (dB)", 0, 40);
        int? padding = map["padding"] is { } paddingNode ? ReadInteger(paddingNode, "the mastering padding (milliseconds)", 0, 2000) : null;
        if ((map["level"] is not null && level is null) || (map["ceiling"] is not null && ceiling is null)
            || (map["maxGain"] is not null && maxGain is null) || (map["padding"] is not null && padding is null))
        {
            return null;
        }

        MasteringOptions options = defaults with
        {
            TargetLevelDbfs = level ?? defaults.TargetLevelDbfs,
            PeakCeilingDbfs = ceiling ?? defaults.PeakCeilingDbfs,
            MaxGainDb = maxGain ?? defaults.MaxGainDb,
            PadMilliseconds = padding ?? defaults.PadMilliseconds,
        };
        if (options.TargetLevelDbfs >= options.PeakCeilingDbfs)
        {
            _diagnostics.Error(map.Location, $"the mastering level ({options.TargetLevelDbfs} dBFS) must be below the ceiling ({options.PeakCeilingDbfs} dBFS)");
            return null;
        }

        return options;
    }

    private double? ReadDecibels(YamlNode? node, string what, double min, double max)
    {
        if (node is null || AsScalar(node, what) is not { } scalar)
        {
            return null;
        }

        if (double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max)
        {
            return value;
        }

        _diagnostics.Error(node.Location, $"{what} must be a number from {min} to {max}, not {Show.Text(scalar.Value)}");
        return null;
    }

    private void ReadPrompt(YamlMapping prompt)
    {
        CheckKeys(prompt, "a prompt", PromptKeys);
        PromptDraft draft = new() { File = _file, At = prompt.Location };
        _file.Prompts.Add(draft);

        string label = "a prompt";
        if (prompt["id"] is not { } idNode)
        {
            _diagnostics.Error(prompt.Location, "a prompt needs an 'id'");
        }
        else if (ReadId(idNode, "prompt id") is { } id)
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
        }

        draft.Overrides = ReadSettings(prompt);

        if (prompt["speakers"] is { } speakers)
        {
            draft.SpeakersGiven = true;
            draft.Speakers = ReadSpeakers(speakers, draft.Text?.Value);
            if (prompt["voice"] is { } voice)
            {
                _diagnostics.Error(voice.Location, $"{label} has speakers, which give its voices; remove 'voice'");
            }
        }

        if (prompt["notes"] is { } notes && AsScalar(notes, "'notes'") is { } notesScalar && !notesScalar.IsNull)
        {
            draft.Notes = notesScalar.Value.Trim();
        }
    }

    private string? ReadPromptText(YamlNode node, string label)
    {
        if (AsScalar(node, "'text'") is not { } scalar)
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

        if (Placeholder().Match(text) is { Success: true } placeholder)
        {
            _diagnostics.Error(node.Location, $"{label} text contains the placeholder {Show.Text(placeholder.Value)}; library prompts are rendered ahead of time and cannot fill in values");
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
        if (AsSequence(node, "'speakers'") is not { } list)
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
            if (AsMapping(item, "a speaker") is not { } speaker)
            {
                continue;
            }

            CheckKeys(speaker, "a speaker", SpeakerKeys);
            YamlNode? nameNode = speaker["name"];
            YamlNode? voiceNode = speaker["voice"];
            if (nameNode is null || voiceNode is null)
            {
                _diagnostics.Error(speaker.Location, "a speaker needs a 'name' and a 'voice'");
                continue;
            }

            string? name = RequiredText(nameNode, "a speaker's 'name'");
            string? voice = RequiredText(voiceNode, "a speaker's 'voice'");
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

    private string? ReadLanguage(YamlNode node)
    {
        if (RequiredText(node, "'language'") is not { } language)
        {
            return null;
        }

        if (LibraryRules.IsCanonicalLanguage(language))
        {
            return language;
        }

        string canonical = CanonicalLanguageCase(language);
        _diagnostics.Error(node.Location, LibraryRules.IsCanonicalLanguage(canonical)
            ? $"language {Show.Strict(language)} is not in canonical form; write '{canonical}'"
            : $"language {Show.Strict(language)} is not a BCP 47 tag like en-US or es-419");
        return null;
    }

    /// <summary>BCP 47 casing: language lower, script title, region upper (en-us, en_US → en-US).</summary>
    private static string CanonicalLanguageCase(string language)
    {
        string[] parts = language.Trim().Replace('_', '-').Split('-');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            parts[i] = i == 0 || part.Length is not (2 or 4) ? part.ToLowerInvariant()
                : part.Length == 2 ? part.ToUpperInvariant()
                : string.Concat(part[..1].ToUpperInvariant(), part[1..].ToLowerInvariant());
        }

        return string.Join('-', parts);
    }

    /// <summary>Reads an id of a prompt, flow or menu; reports why an invalid one is invalid.</summary>
    private string? ReadId(YamlNode node, string kind)
    {
        if (AsScalar(node, kind) is not { } scalar)
        {
            return null;
        }

        string id = scalar.IsNull ? "" : scalar.Value;
        if (IdProblem(id) is { } problem)
        {
            _diagnostics.Error(node.Location, $"{kind} {Show.Strict(id)} is not valid: {problem}");
            return null;
        }

        return id;
    }

    private static string? IdProblem(string id)
    {
        if (LibraryRules.IsValidId(id))
        {
            return null;
        }

        const string Allowed = "(allowed: a-z, 0-9, '-', '_', '.')";
        if (id.Length == 0)
        {
            return "it is empty";
        }

        if (id.Length > LibraryRules.MaxIdLength)
        {
            return $"it is longer than {LibraryRules.MaxIdLength} characters";
        }

        if (id.Any(char.IsAsciiLetterUpper))
        {
            return "it has upper-case letters (ids are lower case)";
        }

        int bad = id.AsSpan().IndexOfAnyExcept(IdCharacters);
        if (bad >= 0)
        {
            return $"it contains {Show.Strict(id[bad].ToString())} {Allowed}";
        }

        return id.StartsWith('.') ? "it starts with '.'"
            : id.EndsWith('.') ? "it ends with '.'"
            : $"{Show.Strict(id.Split('.')[0])} is a device name on Windows";
    }

    private int? ReadInteger(YamlNode node, string what, int min, int max)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }

        if (int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        _diagnostics.Error(node.Location, $"{what} must be a whole number from {min} to {max}, not {Show.Text(scalar.Value)}");
        return null;
    }

    private string? RequiredText(YamlNode node, string what)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }

        if (scalar.IsNull || string.IsNullOrWhiteSpace(scalar.Value))
        {
            _diagnostics.Error(node.Location, $"{what} is empty");
            return null;
        }

        return scalar.Value.Trim();
    }

    private YamlScalar? AsScalar(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlScalar scalar:
                return scalar;
            case YamlInvalid:
                return null;
            default:
                _diagnostics.Error(node.Location, $"{what} must be a single value, not {node.Describe()}");
                return null;
        }
    }

    private YamlMapping? AsMapping(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlMapping mapping:
                return mapping;
            case YamlInvalid:
                return null;
            default:
                _diagnostics.Error(node.Location, $"{what} must be a mapping, not {node.Describe()}");
                return null;
        }
    }

    private YamlSequence? AsSequence(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlSequence sequence:
                return sequence;
            case YamlInvalid:
                return null;
            default:
                _diagnostics.Error(node.Location, $"{what} must be a list, not {node.Describe()}");
                return null;
        }
    }

    private void CheckKeys(YamlMapping map, string context, IReadOnlyCollection<string> allowed)
    {
        foreach ((YamlScalar key, _) in map.Entries)
        {
            if (allowed.Contains(key.Value))
            {
                continue;
            }

            string? closest = Suggestions.Closest(key.Value, allowed);
            _diagnostics.Error(key.Location, closest is null
                ? $"unknown key {Show.Text(key.Value)} in {context}; expected {Show.List(allowed)}"
                : $"unknown key {Show.Text(key.Value)} in {context}; did you mean '{closest}'?");
        }
    }

    [GeneratedRegex(@"\{[^{}\s]{1,64}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
