using IvrVoice.Library.Yaml;

namespace IvrVoice.Library.Loading;

/// <summary>
/// Reads one library file into drafts, reporting every problem the file shows on its own. Problems that need
/// other files (duplicate ids, settings inherited from the library defaults, missing prompts) are the builder's.
/// The file's sections are read by their own readers: settings, prompts and flows.
/// </summary>
internal sealed class LibraryFileReader
{
    private static readonly string[] FileKeys = ["library", "defaults", "prompts", "flows"];
    private static readonly string[] LibraryKeys = ["name", "defaults"];

    private readonly DiagnosticBag _diagnostics;
    private readonly FileDraft _file;
    private readonly FieldReader _fields;
    private readonly SettingsReader _settings;
    private readonly PromptReader _prompts;
    private readonly FlowReader _flows;

    private LibraryFileReader(string path, DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        _file = new FileDraft { Path = path };
        _fields = new FieldReader(diagnostics);
        _settings = new SettingsReader(diagnostics, _fields);
        _prompts = new PromptReader(diagnostics, _fields, _settings);
        _flows = new FlowReader(diagnostics, _fields);
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

        if (_fields.AsMapping(root, "a library file") is not { } file)
        {
            return;
        }

        _fields.CheckKeys(file, "a library file", FileKeys);

        // A section written with nothing under it ("prompts:") is empty, not wrong.
        YamlNode? Section(string key) => file[key] is YamlScalar { IsNull: true } ? null : file[key];

        if (Section("library") is { } library)
        {
            ReadLibraryHeader(library);
        }

        if (Section("defaults") is { } defaults && _fields.AsMapping(defaults, "'defaults'") is { } defaultsMap)
        {
            _fields.CheckKeys(defaultsMap, "'defaults'", SettingsReader.Keys);
            _file.Defaults = _settings.Read(defaultsMap);
        }

        if (Section("prompts") is { } prompts && _fields.AsSequence(prompts, "'prompts'") is { } promptList)
        {
            foreach (YamlNode item in promptList.Items)
            {
                if (_fields.AsMapping(item, "a prompt") is { } prompt)
                {
                    _prompts.Read(_file, prompt);
                }
            }
        }

        if (Section("flows") is { } flows && _fields.AsMapping(flows, "'flows'") is { } flowMap)
        {
            foreach ((YamlScalar name, YamlNode flow) in flowMap.Entries)
            {
                _flows.Read(_file, name, flow);
            }
        }
    }

    private void ReadLibraryHeader(YamlNode node)
    {
        if (_fields.AsMapping(node, "'library'") is not { } library)
        {
            return;
        }

        _fields.CheckKeys(library, "'library'", LibraryKeys);
        string? name = library["name"] is { } nameNode ? _fields.RequiredText(nameNode, "'name'") : null;
        SettingsDraft defaults = new();
        if (library["defaults"] is { } defaultsNode && _fields.AsMapping(defaultsNode, "'defaults'") is { } defaultsMap)
        {
            _fields.CheckKeys(defaultsMap, "'defaults'", SettingsReader.Keys);
            defaults = _settings.Read(defaultsMap);
        }

        _file.Library = new LibraryHeaderDraft(library.Location, name, defaults);
    }
}
