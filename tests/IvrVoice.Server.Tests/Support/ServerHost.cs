extern alias emulator;

using System.Net.Http.Headers;
using System.Text;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Telephony.Signatures;
using IvrVoice.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace IvrVoice.Server.Tests.Support;

/// <summary>
/// The real web app (Program) on an in-memory test server, configured like a deployment: signatures checked against a public
/// base URL, an API key, a signing key, its own disk cache, the provider routes pointed at an emulator. Logs are captured.
/// </summary>
internal sealed class ServerHost : IAsyncDisposable
{
    // The values every test host shares (ServiceTestSettings), under the names these tests use.
    public const string PublicBaseUrl = ServiceTestSettings.PublicBaseUrl;
    public const string PublicWssStreamUrl = "wss://ivr.example.test/twilio/stream";
    public const string AuthToken = ServiceTestSettings.AuthToken;
    public const string ApiKey = ServiceTestSettings.ApiKey;
    public const string SigningKey = ServiceTestSettings.SigningKey;
    public const string CallerNumber = ServiceTestSettings.CallerNumber;

    private readonly Factory _factory;
    private readonly TempDirectory _cache;

    static ServerHost()
    {
        // The app's content root; the test factory would otherwise look for the solution above the test binaries.
        string contentRoot = Directory.CreateTempSubdirectory("ivrvoice-server-root-").FullName;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_IVRVOICE_SERVER", contentRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(contentRoot, recursive: true);
            }
            catch (IOException)
            {
                // Left for the system's temp cleaning.
            }
        };
    }

    private ServerHost(Factory factory, TempDirectory cache)
    {
        _factory = factory;
        _cache = cache;
        WebApplicationFactoryClientOptions options = new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost") };
        Client = factory.CreateDefaultClient(options.BaseAddress, new TwilioMediaFetchSigner());
        UnsignedClient = factory.CreateClient(options);
    }

    /// <summary>Signs prompt-audio GET and HEAD requests the way Twilio's media fetcher does; everything else goes as written.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends every request exactly as written: what a client other than Twilio sends.</summary>
    public HttpClient UnsignedClient { get; }

    public LogCapture Logs => _factory.Logs;

    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts the app against <paramref name="emulator"/>'s routes (gemini by default), with <paramref name="library"/> as the flows,
    /// and <paramref name="overrides"/> applied last.
    /// </summary>
    public static ServerHost Start(TtsEmulator? emulator, string libraryFolder, IReadOnlyDictionary<string, string?>? overrides = null, params string[] routes) =>
        Start(null, emulator, libraryFolder, overrides, routes);

    /// <summary>As above, with <paramref name="configureServices"/> applied to the app's services last (test exporters).</summary>
    public static ServerHost Start(
        Action<IServiceCollection>? configureServices, TtsEmulator? emulator, string libraryFolder, IReadOnlyDictionary<string, string?>? overrides, params string[] routes)
    {
        TempDirectory cache = new("ivrvoice-server-cache-");
        Dictionary<string, string?> settings = Settings(emulator, libraryFolder, new Dictionary<string, string?>
        {
            ["Cache:Store"] = "Disk",
            ["Cache:Disk:Path"] = cache.Path,
            ["Cache:Disk:VerifyOnStart"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        }, routes);
        foreach ((string key, string? value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        try
        {
            ExternalTools.RequireForHost(settings);
        }
        catch
        {
            cache.Dispose();
            throw;
        }

        Factory factory = new(settings, configureServices);
        try
        {
            return new ServerHost(factory, cache);
        }
        catch
        {
            factory.Dispose();
            cache.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The settings every test host starts from, configured like a deployment: signatures checked against a public base URL,
    /// an API key, a signing key, <paramref name="libraryFolder"/> as the flows, the provider routes (gemini by default) pointed
    /// at <paramref name="emulator"/> with short retry delays, and <paramref name="overrides"/> applied last. <see cref="Start"/>
    /// adds its own disk cache; tests that run the server as its own process (<see cref="ServiceProcess"/>) start from these.
    /// </summary>
    public static Dictionary<string, string?> Settings(
        TtsEmulator? emulator, string libraryFolder, IReadOnlyDictionary<string, string?>? overrides = null, params string[] routes)
    {
        Dictionary<string, string?> settings = ServiceTestSettings.For(libraryFolder, emulator?.Settings(routes.Length == 0 ? ["gemini"] : routes));
        settings["Providers:Gemini:RetryBaseDelay"] = "00:00:00.020";
        settings["Providers:OpenRouter:RetryBaseDelay"] = "00:00:00.020";
        foreach ((string key, string? value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Twilio's parameters for a voice webhook, as it posts them for an inbound call.</summary>
    public static Dictionary<string, string> CallParameters(string callSid = "CA0123456789abcdef0123456789abcdef") => new(StringComparer.Ordinal)
    {
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["ApiVersion"] = "2010-04-01",
        ["CallSid"] = callSid,
        ["CallStatus"] = "in-progress",
        ["Caller"] = CallerNumber,
        ["Direction"] = "inbound",
        ["From"] = CallerNumber,
        ["To"] = ServiceTestSettings.CalledNumber,
    };

    /// <summary>A form POST signed the way Twilio signs it, for the public URL of <paramref name="pathAndQuery"/>.</summary>
    public static HttpRequestMessage SignedPost(string pathAndQuery, IReadOnlyDictionary<string, string> form, string token = AuthToken)
    {
        HttpRequestMessage request = new(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(token, PublicBaseUrl + pathAndQuery, form));
        return request;
    }

    /// <summary>Posts a signed webhook and returns the TwiML, failing the test on anything but 200 application/xml.</summary>
    public async Task<TwiML> PostWebhookAsync(string pathAndQuery, IReadOnlyDictionary<string, string>? form = null)
    {
        using HttpResponseMessage response = await Client.SendAsync(SignedPost(pathAndQuery, form ?? CallParameters()));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        return TwiML.Parse(body);
    }

    /// <summary>The path and query of a URL the service handed out under its public base URL.</summary>
    public static string LocalPath(string publicUrl)
    {
        Assert.StartsWith(PublicBaseUrl + "/", publicUrl, StringComparison.Ordinal);
        return publicUrl[PublicBaseUrl.Length..];
    }

    /// <summary>A JSON POST request to the API with the test key (or <paramref name="apiKey"/>; null sends none).</summary>
    public static HttpRequestMessage ApiPost(string path, string json, string? apiKey = ApiKey)
    {
        HttpRequestMessage request = new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return request;
    }

    /// <summary>Sends <see cref="ApiPost"/> through the test server (with <paramref name="cacheMode"/> as X-Cache-Mode when given).</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? apiKey = ApiKey, string? cacheMode = null)
    {
        HttpRequestMessage request = ApiPost(path, json, apiKey);
        if (cacheMode is not null)
        {
            request.Headers.Add("X-Cache-Mode", cacheMode);
        }

        return Client.SendAsync(request);
    }

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    /// <summary>A WebSocket client connected to the in-memory server (what Twilio's Media Streams connect with).</summary>
    public WebSocketClient CreateWebSocketClient() => _factory.Server.CreateWebSocketClient();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        IServiceProvider services = _factory.Services;
        try
        {
            await _factory.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // The test factory stops the host twice (its own StopAsync and the one app.Run makes on shutdown), and the cache's
            // start-up service disposes its token source on the first stop; release what the interrupted dispose left.
            if (services is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        _cache.Dispose();
    }

    /// <summary>Twilio signs its &lt;Play&gt; fetches: URL-only signatures over the public URL.</summary>
    private sealed class TwilioMediaFetchSigner : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string pathAndQuery = request.RequestUri!.PathAndQuery;
            if ((request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
                && pathAndQuery.StartsWith("/prompts/", StringComparison.Ordinal)
                && !request.Headers.Contains(TwilioSignature.HeaderName))
            {
                request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(AuthToken, PublicBaseUrl + pathAndQuery));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices) : WebApplicationFactory<Program>
    {
        public LogCapture Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
            if (configureServices is not null)
            {
                builder.ConfigureTestServices(configureServices);
            }
        }
    }
}

/// <summary>A parsed TwiML answer with the queries tests ask of it.</summary>
internal sealed class TwiML
{
    private TwiML(System.Xml.Linq.XDocument document, string xml)
    {
        Document = document;
        Xml = xml;
    }

    public System.Xml.Linq.XDocument Document { get; }

    public string Xml { get; }

    public System.Xml.Linq.XElement Root => Document.Root!;

    /// <summary>The verbs directly under &lt;Response&gt;, by name, in order.</summary>
    public IReadOnlyList<string> Verbs => [.. Root.Elements().Select(e => e.Name.LocalName)];

    public System.Xml.Linq.XElement? Gather => Root.Element("Gather");

    /// <summary>Every &lt;Play&gt; URL, nested or not, in document order.</summary>
    public IReadOnlyList<string> PlayUrls => [.. Root.Descendants("Play").Select(e => e.Value)];

    /// <summary>Every &lt;Say&gt;, nested or not, in document order.</summary>
    public IReadOnlyList<System.Xml.Linq.XElement> Says => [.. Root.Descendants("Say")];

    public string? GatherAction => Gather?.Attribute("action")?.Value;

    public static TwiML Parse(string xml) => new(System.Xml.Linq.XDocument.Parse(xml), xml);
}
