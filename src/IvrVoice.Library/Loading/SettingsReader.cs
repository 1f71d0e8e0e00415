using System.Globalization;
using IvrVoice.Audio;
using IvrVoice.Library.Yaml;
using IvrVoice.Providers;

namespace IvrVoice.Library.Loading;

/// <summary>Reads the settings a prompt is rendered with (voice, language, style, model, temperature, mastering) where they are written.</summary>
internal sealed class SettingsReader(DiagnosticBag diagnostics, FieldReader fields)
{
    /// <summary>The keys of a 'defaults' mapping; a prompt has these and its own.</summary>
    public static readonly string[] Keys = ["voice", "language", "style", "model", "temperature", "mastering"];
    private static readonly string[] MasteringKeys = ["level", "padding", "ceiling", "maxGain"];

    private readonly DiagnosticBag _diagnostics = diagnostics;
    private readonly FieldReader _fields = fields;

    /// <summary>Reads the setting keys of a mapping; the caller has already checked which keys the mapping may hold.</summary>
    public SettingsDraft Read(YamlMapping map)
    {
        SettingsDraft settings = new();
        if (map["voice"] is { } voice && _fields.RequiredText(voice, "'voice'") is { } voiceName)
        {
            settings.Voice = new(voiceName, voice.Location);
        }

        if (map["language"] is { } language && _fields.ReadLanguage(language) is { } tag)
        {
            settings.Language = new(tag, language.Location);
        }

        if (map["style"] is { } style && _fields.AsScalar(style, "'style'") is { } styleScalar)
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

        if (map["model"] is { } model && _fields.RequiredText(model, "'model'") is { } modelName)
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

        if (map["temperature"] is { } temperature && _fields.AsScalar(temperature, "'temperature'") is { } temperatureScalar)
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

        if (_fields.AsMapping(node, "'mastering'") is not { } map)
        {
            return null;
        }

        _fields.CheckKeys(map, "'mastering'", MasteringKeys);
        MasteringOptions defaults = MasteringOptions.Default;
        double? level = ReadDecibels(map["level"], "the mastering level (dBFS)", -40, -6);
        double? ceiling = ReadDecibels(map["ceiling"], "the mastering ceiling (dBFS)", -12, 0);
        double? maxGain = ReadDecibels(map["maxGain"], "the mastering maxGain (dB)", 0, 40);
        int? padding = map["padding"] is { } paddingNode ? _fields.ReadInteger(paddingNode, "the mastering padding (milliseconds)", 0, 2000) : null;
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
        if (node is null || _fields.AsScalar(node, what) is not { } scalar)
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
}
