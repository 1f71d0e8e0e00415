extern alias server;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Announcement = server::IvrVoice.Server.Announcements.Announcement;
using AnnouncementResolver = server::IvrVoice.Server.Announcements.AnnouncementResolver;
using AnnouncementUrlCheck = server::IvrVoice.Server.Announcements.AnnouncementUrlCheck;
using AnnouncementUrls = server::IvrVoice.Server.Announcements.AnnouncementUrls;
using ApiKeys = server::IvrVoice.Server.Api.ApiKeys;
using CallFlows = server::IvrVoice.Server.Voice.CallFlows;
using FlowOptions = server::IvrVoice.Server.Hosting.FlowOptions;
using ServiceOptions = server::IvrVoice.Server.Hosting.ServiceOptions;
using SignedAnnouncement = server::IvrVoice.Server.Announcements.SignedAnnouncement;

namespace IvrVoice.Benchmarks.Serving;

/// <summary>
/// Each category pairs the work a request did before the per-request savings (the baseline) with what it does now, so
/// the Ratio column is the saving.
/// </summary>
internal sealed class SavingsConfig : MicrosecondConfig
{
    public SavingsConfig()
        : base("PerRequest", BenchmarkLogicalGroupRule.ByCategory)
    {
        AddColumnProvider(DefaultColumnProviders.Instance);
    }
}

/// <summary>
/// The per-request work issue 14 took out of the serving path, measured before and after on the same inputs:
/// <list type="bullet">
/// <item><b>prompt key</b>: each prompt of a webhook answer had its key computed from its spec (normalisation, canonical
/// bytes, SHA-256, hex, parse); now the key is kept with the flow's cached spec.</item>
/// <item><b>API key</b>: the rate limiter and the key filter each hashed the presented key; now the first answer is
/// kept on the request.</item>
/// <item><b>announcement fetch</b>: <c>/twilio/announce</c> played a freshly signed announcement URL, whose every fetch
/// parsed the query, checked the HMAC and expiry, decoded the payload, built the spec (SSML check included) and
/// computed its key before the cache lookup; now it plays <c>/prompts/{key}.wav</c>, whose fetch parses the key. The
/// cache lookup and the response that follow are the same on both paths and are not included.</item>
/// </list>
/// Run: <c>dotnet run -c Release --project tests/IvrVoice.Benchmarks -- --filter '*PerRequestSavings*'</c>.
/// </summary>
[Config(typeof(SavingsConfig))]
[CategoriesColumn]
public class PerRequestSavingsBenchmarks
{
    private const string Presented = "api-key-9c1e4b7a20d35f68e1b4";

    private ServiceProvider _services = null!;
    private PromptSpec _spec = null!;
    private ApiKeys _apiKeys = null!;
    private AnnouncementUrls _urls = null!;
    private AnnouncementResolver _resolver = null!;
    private string _signedQuery = null!;
    private string _keyText = null!;

    [GlobalSetup]
    public void Setup()
    {
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:Order"] = "espeak",
        }).Build());
        _services = services.BuildServiceProvider();
        PromptRenderer renderer = _services.GetRequiredService<PromptRenderer>();

        // A prompt of the sample library, as the call flows hold it.
        _spec = renderer.CreateSpec(new PromptRequest
        {
            Text = "Thank you for calling. For opening hours, press 1. To speak with someone, press 0.",
            Voice = "Kore",
            Language = "en-US",
        });

        ServiceOptions serviceOptions = new() { UrlSigningKey = "bench-url-signing-key-4f1a9c", ApiKeys = [Presented, "api-key-second-6d2e0b"] };
        _apiKeys = new ApiKeys(Options.Create(serviceOptions));
        _urls = new AnnouncementUrls(Options.Create(serviceOptions), TimeProvider.System);
        CallFlows flows = new(Options.Create(new FlowOptions { Folder = RepositoryPrompts() }), new BenchHostEnvironment(), _services.GetRequiredService<ITtsRouter>());
        _resolver = new AnnouncementResolver(
            renderer, _services.GetRequiredService<AnnouncementRenderer>(), flows, _services.GetRequiredService<IOptions<PromptOptions>>(), TimeProvider.System);

        Announcement announcement = new("Your table for four is ready. Please come to the front desk.", Voice: "Kore", Language: "en-US");
        string signed = _urls.CreatePathAndQuery(announcement, DateTimeOffset.UtcNow.AddDays(1));
        _signedQuery = signed[signed.IndexOf('?', StringComparison.Ordinal)..];
        _keyText = _resolver.Prepare(announcement).Key.ToString();
        if (CheckSigned() != AnnouncementUrlCheck.Valid)
        {
            throw new InvalidOperationException("The signed announcement URL does not verify.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "before: key computed from the spec")]
    [BenchmarkCategory("prompt key, per prompt")]
    public PromptKey KeyComputed() => PromptKeys.Compute(_spec);

    [Benchmark(Description = "after: key kept with the spec")]
    [BenchmarkCategory("prompt key, per prompt")]
    public PromptKey KeyKept() => PromptKeys.For(_spec);

    [Benchmark(Baseline = true, Description = "before: hashed by limiter and filter")]
    [BenchmarkCategory("API key, per /api request")]
    public int ApiKeyHashedTwice()
    {
        DefaultHttpContext context = Request();
        int limiter = _apiKeys.Match(context.Request.Headers[ApiKeys.HeaderName].ToString());
        int filter = _apiKeys.Match(context.Request.Headers[ApiKeys.HeaderName].ToString());
        return limiter + filter;
    }

    [Benchmark(Description = "after: hashed once, kept on the request")]
    [BenchmarkCategory("API key, per /api request")]
    public int ApiKeyHashedOnce()
    {
        DefaultHttpContext context = Request();
        return _apiKeys.Match(context) + _apiKeys.Match(context);
    }

    [Benchmark(Baseline = true, Description = "before: signed URL checked, spec built, key computed")]
    [BenchmarkCategory("announcement audio fetch")]
    public PromptKey AnnouncementBySignedUrl()
    {
        IQueryCollection query = new QueryCollection(QueryHelpers.ParseQuery(_signedQuery));
        if (_urls.Verify(query, out SignedAnnouncement? signed) != AnnouncementUrlCheck.Valid || _urls.SecondsUntilExpiry(query) <= 0)
        {
            throw new InvalidOperationException("refused");
        }

        return PromptKeys.Compute(_resolver.Prepare(signed!.Payload!).Spec);
    }

    [Benchmark(Description = "after: /prompts/{key}.wav, key parsed")]
    [BenchmarkCategory("announcement audio fetch")]
    public PromptKey AnnouncementByKey() => PromptKey.TryParse(_keyText, out PromptKey key) ? key : throw new InvalidOperationException("refused");

    private AnnouncementUrlCheck CheckSigned() => _urls.Verify(new QueryCollection(QueryHelpers.ParseQuery(_signedQuery)), out _);

    private static DefaultHttpContext Request()
    {
        DefaultHttpContext context = new();
        context.Request.Headers[ApiKeys.HeaderName] = Presented;
        return context;
    }

    private static string RepositoryPrompts()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string prompts = Path.Combine(folder.FullName, "prompts");
            if (File.Exists(Path.Combine(prompts, "library.yaml")))
            {
                return prompts;
            }
        }

        throw new DirectoryNotFoundException("The repository's prompts/ folder was not found above " + AppContext.BaseDirectory);
    }

    private sealed class BenchHostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "IvrVoice.Server";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
