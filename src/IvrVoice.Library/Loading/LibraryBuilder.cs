using IvrVoice.Audio;
using IvrVoice.Library.Flows;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;

namespace IvrVoice.Library.Loading;

/// <summary>
/// Puts the files of a library together: library defaults, effective settings of every prompt, ids unique per
/// language, flow names unique, and every prompt a flow plays present in every language it can be played in.
/// </summary>
internal static class LibraryBuilder
{
    public static PromptLibrary? Build(IReadOnlyList<FileDraft> files, DiagnosticBag diagnostics)
    {
        LibraryHeaderDraft? header = FindHeader(files, diagnostics);
        SettingsDraft libraryDefaults = header?.Defaults ?? new SettingsDraft();

        List<LibraryPrompt> prompts = [];
        Dictionary<(string Language, string Id), SourceLocation> defined = [];
        Dictionary<(string Language, string Id), PromptTemplate?> texts = [];
        foreach (FileDraft file in files)
        {
            foreach (PromptDraft draft in file.Prompts)
            {
                Picked<string> language = Pick(draft, libraryDefaults, "language", settings => settings.Language);
                if (language.IsMissing)
                {
                    diagnostics.Error(draft.Id?.At ?? draft.At, $"{Label(draft)} has no language; set 'language' in the file's defaults or on the prompt");
                }

                if (language.Value is { } tag && draft.Id is { } id)
                {
                    if (defined.TryGetValue((tag, id.Value), out SourceLocation first))
                    {
                        diagnostics.Error(id.At, $"duplicate prompt id '{id.Value}' in {tag} (first at {first})");
                        continue;
                    }

                    defined.Add((tag, id.Value), id.At);
                    if (draft.Text is not null)
                    {
                        texts.Add((tag, id.Value), draft.Template);
                    }
                }

                if (Resolve(draft, language.Value, libraryDefaults, diagnostics) is { } prompt)
                {
                    prompts.Add(prompt);
                }
            }
        }

        List<CallFlow> flows = [];
        Dictionary<string, SourceLocation> flowNames = new(StringComparer.Ordinal);
        bool anySyntaxError = files.Any(file => file.SyntaxError);
        HashSet<string> allIds = defined.Keys.Select(key => key.Id).ToHashSet(StringComparer.Ordinal);
        foreach (FlowDraft flow in files.SelectMany(file => file.Flows))
        {
            if (!flowNames.TryAdd(flow.Name.Value, flow.Name.At))
            {
                diagnostics.Error(flow.Name.At, $"duplicate flow name '{flow.Name.Value}' (first at {flowNames[flow.Name.Value]})");
                continue;
            }

            // A file that failed to parse may hold the prompts a flow names: checking now would only add noise.
            if (!anySyntaxError)
            {
                CheckReferences(flow, defined, allIds, diagnostics);
                AnnouncementChecks.Check(flow, texts, diagnostics);
            }

            if (flow.Flow is not null)
            {
                flows.Add(flow.Flow);
            }
        }

        return diagnostics.HasErrors ? null : new PromptLibrary(header?.Name, prompts, flows);
    }

    private static LibraryHeaderDraft? FindHeader(IReadOnlyList<FileDraft> files, DiagnosticBag diagnostics)
    {
        LibraryHeaderDraft? header = null;
        foreach (FileDraft file in files.Where(file => file.Library is not null))
        {
            if (header is null)
            {
                header = file.Library;
            }
            else
            {
                diagnostics.Error(file.Library!.At, $"'library' is already declared at {header.At}; a library has one");
            }
        }

        return header;
    }

    private static LibraryPrompt? Resolve(PromptDraft draft, string? language, SettingsDraft libraryDefaults, DiagnosticBag diagnostics)
    {
        Picked<string> modelSetting = Pick(draft, libraryDefaults, "model", settings => settings.Model);
        string? model = modelSetting.IsInvalid ? null : modelSetting.Value ?? LibraryRules.DefaultModel;

        string? voice = null;
        List<TtsSpeaker> speakers = [];
        if (draft.Speakers is { } speakerDrafts)
        {
            foreach (SpeakerDraft speaker in speakerDrafts)
            {
                string? speakerVoice = model is null ? null : CheckVoice(speaker.Voice, model, diagnostics);
                speakers.Add(new TtsSpeaker(speaker.Name.Value, speakerVoice ?? speaker.Voice.Value));
                voice ??= speakerVoice;
            }
        }
        else if (!draft.SpeakersGiven)
        {
            Picked<string> voiceSetting = Pick(draft, libraryDefaults, "voice", settings => settings.Voice);
            if (voiceSetting.IsMissing)
            {
                diagnostics.Error(draft.Id?.At ?? draft.At, $"{Label(draft)} has no voice; set 'voice' in the defaults or on the prompt");
            }
            else if (voiceSetting.Located is { } located && model is not null)
            {
                voice = CheckVoice(located, model, diagnostics);
            }
        }

        Picked<double> temperatureSetting = Pick(draft, libraryDefaults, "temperature", settings => settings.Temperature);
        double? temperature = null;
        if (temperatureSetting.Located is { } temperatureValue && model is not null)
        {
            if (ModelCatalog.AcceptsTemperature(model))
            {
                temperature = temperatureValue.Value;
            }
            else if (temperatureSetting.Layer >= (modelSetting.Value is null ? SettingsLayer.BuiltIn : modelSetting.Layer))
            {
                diagnostics.Error(temperatureValue.At, $"model {model} takes no temperature; remove 'temperature'");
            }

            // Otherwise the temperature comes from wider defaults than the model does, and simply does not apply to it.
        }

        Picked<string> style = Pick(draft, libraryDefaults, "style", settings => settings.Style);
        Picked<MasteringOptions> mastering = Pick(draft, libraryDefaults, "mastering", settings => settings.Mastering);
        bool templateSpoken = true;
        if (draft.Template is not null && language is not null && !TemplateComposer.Supports(language))
        {
            diagnostics.Error(draft.Text!.Value.At,
                $"{Label(draft)} is a template in {language}, a language templates cannot be spoken in (supported: {Show.List(TemplateComposer.SupportedLanguages)})");
            templateSpoken = false;
        }

        if (draft.Id is not { } id || draft.Text is not { } text || language is null || voice is null || model is null
            || (draft.SpeakersGiven && draft.Speakers is null) || style.IsInvalid || mastering.IsInvalid || temperatureSetting.IsInvalid
            || !templateSpoken || (draft.Template is not null && draft.SpeakersGiven))
        {
            return null;
        }

        PromptSpec spec = new()
        {
            Text = text.Value,
            Voice = voice,
            Style = string.IsNullOrEmpty(style.Value) ? null : style.Value,
            Language = language,
            Model = model,
            Temperature = temperature,
            Speakers = speakers,
            Mastering = mastering.Value ?? MasteringOptions.Default,
        };
        return new LibraryPrompt(
            id.Value,
            spec,
            draft.Notes,
            id.At,
            draft.Template,
            draft.Strategy?.Value ?? AnnouncementStrategy.Auto);
    }

    /// <summary>The voice in the catalogue's spelling (kore → Kore), or null (reported) when the model has no such voice.</summary>
    private static string? CheckVoice(Located<string> voice, string model, DiagnosticBag diagnostics)
    {
        if (!ModelCatalog.IsKnown(model))
        {
            return null;
        }

        if (VoiceCatalog.Normalize(model, voice.Value) is { } canonical)
        {
            return canonical;
        }

        string? closest = Suggestions.Closest(voice.Value, VoiceCatalog.GeminiVoices);
        diagnostics.Error(voice.At, closest is null
            ? $"unknown voice {Show.Text(voice.Value)} for model {model}"
            : $"unknown voice {Show.Text(voice.Value)} for model {model}; did you mean '{closest}'?");
        return null;
    }

    /// <summary>
    /// The most specific setting: the prompt's own, then its file's defaults, then the library's defaults. A layer
    /// where the setting was written with an invalid value (already reported) stops the search, so the prompt is
    /// neither resolved with a wider value nor reported again.
    /// </summary>
    private static Picked<T> Pick<T>(PromptDraft draft, SettingsDraft libraryDefaults, string name, Func<SettingsDraft, Located<T>?> setting)
        where T : notnull
    {
        (SettingsDraft? Settings, SettingsLayer Layer)[] layers =
        [
            (draft.Overrides, SettingsLayer.Prompt),
            (draft.File.Defaults, SettingsLayer.File),
            (libraryDefaults, SettingsLayer.Library),
        ];
        foreach ((SettingsDraft? settings, SettingsLayer layer) in layers)
        {
            if (settings is null)
            {
                continue;
            }

            if (setting(settings) is { } value)
            {
                return new Picked<T>(value, layer, IsInvalid: false);
            }

            if (settings.Invalid.Contains(name))
            {
                return new Picked<T>(null, layer, IsInvalid: true);
            }
        }

        return new Picked<T>(null, SettingsLayer.BuiltIn, IsInvalid: false);
    }

    /// <summary>A setting as resolved for one prompt.</summary>
    private readonly record struct Picked<T>(Located<T>? Located, SettingsLayer Layer, bool IsInvalid)
        where T : notnull
    {
        public T? Value => Located is { } located ? located.Value : default;

        /// <summary>Set nowhere: neither written validly nor invalidly in any layer.</summary>
        public bool IsMissing => Located is null && !IsInvalid;
    }

    private static void CheckReferences(
        FlowDraft flow, Dictionary<(string Language, string Id), SourceLocation> defined, HashSet<string> allIds, DiagnosticBag diagnostics)
    {
        foreach (ReferenceCheck check in flow.References)
        {
            PromptReference reference = check.Reference;
            IReadOnlyList<string> languages = reference.Language is { } pinned ? [pinned] : check.FlowLanguages;
            string[] missing = languages.Where(language => !defined.ContainsKey((language, reference.Id))).ToArray();
            if (missing.Length == 0)
            {
                continue;
            }

            if (!allIds.Contains(reference.Id))
            {
                string? closest = Suggestions.Closest(reference.Id, allIds);
                diagnostics.Error(check.At, closest is null
                    ? $"unknown prompt '{reference.Id}'"
                    : $"unknown prompt '{reference.Id}'; did you mean '{closest}'?");
            }
            else
            {
                diagnostics.Error(check.At, $"prompt '{reference.Id}' is missing in {Show.List(missing)}");
            }
        }
    }

    private static string Label(PromptDraft draft) => draft.Id is { } id ? $"prompt '{id.Value}'" : "a prompt";
}
