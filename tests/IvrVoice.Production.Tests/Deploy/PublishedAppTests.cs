using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Production.Tests.Deploy;

/// <summary>
/// The app built exactly as deploy/Dockerfile builds it starts with each deploy file's settings (compose, Kubernetes,
/// systemd), against the PostgreSQL started by scripts/postgres.sh where the file asks for it, and answers its health
/// endpoints. Values the files leave to secrets or to the operator are filled with test values; container paths are
/// moved under a temp folder that stands for the container's root.
/// </summary>
public sealed partial class PublishedAppTests(PublishedApp app, PostgresFixture postgres) : IClassFixture<PublishedApp>, IClassFixture<PostgresFixture>
{
    private static readonly Dictionary<string, string> SecretValues = new(StringComparer.Ordinal)
    {
        ["twilio-auth-token"] = ServiceSettings.AuthToken,
        ["url-signing-key"] = ServiceSettings.SigningKey,
        ["api-key"] = ServiceSettings.ApiKey,
    };

    [SkippableFact]
    public async Task Published_WithComposeSettings_StartsOnPostgresAndIsReady()
    {
        using TempDirectory root = new("ivrvoice-container-");
        string workDir = app.LayOutImage(root.Path);
        Dictionary<string, string> variables = new(StringComparer.Ordinal)
        {
            ["IVRVOICE_URL_SIGNING_KEY"] = ServiceSettings.SigningKey,
            ["IVRVOICE_API_KEY"] = ServiceSettings.ApiKey,
            ["TWILIO_AUTH_TOKEN"] = ServiceSettings.AuthToken,
            ["IVRVOICE_PUBLIC_BASE_URL"] = ServiceSettings.PublicBaseUrl,
            ["POSTGRES_PASSWORD"] = "compose-postgres-password",
        };
        Dictionary<string, string?> environment = ContainerEnvironment(root.Path);
        foreach ((YamlDotNet.RepresentationModel.YamlNode key, YamlDotNet.RepresentationModel.YamlNode value) in
                 ((YamlDotNet.RepresentationModel.YamlMappingNode)DeployFiles.ComposeService()["environment"]).Children)
        {
            string name = key.ToString();
            environment[name] = Loopback(PublishedApp.MapPaths(DeployFiles.Interpolate(value.ToString(), variables), root.Path));
        }

        // compose reaches the database as host "postgres" on its own network; here it is the test server.
        Assert.Contains("Host=postgres;", environment["Cache__Postgres__ConnectionString"], StringComparison.Ordinal);
        environment["Cache__Postgres__ConnectionString"] = postgres.ConnectionString;

        await using ServiceProcess service = await StartAsync(workDir, environment);

        await AssertHealthyAsync(service, "postgres");
    }

    [SkippableFact]
    public async Task Published_WithKubernetesSettings_StartsIsReadyAndAnswersAWebhook()
    {
        using TempDirectory root = new("ivrvoice-container-");
        string workDir = app.LayOutImage(root.Path);
        Dictionary<string, string?> environment = ContainerEnvironment(root.Path);
        Dictionary<string, string> secrets = new(SecretValues, StringComparer.Ordinal) { ["postgres-connection-string"] = postgres.ConnectionString };
        foreach ((DeploySetting setting, string? secretKey, bool optional) in DeployFiles.KubernetesEnvironmentEntries())
        {
            if (secretKey is null)
            {
                environment[setting.Name] = Loopback(PublishedApp.MapPaths(setting.Value ?? "", root.Path));
            }
            else if (secrets.TryGetValue(secretKey, out string? secret))
            {
                environment[setting.Name] = secret;
            }
            else
            {
                Assert.True(optional, $"The Secret key {secretKey} has no test value and is not optional.");
            }
        }

        // The ConfigMap is mounted over WORKDIR/appsettings.Production.json.
        string appSettings = PublishedApp.MapPaths(DeployFiles.ConfigMapAppSettings(), root.Path);
        await File.WriteAllTextAsync(Path.Combine(workDir, "appsettings.Production.json"), appSettings);
        string publicBaseUrl = DeployFiles.KubernetesConfigMapSettings().Single(s => s.Key == "Twilio:PublicBaseUrl").Value!;

        await using ServiceProcess service = await StartAsync(workDir, environment);

        await AssertHealthyAsync(service, "postgres");
        using HttpClient client = new() { BaseAddress = service.Url };
        Dictionary<string, string> form = Twilio.CallParameters(Twilio.CallSid(1));
        using HttpRequestMessage webhook = new(HttpMethod.Post, "/twilio/voice/main") { Content = new FormUrlEncodedContent(form) };
        webhook.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServiceSettings.AuthToken, publicBaseUrl + "/twilio/voice/main", form));
        using HttpResponseMessage answer = await client.SendAsync(webhook);
        string twiml = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {twiml}");
        Twilio.AssertSpeaks(twiml);
        Assert.Equal(0, await service.StopAsync());
    }

    [Fact]
    public void Published_OurAssemblies_AreReadyToRun()
    {
        // Precompiled code lives in the image's managed native header; an IL-only assembly has none, and a cold node
        // compiles every method it meets on its first calls.
        string[] ours = Directory.GetFiles(app.Folder, "IvrVoice.*.dll");
        Assert.NotEmpty(ours);
        Assert.All(ours, path =>
        {
            using FileStream file = File.OpenRead(path);
            using System.Reflection.PortableExecutable.PEReader reader = new(file);
            Assert.True(reader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{Path.GetFileName(path)} was published without ReadyToRun code.");
        });
    }

    [SkippableFact]
    public async Task Published_WithSystemdSettings_StartsOnTheDiskStoreAndStopsCleanly()
    {
        using TempDirectory root = new("ivrvoice-host-");
        // The unit runs the publish output from /opt/ivrvoice with the library copied next to it.
        string installed = PublishedApp.MapPath("/opt/ivrvoice", root.Path);
        string image = Path.Combine(root.Path, "image");
        string imageWorkDir = app.LayOutImage(image);
        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        Directory.Move(imageWorkDir, installed);
        string unit = await File.ReadAllTextAsync(DeployFiles.SystemdUnit);
        Match exec = ExecStart().Match(unit);
        Assert.True(exec.Success, "The unit has no ExecStart=/usr/bin/dotnet <dll>.");
        Assert.Equal(installed, PublishedApp.MapPaths(WorkingDirectory().Match(unit).Groups["dir"].Value, root.Path));

        Dictionary<string, string?> environment = new(StringComparer.Ordinal);
        foreach (DeploySetting setting in DeployFiles.SystemdSettings())
        {
            string value = setting.Value ?? "";
            if (value.Length == 0 && ServiceSettings.IsSecret(setting.Key))
            {
                value = setting.Key switch
                {
                    "Twilio:AuthToken" => ServiceSettings.AuthToken,
                    "Service:UrlSigningKey" => ServiceSettings.SigningKey,
                    _ => "",
                };
            }

            // Commented-out lines name optional settings; the unit runs without them.
            if (File.ReadAllLines(DeployFiles.SystemdEnvExample).Contains("#" + setting.Name + "=" + setting.Value))
            {
                continue;
            }

            environment[setting.Name] = Loopback(PublishedApp.MapPaths(value, root.Path));
        }

        await using ServiceProcess service = await StartAsync(installed, environment, PublishedApp.MapPaths(exec.Groups["dll"].Value, root.Path));

        await AssertHealthyAsync(service, "disk");
        Assert.True(Directory.Exists(PublishedApp.MapPath("/var/lib/ivrvoice/cache", root.Path)), "The cache folder the unit names was not created.");
        Assert.Equal(0, await service.StopAsync());
    }

    /// <summary>The Dockerfile's runtime ENV, container paths moved under <paramref name="root"/>.</summary>
    private static Dictionary<string, string?> ContainerEnvironment(string root) =>
        DeployFiles.DockerStages()[^1].Env.ToDictionary(e => e.Key, e => (string?)Loopback(PublishedApp.MapPaths(e.Value, root)), StringComparer.Ordinal);

    /// <summary>A listening address with a fixed port (http://+:8080) becomes a free loopback port, so tests never clash.</summary>
    private static string Loopback(string value) => ListenAddress().Replace(value, "http://127.0.0.1:0");

    private static async Task<ServiceProcess> StartAsync(string workDir, Dictionary<string, string?> environment, string? assembly = null)
    {
        Assert.Contains("ASPNETCORE_URLS", environment.Keys);
        string entryPoint = assembly ?? Path.Combine(workDir, EntryPointAssembly());
        Assert.True(File.Exists(entryPoint), $"The published output has no {entryPoint}.");
        return await ServiceProcess.StartAsync(environment, workDir, entryPoint, chooseAddress: false);
    }

    private static string EntryPointAssembly()
    {
        Match entry = EntryPoint().Match(File.ReadAllText(DeployFiles.Dockerfile));
        Assert.True(entry.Success, "The Dockerfile has no ENTRYPOINT [\"dotnet\", \"<dll>\"].");
        return entry.Groups["dll"].Value;
    }

    private static async Task AssertHealthyAsync(ServiceProcess service, string store)
    {
        using HttpClient client = new() { BaseAddress = service.Url };
        using HttpResponseMessage live = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using HttpResponseMessage ready = await client.GetAsync("/readyz");
        string body = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/readyz answered {(int)ready.StatusCode}: {body}\n{service.Output}");
        using JsonDocument readiness = JsonDocument.Parse(body);
        Assert.Equal("ready", readiness.RootElement.GetProperty("status").GetString());
        Assert.Equal(store, readiness.RootElement.GetProperty("store").GetProperty("name").GetString());
        Assert.True(readiness.RootElement.GetProperty("flows").GetInt32() > 0, "The sample library's flows were not loaded.");

        // Every deploy file asks for JSON logs: each line the service wrote must be one JSON object.
        string[] notJson = [.. service.Lines.Where(l => l.Length > 0 && !IsJsonObject(l))];
        Assert.True(notJson.Length == 0, "Lines that are not JSON:\n" + string.Join('\n', notJson.Take(10)));
        Assert.NotEmpty(service.Lines);
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"http://(\+|\*|0\.0\.0\.0|127\.0\.0\.1|localhost):\d+")]
    private static partial Regex ListenAddress();

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""(?<dll>[^""]+)""\]")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"^ExecStart=/usr/bin/dotnet (?<dll>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ExecStart();

    [GeneratedRegex(@"^WorkingDirectory=(?<dir>\S+)$", RegexOptions.Multiline)]
    private static partial Regex WorkingDirectory();
}
