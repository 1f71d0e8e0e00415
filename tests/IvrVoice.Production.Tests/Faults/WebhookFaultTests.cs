extern alias emulator;

using System.Diagnostics;
using emulator::IvrVoice.ProviderEmulator;
using Xunit.Abstractions;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>
/// Simulated calls while the providers misbehave: 30% of all provider requests fail at random (500, 503 and 429 with
/// Retry-After, slow answers, a 200 without audio, truncated WAVs), one request in twenty hangs, and in the middle third of
/// the run gemini is down outright. Every webhook must still answer valid TwiML that speaks (&lt;Play&gt; or &lt;Say&gt;),
/// and every &lt;Play&gt; must fetch as playable audio. Times are real and the machine is shared, so they are reported, not
/// asserted: webhook latency percentiles, answers later than Twilio's 15 s, and how long gemini's breaker took to close
/// (a bound of five minutes only stops a breaker that never closes from hanging the run). CI runs
/// <see cref="SuiteSize.Calls"/> calls; IVRVOICE_FULL=1 runs 1,200.
/// </summary>
public sealed class WebhookFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan TwilioTimeout = TimeSpan.FromSeconds(15);
    private const int Callers = 12;
    private const int Seed = 4_242;

    private readonly FaultyService _live = new();

    public Task InitializeAsync() => _live.InitializeAsync();

    public Task DisposeAsync() => _live.DisposeAsync();

    [Fact]
    public async Task Calls_WithThirtyPercentProviderFaultsHangsAndAnOutage_EveryAnswerSpeaksInTime()
    {
        TtsEmulator emulator = _live.Emulator;
        string[] routes = FaultyService.Routes;
        int calls = SuiteSize.Calls;
        CallObservations observations = new();
        CallSimulator simulator = new(_live.Client, observations, TwilioTimeout);
        emulator.SetFaultRate(0.3, Seed);
        int next = -1;
        DateTimeOffset started = DateTimeOffset.UtcNow;
        TimeSpan outageFrom = TimeSpan.Zero, outageTo = TimeSpan.Zero;
        Stopwatch run = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            Random random = new(Seed + caller);
            for (int n = Interlocked.Increment(ref next); n < calls; n = Interlocked.Increment(ref next))
            {
                if (n % 20 == 0)
                {
                    emulator.Inject(routes[n / 20 % routes.Length], new EmulatorFault(FaultKind.Hang));
                }

                if (n == calls / 3)
                {
                    emulator.Inject("gemini", EmulatorFault.Http(503, TimeSpan.FromSeconds(1), times: null));
                    outageFrom = run.Elapsed;
                }
                else if (n == 2 * calls / 3)
                {
                    // The outage ends; the random faults go on.
                    emulator.ClearFaults();
                    emulator.SetFaultRate(0.3, Seed + 1);
                    outageTo = run.Elapsed;
                }

                await simulator.CallAsync(n, random);
            }
        })));

        run.Stop();

        // Recovery: with the faults gone, calls go on until gemini's breaker has let a trial call through and closed again.
        // (A breaker only leaves "open" when a call comes to try it: a route that is never reached keeps reporting open.)
        emulator.ClearFaults();
        Stopwatch recovery = Stopwatch.StartNew();
        int extra = 0;
        while (FaultRunReport.BreakerState(await _live.Client.GetStringAsync("/metrics"), "gemini") != 0)
        {
            Assert.True(recovery.Elapsed < TimeSpan.FromMinutes(5), "gemini's breaker never closed after the faults ended:\n"
                + await FaultRunReport.CollectAsync(_live.Client, _live.Service, started) + "\nprovider requests: "
                + string.Join(", ", routes.Select(r => $"{r} {emulator.RequestsTo(r).Count}")));
            await simulator.CallAsync(calls + extra++, new Random(extra));
            await Task.Delay(250);
        }

        string report = await FaultRunReport.CollectAsync(_live.Client, _live.Service, started);
        output.WriteLine($"{calls} calls, {observations.Webhooks} webhooks in {run.Elapsed.TotalSeconds:0} s with {Callers} callers; "
            + $"{observations.Plays} <Play> ({observations.AudioFetches} distinct URLs fetched), {observations.Says} <Say>; "
            + $"webhook latency p50 {observations.Percentile(0.5) * 1000:0} ms, p99 {observations.Percentile(0.99) * 1000:0} ms, max {observations.Percentile(1) * 1000:0} ms");
        output.WriteLine($"{observations.Late.Count} answers came later than Twilio's {TwilioTimeout.TotalSeconds:0} s"
            + string.Concat(observations.Late.Take(5).Select(late => "\n  " + late)));
        output.WriteLine($"gemini's breaker closed {recovery.Elapsed.TotalSeconds:0.0} s after the faults ended ({extra} more calls)");
        output.WriteLine($"gemini outage from {outageFrom.TotalSeconds:0.0} s to {outageTo.TotalSeconds:0.0} s");
        output.WriteLine($"provider requests: {string.Join(", ", routes.Select(r => $"{r} {emulator.RequestsTo(r).Count}"))}");
        output.WriteLine(report);

        Assert.True(observations.Problems.IsEmpty, $"{observations.Problems.Count} callers were failed:\n" + string.Join('\n', observations.Problems.Take(10)));
        Assert.True(observations.Webhooks >= 3 * calls, $"Only {observations.Webhooks} webhooks for {calls} calls.");
        string metrics = await _live.Client.GetStringAsync("/metrics");
        Assert.True(FaultRunReport.Total(metrics, "ivrvoice_tts_failovers_total") > 0, "The faults never made the router fail over; the run tested nothing.");
        Assert.True(observations.Plays > observations.Says, "Most prompts should still play their real audio under 30% faults.");
        using HttpResponseMessage ready = await _live.Client.GetAsync("/readyz");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }
}

/// <summary>
/// The live service for fault runs: three routes in failover order (gemini, openrouter, vtrix), the breaker's break short
/// enough to close again within a run, and a 3 s in-call wait so a caller never waits long for a prompt that is not ready.
/// </summary>
public sealed class FaultyService : LiveService
{
    public static readonly string[] Routes = ["gemini", "openrouter", "vtrix"];

    protected override void Configure(Dictionary<string, string?> settings)
    {
        foreach ((string key, string? value) in Emulator.Settings(Routes))
        {
            settings[key] = value;
        }

        settings["Service:InCallWait"] = "00:00:03";
        settings["Providers:InCallDeadline"] = "00:00:08";
        settings["Serilog:MinimumLevel:Default"] = "Information";
        // Announcement fetches are never rate limited (a 429 would be silence); the API that signs them is, and this run
        // signs hundreds of them from one address.
        settings["Service:RateLimit:PermitsPerMinute"] = "100000";
        settings["Service:RateLimit:Burst"] = "10000";
        foreach (string section in new[] { "Gemini", "OpenRouter", "Vtrix" })
        {
            settings[$"Providers:{section}:BreakerBreakDuration"] = "00:00:05";
            settings[$"Providers:{section}:BreakerSamplingDuration"] = "00:00:10";
            settings[$"Providers:{section}:MaxConcurrency"] = "8";
        }
    }
}
