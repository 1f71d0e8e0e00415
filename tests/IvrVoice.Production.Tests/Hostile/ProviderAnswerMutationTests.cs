extern alias emulator;

using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio.Wav;
using IvrVoice.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Xunit.Abstractions;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// Every HTTP route's adapter against mutated provider answers. Each route's conversation (submit, polls, download) is first
/// recorded from the emulator, which speaks the providers' documented protocols; then it is replayed thousands of times
/// with one answer mutated: its JSON or audio body, its status code, its Content-Type or its retry headers. An adapter may
/// only return a result (audio, or a failure with a kind): no exception, no hang, and no request to a URL it must refuse.
/// </summary>
public sealed class ProviderAnswerMutationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 61_613;

    private static readonly HttpStatusCode[] Statuses = [.. new[] { 200, 201, 202, 204, 301, 400, 401, 402, 403, 404, 406, 408, 409, 410, 413, 422, 429, 500, 502, 503, 504, 599 }.Select(s => (HttpStatusCode)s)];

    private static readonly string?[] ContentTypes =
    [
        null, "text/html", "audio/mpeg", "audio/L16;rate=0", "audio/L16;rate=-1", "audio/pcm;rate=99999999;channels=0", "application/json",
        "audio/wav; charset=utf-8", "audio/L16;codec=pcm;rate=24000;channels=300", "audio/L16;codec=pcm;rate=8000", "audio/ogg", "multipart/form-data; boundary=x",
    ];

    private static readonly string[] RetryAfters = ["-1", "0", "99999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "abc", "1e9", "", "2147483648"];

    /// <summary>The conversations replayed: each route, Gemini with both model generations, Segmind in both modes.</summary>
    private static readonly (string Name, string Route, string Model, Dictionary<string, string?> Settings)[] Variants =
    [
        ("gemini-3.1", "gemini", ModelCatalog.Gemini31FlashTts, []),
        ("gemini-3.8", "gemini", ModelCatalog.Gemini38FlashTts, []),
        ("aigateway", "aigateway", ModelCatalog.Gemini31FlashTts, []),
        ("openrouter", "openrouter", ModelCatalog.Gemini31FlashTts, []),
        ("vtrix", "vtrix", ModelCatalog.Gemini31FlashTts, []),
        ("pixazo", "pixazo", ModelCatalog.Gemini31FlashTts, []),
        ("segmind-sync", "segmind", ModelCatalog.Gemini31FlashTts, new() { ["Providers:Segmind:Mode"] = "Sync" }),
        ("segmind-async", "segmind", ModelCatalog.Gemini31FlashTts, new() { ["Providers:Segmind:Mode"] = "Async" }),
    ];

    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TtsEmulator.StartAsync();
        // Jobs end at the first poll, so each recorded conversation is as short as the protocol allows.
        _emulator.QueuedFor = TimeSpan.Zero;
        _emulator.ProcessingFor = TimeSpan.Zero;
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task SynthesizeAsync_SeededMutationsOfEveryRoutesAnswers_OnlyResultsNoExceptionsNoHangs()
    {
        int perVariant = SuiteSize.JsonMutationsPerRoute;
        (string Variant, MutationTally Tally, int Steps, List<string> Violations)[] results =
            await Task.WhenAll(Variants.Select((variant, index) => Task.Run(() => RunVariantAsync(variant, Seed + index, perVariant))));

        foreach ((string variant, MutationTally tally, int steps, _) in results)
        {
            output.WriteLine($"{variant} ({steps} answers a conversation): {tally.Summary()}");
        }

        int total = results.Sum(r => r.Tally.Count("mutated"));
        output.WriteLine($"{total} mutated answers in all");
        string[] unexpected = [.. results.SelectMany(r => r.Tally.Unexpected.Select(u => $"{r.Variant}: {u}"))];
        // One example of each distinct failure (variant, exception type, throwing frame), most frequent first.
        string[] distinct = [.. unexpected
            .GroupBy(u => string.Join(" | ", u.Split(':')[0], u.Split("): ", 2).ElementAtOrDefault(1)?.Split(':')[0], u.Split("\n").ElementAtOrDefault(1)?.Trim()))
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()} x {g.First()}")];
        Assert.True(unexpected.Length == 0, $"{unexpected.Length} untyped failures or hangs, {distinct.Length} distinct:\n" + string.Join("\n\n", distinct.Take(12)));
        string[] violations = [.. results.SelectMany(r => r.Violations.Select(v => $"{r.Variant}: {v}"))];
        Assert.True(violations.Length == 0, "Requests to URLs an adapter must refuse:\n" + string.Join('\n', violations.Distinct().Take(8)));
        Assert.Equal(Variants.Length * perVariant, total);
        Assert.All(results, r => Assert.True(r.Tally.Count("success") > 0 && r.Tally.Count("failure") > perVariant / 20,
            $"{r.Variant}: the mutations should both pass and fail; {r.Tally.Summary()}"));
    }

    private async Task<(string, MutationTally, int, List<string>)> RunVariantAsync(
        (string Name, string Route, string Model, Dictionary<string, string?> Settings) variant, int seed, int iterations)
    {
        // Record once from the emulator, with real timers.
        ScriptedHandler recorder = new(new SocketsHttpHandler { AllowAutoRedirect = false });
        await using (ServiceProvider recording = Providers(variant, recorder, TimeProvider.System))
        {
            TtsOutcome recorded = await Provider(recording, variant.Route).SynthesizeAsync(Request(variant.Model, "record"), CancellationToken.None);
            Assert.True(recorded.Succeeded, $"{variant.Name}: recording failed: {recorded}");
        }

        IReadOnlyList<RecordedAnswer> script = [.. recorder.Recording.Select(ShortenAudio)];
        ScriptedHandler replayer = new(null);
        await using ServiceProvider services = Providers(variant, replayer, new InstantTimeProvider());
        ITtsProvider provider = Provider(services, variant.Route);

        // The unmutated script must give audio, or the mutations would only ever test error paths.
        replayer.Replay(script, -1, script[0]);
        TtsOutcome baseline = await provider.SynthesizeAsync(Request(variant.Model, "baseline"), CancellationToken.None);
        Assert.True(baseline.Succeeded, $"{variant.Name}: the shortened script does not render: {baseline}");

        Mutator mutator = new(seed);
        MutationTally tally = new();
        for (int i = 0; i < iterations; i++)
        {
            int step = mutator.Random.Next(script.Count);
            RecordedAnswer mutant = Mutate(script[step], mutator);
            replayer.Replay(script, step, mutant);
            tally.Add("mutated");
            using CancellationTokenSource watchdog = new(TimeSpan.FromSeconds(30));
            try
            {
                TtsOutcome? outcome = await provider.SynthesizeAsync(Request(variant.Model, $"m{i}"), watchdog.Token);
                if (outcome is null)
                {
                    tally.Unexpected.Enqueue($"iteration {i} (answer {step} mutated: HTTP {(int)mutant.Status}, {mutant.ContentType}, {mutant.Body.Length} bytes): "
                        + $"NullOutcome: SynthesizeAsync returned null instead of a result\n(no stack)\nbody: {Encoding.UTF8.GetString(mutant.Body.AsSpan(0, Math.Min(300, mutant.Body.Length)))}");
                }
                else if (outcome.Succeeded)
                {
                    Assert.Equal(variant.Route, outcome.Audio.Provider);
                    Assert.True(outcome.Audio.Pcm.Samples.Length > 0);
                    tally.Add("success");
                }
                else
                {
                    Assert.True(Enum.IsDefined(outcome.Failure.Kind) && outcome.Failure.Message.Length > 0, $"A failure without kind or message: {outcome.Failure}");
                    tally.Add("failure");
                    tally.Add(outcome.Failure.Kind.ToString());
                }
            }
            catch (OperationCanceledException) when (watchdog.IsCancellationRequested)
            {
                tally.Unexpected.Enqueue($"iteration {i} (step {step}) did not return within 30 s");
            }
            catch (Exception exception)
            {
                tally.Unexpected.Enqueue($"iteration {i} (answer {step} mutated: HTTP {(int)mutant.Status}, {mutant.ContentType}, {mutant.Body.Length} bytes): "
                    + $"{exception.GetType().Name}: {exception.Message}\n{string.Join('\n', (exception.StackTrace ?? "").Split('\n').Take(3))}");
            }
        }

        return (variant.Name, tally, script.Count, replayer.Violations);
    }

    private static RecordedAnswer Mutate(RecordedAnswer answer, Mutator mutator)
    {
        Random random = mutator.Random;
        return random.Next(10) switch
        {
            0 => answer with { Status = Statuses[random.Next(Statuses.Length)], Body = random.Next(2) == 0 ? answer.Body : mutator.Mutate(answer.Body) },
            1 => answer with
            {
                ContentType = random.Next(3) == 0 && answer.ContentType is { } type
                    ? Encoding.UTF8.GetString(mutator.MutateBytes(Encoding.UTF8.GetBytes(type)))
                    : ContentTypes[random.Next(ContentTypes.Length)],
            },
            2 => answer with
            {
                Status = random.Next(2) == 0 ? HttpStatusCode.TooManyRequests : HttpStatusCode.ServiceUnavailable,
                Headers = [.. answer.Headers, new("Retry-After", [RetryAfters[random.Next(RetryAfters.Length)]]), new("x-ratelimit-reset", [RetryAfters[random.Next(RetryAfters.Length)]])],
            },
            _ => answer with { Body = mutator.Mutate(answer.Body) },
        };
    }

    /// <summary>The emulator's 2-second speech replaced by 0.4 s of the same format, so each replay decodes little audio.</summary>
    private static RecordedAnswer ShortenAudio(RecordedAnswer answer)
    {
        short[] pcm = SignalGenerator.ToPcm16(SignalGenerator.SpeechLike(9_600, 24_000, seed: 5));
        byte[] raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(pcm.AsSpan()).ToArray();
        byte[] wav = WavWriter.WritePcm16(pcm, 24_000);
        if (answer.Body.AsSpan().StartsWith("RIFF"u8))
        {
            return answer with { Body = wav };
        }

        if (answer.Body.Length > 0 && answer.Body[0] == (byte)'{')
        {
            JsonNode root = JsonNode.Parse(answer.Body)!;
            foreach (JsonObject inline in root.DescendantObjects().Where(o => o["data"] is JsonValue data && data.GetValue<string>().Length > 2_000))
            {
                string mime = inline["mimeType"]?.GetValue<string>() ?? "";
                inline["data"] = Convert.ToBase64String(mime.Contains("wav", StringComparison.OrdinalIgnoreCase) ? wav : raw);
            }

            return answer with { Body = Encoding.UTF8.GetBytes(root.ToJsonString()) };
        }

        return answer.Body.Length > 2_000 ? answer with { Body = raw } : answer;
    }

    private static TtsRequest Request(string model, string key) => new()
    {
        Text = "Thank you for calling Northwind Dental.",
        Voice = "Kore",
        Style = "calm, warm",
        Language = "en-US",
        Model = model,
        IdempotencyKey = key,
    };

    private ServiceProvider Providers((string Name, string Route, string Model, Dictionary<string, string?> Settings) variant, ScriptedHandler handler, TimeProvider time)
    {
        Dictionary<string, string?> settings = _emulator.Settings([.. TtsEmulator.RouteNames]);
        foreach (string section in new[] { "Gemini", "AIgateway", "OpenRouter", "Vtrix", "Pixazo", "Segmind" })
        {
            settings[$"Providers:{section}:PollInterval"] = "00:00:00.001";
            settings[$"Providers:{section}:MaxPollInterval"] = "00:00:00.001";
        }

        foreach ((string key, string? value) in variant.Settings)
        {
            settings[key] = value;
        }

        ServiceCollection services = new();
        services.AddSingleton(time);
        services.AddTtsProviders(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.Configure<HttpClientFactoryOptions>(ClientName(variant.Route), o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = handler));
        return services.BuildServiceProvider();
    }

    private static ITtsProvider Provider(IServiceProvider services, string route) =>
        services.GetServices<ITtsProvider>().Single(p => p.Name == route);

    /// <summary>The named HttpClient of a route, as the providers register it.</summary>
    private static string ClientName(string route)
    {
        Type names = typeof(ITtsRouter).Assembly.GetType("IvrVoice.Providers.Routing.HttpClientNames")
            ?? throw new InvalidOperationException("IvrVoice.Providers no longer has Routing.HttpClientNames.");
        return (string)names.GetMethod("For", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [route])!;
    }
}

internal static class JsonNodeWalk
{
    public static IEnumerable<JsonObject> DescendantObjects(this JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (JsonNode? child in obj.Select(p => p.Value))
                {
                    if (child is not null)
                    {
                        foreach (JsonObject descendant in child.DescendantObjects())
                        {
                            yield return descendant;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (JsonNode? child in array)
                {
                    if (child is not null)
                    {
                        foreach (JsonObject descendant in child.DescendantObjects())
                        {
                            yield return descendant;
                        }
                    }
                }

                break;
        }
    }
}
