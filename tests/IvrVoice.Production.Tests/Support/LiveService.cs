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

    public TtsEmulator Emulator { get; private set; } = null!;

    internal ServiceProcess Service { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    internal Dictionary<string, string?> Settings { get; private set; } = [];

    public string CacheFolder => Path.Combine(_folder.Path, "cache");

    public string WorkingFolder => _folder.Path;

    public virtual async Task InitializeAsync()
    {
        Emulator = await TtsEmulator.StartAsync();
        Settings = ServiceSettings.For(CacheFolder, Repository.SamplePrompts, Emulator, "gemini", "openrouter");
        Configure(Settings);
        Service = await ServiceProcess.StartAsync(Settings, _folder.Path);
        Client = new HttpClient { BaseAddress = Service.Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Adds or changes settings before the service starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public virtual async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
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
