using YamlDotNet.RepresentationModel;

namespace IvrVoice.Production.Tests.Deploy;

/// <summary>
/// Docker cannot run here, so the deploy files are checked against the service itself: every setting they name must be
/// one the service reads (and its literal value one it accepts), secrets must come from secret stores, and the manifests
/// must point at each other and at the health endpoints.
/// </summary>
public sealed class DeploySettingsTests
{
    [Fact]
    public void DeployFiles_EverySettingNamed_IsReadByTheService()
    {
        IReadOnlyList<DeploySetting> settings = DeployFiles.AllSettings();

        string[] problems = [.. settings.Select(ServiceConfigurationModel.Check).OfType<string>()];

        Assert.True(settings.Count > 30, $"Expected the deploy files to name many settings; found {settings.Count}.");
        Assert.True(problems.Length == 0, "Settings the service would ignore or refuse:\n" + string.Join('\n', problems));
    }

    [Theory]
    [InlineData("Cache__Stor", "Postgres", "no setting 'Stor'")]
    [InlineData("Providers__Gemini__ApiKy", "x", "no setting 'ApiKy'")]
    [InlineData("Providers__Gemeni__ApiKey", "x", "no setting 'Gemeni'")]
    [InlineData("Service__InCallWait", "five seconds", "does not bind")]
    [InlineData("Cache__Store", "Redis", "does not bind")]
    [InlineData("Service__RateLimit", "20", "is a section")]
    [InlineData("Twilio__SecondaryAuthTokens__first", "x", "list index")]
    [InlineData("Serilog__MinimumLevel__Default", "Loud", "not a Serilog level")]
    [InlineData("Telephony__AuthToken", "x", "no section")]
    [InlineData("ASPNETCORE_PORT", "8080", "reads the variable")]
    public void Check_SettingTheServiceDoesNotRead_IsReportedWithTheReason(string name, string value, string reason)
    {
        string? problem = ServiceConfigurationModel.Check(new DeploySetting("test", name, value));

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RouteSections_ComeFromTheRouter()
    {
        Assert.Equal(["Gemini", "OpenRouter", "AIgateway", "Segmind", "Vtrix", "Pixazo", "Espeak"], ServiceConfigurationModel.RouteSections);
    }

    [Fact]
    public void DeployFiles_SecretSettings_NeverHoldLiteralValues()
    {
        // Literal values are fine only where the file is a template the operator fills in (the env examples, empty values).
        DeploySetting[] leaked =
        [
            .. DeployFiles.AllSettings().Where(s => ServiceSettings.IsSecret(s.Key) && !string.IsNullOrEmpty(s.Value)),
        ];

        Assert.True(leaked.Length == 0, "Secrets written into deploy files: " + string.Join(", ", leaked.Select(s => s.ToString())));
        Assert.Contains(DeployFiles.KubernetesEnvironmentEntries(), e => e.Setting.Name == "Twilio__AuthToken" && e.SecretKey is not null);
        Assert.Contains(DeployFiles.ComposeService()["environment"].AllNodes.OfType<YamlScalarNode>(), n => n.Value?.StartsWith("${TWILIO_AUTH_TOKEN:?", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Kubernetes_SecretReferences_AreAllListedInTheSecretExample()
    {
        YamlMappingNode secret = DeployFiles.KubernetesObject("Secret", "secret.example.yaml");
        string secretName = DeployFiles.Scalar((YamlMappingNode)secret["metadata"], "name")!;
        HashSet<string> keys = [.. ((YamlMappingNode)secret["stringData"]).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!)];
        YamlMappingNode container = DeployFiles.Container();

        foreach (YamlMappingNode reference in container.AllNodes.OfType<YamlMappingNode>().Where(n => n.Children.ContainsKey(new YamlScalarNode("secretKeyRef"))).Select(n => (YamlMappingNode)n["secretKeyRef"]))
        {
            Assert.Equal(secretName, DeployFiles.Scalar(reference, "name"));
            Assert.Contains(DeployFiles.Scalar(reference, "key")!, keys);
        }

        // The example is a template: kustomize must never apply its placeholders.
        string kustomization = File.ReadAllText(Path.Combine(DeployFiles.Kubernetes, "kustomization.yaml"));
        Assert.DoesNotContain("secret.example.yaml", kustomization.Split('\n').Where(l => !l.TrimStart().StartsWith('#')), StringComparer.Ordinal);
    }

    [Fact]
    public void Kubernetes_Manifests_ReferToEachOtherAndProbeTheHealthEndpoints()
    {
        YamlMappingNode deployment = DeployFiles.KubernetesObject("Deployment", "deployment.yaml");
        YamlMappingNode container = DeployFiles.Container();
        string name = DeployFiles.Scalar((YamlMappingNode)deployment["metadata"], "name")!;
        YamlMappingNode selector = (YamlMappingNode)DeployFiles.Node(deployment, "spec", "selector", "matchLabels");
        YamlMappingNode podLabels = (YamlMappingNode)DeployFiles.Node(deployment, "spec", "template", "metadata", "labels");
        foreach ((YamlNode key, YamlNode value) in selector.Children)
        {
            Assert.Equal(((YamlScalarNode)value).Value, DeployFiles.Scalar(podLabels, ((YamlScalarNode)key).Value!));
        }

        Assert.Equal("/healthz", DeployFiles.Scalar((YamlMappingNode)DeployFiles.Node(container, "livenessProbe", "httpGet"), "path"));
        Assert.Equal("/readyz", DeployFiles.Scalar((YamlMappingNode)DeployFiles.Node(container, "readinessProbe", "httpGet"), "path"));
        Assert.Equal("/healthz", DeployFiles.Scalar((YamlMappingNode)DeployFiles.Node(container, "startupProbe", "httpGet"), "path"));
        YamlMappingNode port = (YamlMappingNode)((YamlSequenceNode)container["ports"]).Children.Single();
        Assert.Equal("http", DeployFiles.Scalar(port, "name"));
        string containerPort = DeployFiles.Scalar(port, "containerPort")!;
        string? urls = DeployFiles.KubernetesEnvironment().Single(s => s.Name == "ASPNETCORE_URLS").Value;
        Assert.EndsWith(":" + containerPort, urls, StringComparison.Ordinal);

        YamlMappingNode service = DeployFiles.KubernetesObject("Service", "service.yaml");
        Assert.Equal("http", DeployFiles.Scalar((YamlMappingNode)((YamlSequenceNode)DeployFiles.Node(service, "spec", "ports")).Children.Single(), "targetPort"));
        foreach ((YamlNode key, YamlNode value) in ((YamlMappingNode)DeployFiles.Node(service, "spec", "selector")).Children)
        {
            Assert.Equal(((YamlScalarNode)value).Value, DeployFiles.Scalar(podLabels, ((YamlScalarNode)key).Value!));
        }

        YamlMappingNode hpa = DeployFiles.KubernetesObject("HorizontalPodAutoscaler", "hpa.yaml");
        YamlMappingNode target = (YamlMappingNode)DeployFiles.Node(hpa, "spec", "scaleTargetRef");
        Assert.Equal("Deployment", DeployFiles.Scalar(target, "kind"));
        Assert.Equal(name, DeployFiles.Scalar(target, "name"));
        Assert.True(int.Parse(DeployFiles.Scalar((YamlMappingNode)hpa["spec"], "minReplicas")!, CultureInfo.InvariantCulture) >= 2, "One pod is no redundancy.");
        Assert.NotNull(DeployFiles.Node(container, "resources", "requests"));   // the HPA's CPU utilisation needs a CPU request

        string configMapName = DeployFiles.Scalar((YamlMappingNode)DeployFiles.KubernetesObject("ConfigMap", "configmap.yaml")["metadata"], "name")!;
        YamlMappingNode settingsVolume = ((YamlSequenceNode)DeployFiles.Node(deployment, "spec", "template", "spec", "volumes")).Children
            .Cast<YamlMappingNode>().Single(v => DeployFiles.Scalar(v, "name") == "settings");
        Assert.Equal(configMapName, DeployFiles.Scalar((YamlMappingNode)settingsVolume["configMap"], "name"));
        YamlMappingNode mount = ((YamlSequenceNode)container["volumeMounts"]).Children.Cast<YamlMappingNode>().Single(m => DeployFiles.Scalar(m, "name") == "settings");
        Assert.Equal(DeployFiles.DockerStages()[^1].WorkDir + "/appsettings.Production.json", DeployFiles.Scalar(mount, "mountPath"));

        YamlMappingNode kustomization = DeployFiles.LoadYaml(Path.Combine(DeployFiles.Kubernetes, "kustomization.yaml")).Single();
        foreach (YamlScalarNode resource in ((YamlSequenceNode)kustomization["resources"]).Children.Cast<YamlScalarNode>())
        {
            Assert.True(File.Exists(Path.Combine(DeployFiles.Kubernetes, resource.Value!)), $"kustomization.yaml lists {resource.Value}, which does not exist.");
        }
    }

    [Fact]
    public void Compose_EveryVariable_IsDocumentedInTheEnvExample()
    {
        HashSet<string> documented = [.. File.ReadAllLines(DeployFiles.ComposeEnvExample)
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)])];
        string[] used = [.. DeployFiles.LoadYaml(DeployFiles.Compose).Single().AllNodes.OfType<YamlScalarNode>()
            .SelectMany(n => DeployFiles.ComposeVariables(n.Value ?? "")).Distinct()];

        Assert.NotEmpty(used);
        Assert.All(used, variable => Assert.Contains(variable, documented));
        Assert.Equal("service_healthy", DeployFiles.Scalar((YamlMappingNode)DeployFiles.Node(DeployFiles.ComposeService(), "depends_on", "postgres"), "condition"));
    }

    [Fact]
    public void SystemdUnit_InstallPublish_IsTheDockerfilesPublishToAnotherFolder()
    {
        // The unit's install comment is the only place a plain host learns the publish command: it must build what the
        // image builds (ReadyToRun for linux-x64), only into /opt/ivrvoice and with its own restore.
        string docker = DeployFiles.DockerStages()[0].Runs.Single(r => r.StartsWith("dotnet publish ", StringComparison.Ordinal));
        string unit = File.ReadAllLines(DeployFiles.SystemdUnit).Select(l => l.TrimStart('#', ' ')).Single(l => l.StartsWith("dotnet publish ", StringComparison.Ordinal));

        Assert.Equal(docker.Replace(" --no-restore", "", StringComparison.Ordinal).Replace("-o /app", "-o /opt/ivrvoice", StringComparison.Ordinal), unit);
        Assert.Contains("-p:PublishReadyToRun=true", docker, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemdUnit_UMask_KeepsEverythingTheServiceCreatesPrivate()
    {
        string[] lines = File.ReadAllLines(DeployFiles.SystemdUnit);

        Assert.Contains("UMask=0077", lines);
    }

    [Fact]
    public void ShippedConnectionStrings_SetEveryNpgsqlWait()
    {
        foreach (string file in new[] { DeployFiles.Compose, Path.Combine(DeployFiles.Kubernetes, "secret.example.yaml"), DeployFiles.SystemdEnvExample })
        {
            string text = File.ReadAllText(file);
            foreach (string wait in new[] { "Timeout=5", "Command Timeout=10", "Cancellation Timeout=2000", "Keepalive=30" })
            {
                Assert.True(text.Contains(wait, StringComparison.Ordinal), $"{Path.GetFileName(file)} has no {wait} in its connection string");
            }
        }
    }

    [Fact]
    public void Dockerfile_IsMultiStage_AndRunsTheServiceUnprivileged()
    {
        IReadOnlyList<DockerStage> stages = DeployFiles.DockerStages();
        string dockerfile = File.ReadAllText(DeployFiles.Dockerfile);

        Assert.True(stages.Count >= 2, "Build and runtime must be separate stages.");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", stages[0].Base, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", stages[^1].Base, StringComparison.Ordinal);
        Assert.Contains(stages[0].Runs, r => r.StartsWith("dotnet publish src/IvrVoice.Server/IvrVoice.Server.csproj", StringComparison.Ordinal));
        Assert.Contains(stages[^1].Copies, c => c.Stage == stages[0].Name);
        Assert.Contains("USER app", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"IvrVoice.Server.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains(stages[^1].Runs, r => r.Contains("espeak-ng", StringComparison.Ordinal));
    }
}
