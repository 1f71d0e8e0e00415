using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Providers.Tests;

/// <summary>Builds the real service graph (AddTtsProviders) from settings, with short delays so tests run fast.</summary>
internal sealed class RouterHarness : IDisposable
{
    private static readonly string[] s_sections = ["Gemini", "AIgateway", "OpenRouter", "Vtrix", "Pixazo", "Segmind", "Espeak"];

    private readonly ServiceProvider _services;

    public RouterHarness(IDictionary<string, string?> settings, TimeProvider? timeProvider = null)
    {
        Dictionary<string, string?> all = new(StringComparer.OrdinalIgnoreCase);
        foreach (string section in s_sections)
        {
            all[$"Providers:{section}:RetryBaseDelay"] = "00:00:00.020";
            all[$"Providers:{section}:MaxRetryDelay"] = "00:00:03";
            all[$"Providers:{section}:PollInterval"] = "00:00:00.015";
            all[$"Providers:{section}:MaxPollInterval"] = "00:00:00.040";
            all[$"Providers:{section}:AttemptTimeout"] = "00:00:10";
            all[$"Providers:{section}:BreakerBreakDuration"] = "00:00:00.500";
        }

        foreach ((string key, string? value) in settings)
        {
            all[key] = value;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        ServiceCollection services = new();
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddTtsProviders(configuration);
        _services = services.BuildServiceProvider();
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public ITtsRouter Router => _services.GetRequiredService<ITtsRouter>();

    public ITtsJobJournal Journal => _services.GetRequiredService<ITtsJobJournal>();

    public IServiceProvider Services => _services;

    public static TtsRequest Request(string text = "Thank you for calling.", string voice = "Kore", string model = ModelCatalog.Gemini31FlashTts) =>
        new() { Text = text, Voice = voice, Model = model };

    public void Dispose() => _services.Dispose();
}
