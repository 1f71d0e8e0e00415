extern alias emulator;

using System.Diagnostics;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Server.Telemetry;
using IvrVoice.Server.Tests.Support;
using OpenTelemetry.Trace;

namespace IvrVoice.Server.Tests;

/// <summary>
/// One Twilio webhook's trace, recorded by OpenTelemetry's in-memory exporter with the service's own tracing setup:
/// the request span, the flow, each cache tier, the render, every provider attempt (a 503 then a retry), the transcode
/// and the store write, all in one trace with their attributes, and none of the call's private values.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class TracingTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Webhook_FirstCall_TraceHasEveryStepAndNoPrivateValues()
    {
        List<Activity> spans = [];
        _emulator.Inject("gemini", EmulatorFault.Http(503));
        await using ServerHost host = ServerHost.Start(
            services => services.AddOpenTelemetry().WithTracing(tracing => ServerTelemetry.ConfigureTracing(tracing).AddInMemoryExporter(spans)),
            _emulator, _library.Folder, null);

        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");
        string key = Path.GetFileNameWithoutExtension(new Uri(Assert.Single(twiml.PlayUrls)).AbsolutePath);

        // The shared render's span ends just after the caller's answer: wait (bounded) for the store write to be exported.
        for (int i = 0; i < 200 && !Snapshot(spans).Any(s => s.DisplayName == "cache.store.write"); i++)
        {
            await Task.Delay(25);
        }

        Activity[] all = Snapshot(spans);
        Activity request = Assert.Single(all, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("http.route") == "/twilio/voice/{flow}");
        Activity[] trace = [.. all.Where(s => s.TraceId == request.TraceId)];
        Activity flow = Assert.Single(trace, s => s.DisplayName == "call.flow");
        Assert.Equal(request.SpanId, flow.ParentSpanId);
        Assert.Equal("enter", flow.GetTagItem("ivrvoice.flow.step"));
        Assert.Equal("answered", flow.GetTagItem("ivrvoice.flow.outcome"));

        // Cache tiers: memory missed, the disk store missed, then the shared render, under the flow.
        Activity memory = Assert.Single(trace, s => s.DisplayName == "cache.memory");
        Assert.Equal(false, memory.GetTagItem("ivrvoice.cache.hit"));
        Activity storeRead = Assert.Single(trace, s => s.DisplayName == "cache.store.read" && IsDescendant(s, flow, trace));
        Assert.Equal("disk", storeRead.GetTagItem("ivrvoice.cache.tier"));
        Assert.Equal(false, storeRead.GetTagItem("ivrvoice.cache.hit"));
        Assert.True(IsDescendant(memory, flow, trace));
        Activity cacheRender = Assert.Single(trace, s => s.DisplayName == "cache.render");
        Assert.True(IsDescendant(cacheRender, flow, trace));

        Activity render = Assert.Single(trace, s => s.DisplayName == "prompt.render");
        Assert.True(IsDescendant(render, cacheRender, trace));
        Assert.Equal("Kore", render.GetTagItem("ivrvoice.prompt.voice"));
        Assert.Equal("gemini", render.GetTagItem("ivrvoice.tts.served_by"));

        Activity synthesize = Assert.Single(trace, s => s.DisplayName == "tts.synthesize");
        Assert.Equal(render.SpanId, synthesize.ParentSpanId);
        Activity route = Assert.Single(trace, s => s.DisplayName == "tts.route");
        Assert.Equal(synthesize.SpanId, route.ParentSpanId);
        Assert.Equal("gemini", route.GetTagItem("ivrvoice.tts.route"));
        Assert.Equal("ok", route.GetTagItem("ivrvoice.tts.outcome"));
        Assert.Equal("Closed", route.GetTagItem("ivrvoice.tts.breaker"));

        Activity[] attempts = [.. trace.Where(s => s.DisplayName == "tts.attempt").OrderBy(s => s.StartTimeUtc)];
        Assert.Equal(2, attempts.Length);
        Assert.All(attempts, a => Assert.Equal(route.SpanId, a.ParentSpanId));
        Assert.Equal(1, attempts[0].GetTagItem("ivrvoice.tts.attempt"));
        Assert.Equal(false, attempts[0].GetTagItem("ivrvoice.tts.retry"));
        Assert.Equal("TransientUpstream", attempts[0].GetTagItem("ivrvoice.tts.outcome"));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal(2, attempts[1].GetTagItem("ivrvoice.tts.attempt"));
        Assert.Equal(true, attempts[1].GetTagItem("ivrvoice.tts.retry"));
        Assert.Equal("ok", attempts[1].GetTagItem("ivrvoice.tts.outcome"));

        Activity transcode = Assert.Single(trace, s => s.DisplayName == "audio.transcode");
        Assert.Equal(render.SpanId, transcode.ParentSpanId);
        Assert.Equal(24_000, transcode.GetTagItem("ivrvoice.audio.input_rate"));
        Assert.Equal(true, transcode.GetTagItem("ivrvoice.audio.mastered"));
        Activity write = Assert.Single(trace, s => s.DisplayName == "cache.store.write");
        Assert.Equal(cacheRender.SpanId, write.ParentSpanId);
        Assert.Equal("disk", write.GetTagItem("ivrvoice.cache.tier"));

        // Nothing private anywhere in the trace: not the caller's number, the prompt's text or key, nor the auth token.
        string[] secrets = [ServerHost.CallerNumber, ServerHost.CallerNumber[1..], TestLibrary.WelcomeText, key, ServerHost.AuthToken];
        foreach (Activity span in trace)
        {
            IEnumerable<string> texts = span.TagObjects.Select(t => $"{t.Key}={t.Value}")
                .Append(span.DisplayName).Append(span.StatusDescription ?? "")
                .Concat(span.Events.Select(e => e.Name)).Concat(span.Baggage.Select(b => $"{b.Key}={b.Value}"));
            foreach (string text in texts)
            {
                foreach (string secret in secrets)
                {
                    Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"span {span.DisplayName} carries a private value: {text}");
                }
            }
        }

        Assert.Equal("/twilio/voice/{flow}", request.GetTagItem("url.path"));
        Assert.Null(request.GetTagItem("url.query"));
    }

    [Fact]
    public async Task PromptFetch_RequestSpan_HasRouteTemplateNotTheKey()
    {
        List<Activity> spans = [];
        await using ServerHost host = ServerHost.Start(
            services => services.AddOpenTelemetry().WithTracing(tracing => ServerTelemetry.ConfigureTracing(tracing).AddInMemoryExporter(spans)),
            _emulator, _library.Folder, null);
        TwiML twiml = await host.PostWebhookAsync($"/twilio/voice/{TestLibrary.Flow}");
        string play = Assert.Single(twiml.PlayUrls);
        string key = Path.GetFileNameWithoutExtension(new Uri(play).AbsolutePath);

        using HttpResponseMessage audio = await host.Client.GetAsync(ServerHost.LocalPath(play));

        Assert.Equal(System.Net.HttpStatusCode.OK, audio.StatusCode);
        // The server span ends just after the client has the response: wait (bounded) for it to be exported.
        static bool IsFetch(Activity s) => s.Kind == ActivityKind.Server && s.GetTagItem("http.request.method") as string == "GET";
        for (int i = 0; i < 200 && !Snapshot(spans).Any(IsFetch); i++)
        {
            await Task.Delay(25);
        }

        Activity fetch = Assert.Single(Snapshot(spans), IsFetch);
        Assert.DoesNotContain(key, fetch.DisplayName, StringComparison.Ordinal);
        Assert.DoesNotContain(fetch.TagObjects, t => t.Value?.ToString()?.Contains(key, StringComparison.Ordinal) == true);
        Assert.Equal("/prompts/{key}.wav", fetch.GetTagItem("url.path"));
    }

    private static Activity[] Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    private static bool IsDescendant(Activity span, Activity ancestor, Activity[] trace)
    {
        Dictionary<ActivitySpanId, Activity> byId = trace.ToDictionary(s => s.SpanId);
        for (Activity? current = span; current is not null; current = byId.GetValueOrDefault(current.ParentSpanId))
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// ASP.NET Core's request activities come from one process-wide source, so an in-memory exporter also collects the
/// requests of other test classes' hosts running at the same time; the tracing tests run alone to see only their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing (alone: process-wide activity sources)";
}
