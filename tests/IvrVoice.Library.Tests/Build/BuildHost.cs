using IvrVoice.Caching;
using IvrVoice.Library.Build;
using IvrVoice.Prompts;
using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Library.Tests.Build;

/// <summary>
/// The real render pipeline and builder in this process, with a disk cache and an output folder of their own, rendering
/// offline through espeak-ng or through the routes of an emulator.
/// </summary>
internal sealed class BuildHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TempDirectory _folder;
    private readonly bool _ownsFolder;

    private BuildHost(ServiceProvider services, TempDirectory folder, bool ownsFolder)
    {
        _services = services;
        _folder = folder;
        _ownsFolder = ownsFolder;
    }

    public PromptLibraryBuilder Builder => _services.GetRequiredService<PromptLibraryBuilder>();

    public PromptCache Cache => _services.GetRequiredService<PromptCache>();

    /// <summary>The output folder builds write to unless told otherwise.</summary>
    public string Output => Path.Combine(_folder.Path, "dist");

    public string Folder => _folder.Path;

    /// <summary>Renders through espeak-ng only (no keys configured).</summary>
    public static BuildHost Offline(TempDirectory? folder = null) => Create(new Dictionary<string, string?>(), folder);

    /// <summary>Renders through the emulator's <paramref name="routes"/>, without retries, so one injected fault fails one attempt.</summary>
    public static BuildHost WithEmulator(TtsEmulator emulator, TempDirectory? folder = null, params string[] routes)
    {
        Dictionary<string, string?> settings = emulator.Settings(routes);
        foreach (string section in new[] { "Gemini", "OpenRouter", "Vtrix", "Pixazo", "Segmind", "AIgateway" })
        {
            settings[$"Providers:{section}:MaxRetryAttempts"] = "0";
            settings[$"Providers:{section}:PollInterval"] = "00:00:00.020";
            settings[$"Providers:{section}:MaxPollInterval"] = "00:00:00.050";
        }

        return Create(settings, folder);
    }

    /// <summary>A second host on the same folder (and so the same cache), as a second run of the program would be.</summary>
    public static BuildHost Create(IReadOnlyDictionary<string, string?> settings, TempDirectory? folder = null)
    {
        bool owns = folder is null;
        folder ??= new TempDirectory("ivrvoice-build-test-");
        Dictionary<string, string?> all = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Cache:Disk:Path"] = Path.Combine(folder.Path, "cache"),
            ["Cache:Disk:VerifyOnStart"] = "false",
            ["Providers:JournalFolder"] = Path.Combine(folder.Path, "jobs"),
        };
        foreach ((string key, string? value) in settings)
        {
            all[key] = value;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(configuration);
        services.AddLibraryBuilds();
        return new BuildHost(services.BuildServiceProvider(), folder, owns);
    }

    public LibraryBuildOptions Options(string? output = null) => new() { OutputFolder = output ?? Output, Concurrency = 2 };

    public Task<LibraryBuildResult> BuildAsync(PromptLibrary library, LibraryBuildOptions? options = null) =>
        Builder.BuildAsync(library, options ?? Options(), progress: null, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_ownsFolder)
        {
            _folder.Dispose();
        }
    }
}

/// <summary>Small libraries written for a test.</summary>
internal static class TestLibraries
{
    /// <summary>Two English prompts (one with a Gemini audio tag) and one Spanish prompt, written for Gemini 3.1.</summary>
    public static TempLibrary Small(string welcome = "Thank you for calling Northwind Dental.") => new(
        ("library.yaml", """
            library:
              name: Test Dental
              defaults:
                model: gemini-3.1-flash-tts
                temperature: 1.0
            """),
        ("en-US.yaml", $"""
            defaults:
              language: en-US
              voice: Kore
            prompts:
              - id: welcome
                text: {welcome}
              - id: hold
                text: Please hold. [short pause] Someone will be with you shortly.
            """),
        ("es-US.yaml", """
            defaults:
              language: es-US
              voice: Puck
            prompts:
              - id: welcome
                text: Gracias por llamar a Northwind Dental.
            """));

    public static PromptLibrary Load(TempLibrary library)
    {
        LibraryLoadResult result = library.Load();
        return result.Library ?? throw new InvalidOperationException(string.Join('\n', result.Diagnostics));
    }
}
