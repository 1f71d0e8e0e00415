extern alias emulator;

using System.Net.Http.Headers;
using System.Text;
using emulator::IvrVoice.ProviderEmulator;

namespace IvrVoice.Production.Tests.Support;

/// <summary>
/// The provider emulator and the web app as its own process in front of it (the sample library's flows, JSON logs at Debug,
/// Twilio validation on), with an HTTP client for it. Subclasses and tests may add settings.
/// </summary>
public class LiveService : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("ivrvoice-live-");

    private TtsEmulator? _emulator;
    private ServiceProcess? _service;
    private HttpClient? _client;

    // A tool the service needs (PostgreSQL for some subclasses) missing while IVRVOICE_ALLOW_MISSING_TOOLS=1: each test that
    // reaches the service reports the skip itself, as a class fixture's failure would fail every test of the class instead.
    private SkipException? _missing;

    public TtsEmulator Emulator => _emulator ?? throw NotStarted();

    internal ServiceProcess Service => _service ?? throw NotStarted();

    public HttpClient Client => _client ?? throw NotStarted();

    internal Dictionary<string, string?> Settings { get; private set; } = [];

    public string CacheFolder => Path.Combine(_folder.Path, "cache");

    public string WorkingFolder => _folder.Path;

    public virtual async Task InitializeAsync()
    {
        _emulator = await TtsEmulator.StartAsync();
        Settings = ServiceSettings.For(CacheFolder, Repository.SamplePrompts, _emulator, "gemini", "openrouter");
        try
        {
            Configure(Settings);
        }
        catch (SkipException missing)
        {
            // Only thrown when missing tools are allowed (ExternalTools.Missing): the service is not started.
            _missing = missing;
            return;
        }

        _service = await ServiceProcess.StartAsync(Settings, _folder.Path);
        _client = new HttpClient { BaseAddress = _service.Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    private Exception NotStarted() =>
        _missing is not null ? new SkipException(_missing.Message) : new InvalidOperationException("The live service has not been started.");

    /// <summary>Adds or changes settings before the service starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public virtual async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>The service's error log events so far, rendered with their exceptions, for failure messages.</summary>
    public string Errors() => string.Join('\n', Service.JsonEvents()
        .Where(e => e.TryGetProperty("Level", out System.Text.Json.JsonElement level) && level.GetString() is "Error" or "Fatal")
        .Select(e => e.ToString()));

    /// <summary>POSTs JSON to the API with the test key (or <paramref name="apiKey"/>; null sends none).</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? apiKey = ServiceSettings.ApiKey, string contentType = "application/json")
    {
        HttpRequestMessage request = new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return Client.SendAsync(request);
    }
}
