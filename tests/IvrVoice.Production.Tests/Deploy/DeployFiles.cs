using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace IvrVoice.Production.Tests.Deploy;

/// <summary>A setting a deploy file gives the service: where it is written, its configuration key, and its value.</summary>
/// <param name="Source">The file and place, e.g. <c>deploy/compose.yaml services.ivrvoice.environment</c>.</param>
/// <param name="Name">As written: an environment variable (<c>Cache__Store</c>) or a configuration key (<c>Cache:Store</c>).</param>
/// <param name="Value">The literal value; null when it comes from a secret or an interpolated variable.</param>
internal sealed record DeploySetting(string Source, string Name, string? Value)
{
    /// <summary>The configuration key the service sees: <c>__</c> becomes <c>:</c>.</summary>
    public string Key => Name.Replace("__", ":", StringComparison.Ordinal);

    public override string ToString() => $"{Name} ({Source})";
}

/// <summary>The Dockerfile's stages, as far as the tests need them.</summary>
internal sealed record DockerStage(string Name, string Base, string WorkDir, IReadOnlyList<string> Runs, IReadOnlyList<(string From, string? Stage, string To)> Copies, IReadOnlyDictionary<string, string> Env);

/// <summary>Reads every deploy file under deploy/ and lists the settings each one names.</summary>
internal static partial class DeployFiles
{
    public static string Dockerfile => Path.Combine(Repository.Deploy, "Dockerfile");

    public static string Compose => Path.Combine(Repository.Deploy, "compose.yaml");

    public static string ComposeEnvExample => Path.Combine(Repository.Deploy, "compose.env.example");

    public static string Kubernetes => Path.Combine(Repository.Deploy, "kubernetes");

    public static string SystemdUnit => Path.Combine(Repository.Deploy, "systemd", "ivrvoice.service");

    public static string SystemdEnvExample => Path.Combine(Repository.Deploy, "systemd", "ivrvoice.env.example");

    /// <summary>Every setting every deploy file names.</summary>
    public static IReadOnlyList<DeploySetting> AllSettings() =>
    [
        .. DockerfileSettings(),
        .. ComposeSettings(),
        .. KubernetesEnvironment(),
        .. KubernetesConfigMapSettings(),
        .. SystemdSettings(),
    ];

    // ---- Dockerfile

    public static IReadOnlyList<DockerStage> DockerStages()
    {
        List<DockerStage> stages = [];
        string? name = null, baseImage = null, workDir = "/";
        List<string> runs = [];
        List<(string, string?, string)> copies = [];
        Dictionary<string, string> env = new(StringComparer.Ordinal);
        foreach (string instruction in DockerInstructions())
        {
            string[] words = instruction.Split(' ', 2, StringSplitOptions.TrimEntries);
            string argument = words.Length > 1 ? words[1] : "";
            switch (words[0].ToUpperInvariant())
            {
                case "FROM":
                    Flush();
                    Match from = FromInstruction().Match(argument);
                    baseImage = from.Groups["image"].Value;
                    name = from.Groups["name"].Success ? from.Groups["name"].Value : $"stage{stages.Count}";
                    workDir = "/";
                    runs = [];
                    copies = [];
                    env = new Dictionary<string, string>(StringComparer.Ordinal);
                    break;
                case "WORKDIR":
                    workDir = argument.StartsWith('/') ? argument : $"{workDir.TrimEnd('/')}/{argument}";
                    break;
                case "RUN":
                    runs.Add(argument);
                    break;
                case "COPY":
                    string[] parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    string? stage = parts.FirstOrDefault(p => p.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
                    string[] paths = [.. parts.Where(p => !p.StartsWith("--", StringComparison.Ordinal))];
                    foreach (string source in paths[..^1])
                    {
                        copies.Add((source, stage, paths[^1]));
                    }

                    break;
                case "ENV":
                    foreach (Match pair in EnvPair().Matches(argument))
                    {
                        env[pair.Groups["name"].Value] = pair.Groups["value"].Value.Trim('"');
                    }

                    break;
            }
        }

        Flush();
        return stages;

        void Flush()
        {
            if (baseImage is not null)
            {
                stages.Add(new DockerStage(name!, baseImage, workDir ?? "/", runs, copies, env));
            }
        }
    }

    public static IEnumerable<DeploySetting> DockerfileSettings() =>
        DockerStages()[^1].Env.Select(e => new DeploySetting("deploy/Dockerfile ENV", e.Key, e.Value));

    /// <summary>The Dockerfile's instructions with continuation lines joined and comments dropped.</summary>
    private static IEnumerable<string> DockerInstructions()
    {
        string pending = "";
        foreach (string raw in System.IO.File.ReadAllLines(Dockerfile))
        {
            string line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            yield return (pending + line).Trim();
            pending = "";
        }
    }

    // ---- compose

    public static YamlMappingNode ComposeService(string service = "ivrvoice")
    {
        YamlMappingNode root = LoadYaml(Compose).Single();
        return (YamlMappingNode)((YamlMappingNode)root["services"])[service];
    }

    public static IEnumerable<DeploySetting> ComposeSettings()
    {
        YamlMappingNode environment = (YamlMappingNode)ComposeService()["environment"];
        foreach ((YamlNode key, YamlNode value) in environment.Children)
        {
            string text = ((YamlScalarNode)value).Value ?? "";
            yield return new DeploySetting("deploy/compose.yaml services.ivrvoice.environment", ((YamlScalarNode)key).Value!, text.Contains("${", StringComparison.Ordinal) ? null : text);
        }
    }

    /// <summary>Replaces <c>${NAME}</c>, <c>${NAME:-default}</c> and <c>${NAME:?message}</c> as compose does.</summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) =>
        ComposeVariable().Replace(value, match =>
        {
            string name = match.Groups["name"].Value;
            string op = match.Groups["op"].Value;
            bool has = variables.TryGetValue(name, out string? found) && found.Length > 0;
            return op switch
            {
                ":-" => has ? found! : match.Groups["arg"].Value,
                ":?" => has ? found! : throw new InvalidOperationException($"compose would refuse to start: {match.Groups["arg"].Value}"),
                _ => found ?? "",
            };
        });

    public static IReadOnlyList<string> ComposeVariables(string value) =>
        [.. ComposeVariable().Matches(value).Select(m => m.Groups["name"].Value)];

    // ---- Kubernetes

    public static IReadOnlyList<YamlMappingNode> KubernetesDocuments() =>
        [.. Directory.EnumerateFiles(Kubernetes, "*.yaml").Order(StringComparer.Ordinal).SelectMany(LoadYaml)];

    public static YamlMappingNode KubernetesObject(string kind, string file) =>
        LoadYaml(Path.Combine(Kubernetes, file)).Single(d => Scalar(d, "kind") == kind);

    public static YamlMappingNode Container()
    {
        YamlMappingNode deployment = KubernetesObject("Deployment", "deployment.yaml");
        YamlSequenceNode containers = (YamlSequenceNode)Node(deployment, "spec", "template", "spec", "containers");
        return (YamlMappingNode)containers.Children.Single();
    }

    /// <summary>The container's environment: a literal value, or the Secret key it is read from.</summary>
    public static IEnumerable<(DeploySetting Setting, string? SecretKey, bool Optional)> KubernetesEnvironmentEntries()
    {
        foreach (YamlMappingNode entry in ((YamlSequenceNode)Container()["env"]).Children.Cast<YamlMappingNode>())
        {
            string name = Scalar(entry, "name")!;
            if (entry.Children.TryGetValue(new YamlScalarNode("valueFrom"), out YamlNode? from))
            {
                YamlMappingNode reference = (YamlMappingNode)((YamlMappingNode)from)["secretKeyRef"];
                yield return (new DeploySetting("deploy/kubernetes/deployment.yaml env (Secret)", name, null),
                    Scalar(reference, "key"), Scalar(reference, "optional") == "true");
            }
            else
            {
                yield return (new DeploySetting("deploy/kubernetes/deployment.yaml env", name, Scalar(entry, "value")), null, false);
            }
        }
    }

    public static IEnumerable<DeploySetting> KubernetesEnvironment() => KubernetesEnvironmentEntries().Select(e => e.Setting);

    /// <summary>The appsettings file the ConfigMap holds.</summary>
    public static string ConfigMapAppSettings()
    {
        YamlMappingNode configMap = KubernetesObject("ConfigMap", "configmap.yaml");
        return Scalar((YamlMappingNode)configMap["data"], "appsettings.Production.json")!;
    }

    public static IEnumerable<DeploySetting> KubernetesConfigMapSettings()
    {
        using JsonDocument json = JsonDocument.Parse(ConfigMapAppSettings());
        return Flatten(json.RootElement, "").Select(p => new DeploySetting("deploy/kubernetes/configmap.yaml appsettings.Production.json", p.Key, p.Value)).ToList();
    }

    /// <summary>Every leaf of a JSON settings file as (Section:Key, value), as the JSON configuration provider reads it.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Flatten(JsonElement element, string prefix)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    foreach (KeyValuePair<string, string?> leaf in Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    foreach (KeyValuePair<string, string?> leaf in Flatten(item, $"{prefix}:{i++}"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonValueKind.Null:
                yield return new(prefix, null);
                break;
            default:
                yield return new(prefix, element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText());
                break;
        }
    }

    // ---- systemd

    public static IEnumerable<DeploySetting> SystemdSettings()
    {
        foreach (string line in System.IO.File.ReadAllLines(SystemdUnit))
        {
            Match environment = SystemdEnvironment().Match(line);
            if (environment.Success)
            {
                yield return new DeploySetting("deploy/systemd/ivrvoice.service Environment=", environment.Groups["name"].Value, environment.Groups["value"].Value);
            }
        }

        foreach (DeploySetting setting in EnvFile(SystemdEnvExample, "deploy/systemd/ivrvoice.env.example"))
        {
            yield return setting;
        }
    }

    /// <summary>NAME=value lines of an environment file, including commented-out ones (<c>#NAME=value</c>), which name settings too.</summary>
    public static IEnumerable<DeploySetting> EnvFile(string path, string source)
    {
        foreach (string line in System.IO.File.ReadAllLines(path))
        {
            Match pair = EnvFileLine().Match(line);
            if (pair.Success)
            {
                yield return new DeploySetting(source, pair.Groups["name"].Value, pair.Groups["value"].Value);
            }
        }
    }

    // ---- YAML helpers

    public static IReadOnlyList<YamlMappingNode> LoadYaml(string path)
    {
        YamlStream stream = [];
        using StreamReader reader = new(path);
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    public static YamlNode Node(YamlMappingNode node, params string[] keys)
    {
        YamlNode current = node;
        foreach (string key in keys)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return current;
    }

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? (value as YamlScalarNode)?.Value : null;

    [GeneratedRegex(@"^(?<image>\S+)(\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromInstruction();

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:[-?])(?<arg>[^}]*))?\}")]
    private static partial Regex ComposeVariable();

    [GeneratedRegex(@"^Environment=(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$")]
    private static partial Regex SystemdEnvironment();

    [GeneratedRegex(@"^#?(?<name>[A-Za-z_][A-Za-z0-9_]*__[A-Za-z0-9_]+|[A-Z][A-Z0-9_]*)=(?<value>.*)$")]
    private static partial Regex EnvFileLine();
}
