using IvrVoice.ProviderEmulator;

namespace IvrVoice.Providers.Tests;

/// <summary>Each fault the emulator can produce, on each route, comes back as the documented failure kind (no retries here).</summary>
public sealed class FailureClassificationTests : IClassFixture<EmulatorFixture>
{
    private readonly TtsEmulator _emulator;

    public FailureClassificationTests(EmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
        _emulator.OversizeBytes = 3 * 1024 * 1024;
    }

    public static TheoryData<string, int, TtsFailureKind> StatusCases()
    {
        TheoryData<string, int, TtsFailureKind> data = [];
        foreach (string route in TtsEmulator.RouteNames)
        {
            data.Add(route, 402, TtsFailureKind.InsufficientCredit);
            data.Add(route, 500, TtsFailureKind.TransientUpstream);
            data.Add(route, 503, TtsFailureKind.TransientUpstream);
            data.Add(route, 400, TtsFailureKind.InvalidRequest);
            data.Add(route, 404, TtsFailureKind.InvalidRequest);
            data.Add(route, 401, TtsFailureKind.Authentication);
        }

        data.Add("segmind", 410, TtsFailureKind.InvalidRequest);
        data.Add("gemini", 504, TtsFailureKind.Timeout);
        data.Add("openrouter", 403, TtsFailureKind.ContentBlocked);
        data.Add("gemini", 403, TtsFailureKind.Authentication);
        return data;
    }

    [Theory]
    [MemberData(nameof(StatusCases))]
    public async Task SynthesizeAsync_HttpError_ClassifiedByStatus(string route, int status, TtsFailureKind expected)
    {
        _emulator.Inject(route, EmulatorFault.Http(status));

        TtsFailure failure = await SingleFailureAsync(route);

        Assert.Equal(expected, failure.Kind);
        Assert.Equal(route, failure.Provider);
        Assert.Contains($"HTTP {status}", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemini")]
    [InlineData("aigateway")]
    [InlineData("openrouter")]
    [InlineData("vtrix")]
    [InlineData("pixazo")]
    [InlineData("segmind")]
    public async Task SynthesizeAsync_RateLimited_CarriesTheWaitTheRouteAskedFor(string route)
    {
        _emulator.Inject(route, EmulatorFault.Http(429, TimeSpan.FromSeconds(2)));

        TtsFailure failure = await SingleFailureAsync(route);

        Assert.Equal(TtsFailureKind.RateLimited, failure.Kind);
        Assert.True(failure.IsTransient);
        // Retry-After (seconds), Google's RetryInfo, or Segmind's reset instant (so a little less than asked by now).
        Assert.NotNull(failure.RetryAfter);
        Assert.InRange(failure.RetryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("gemini", TtsFailureKind.TransientUpstream)]     // 200 without audio, finishReason OTHER: retryable
    [InlineData("aigateway", TtsFailureKind.MalformedAudio)]     // 44-byte WAV: a header with nothing behind it
    [InlineData("openrouter", TtsFailureKind.MalformedAudio)]
    [InlineData("vtrix", TtsFailureKind.MalformedAudio)]
    [InlineData("pixazo", TtsFailureKind.MalformedAudio)]
    [InlineData("segmind", TtsFailureKind.MalformedAudio)]
    public async Task SynthesizeAsync_SuccessWithoutAudio_IsATransientFailureNotACrash(string route, TtsFailureKind expected)
    {
        _emulator.Inject(route, new EmulatorFault(FaultKind.NoAudio));

        TtsFailure failure = await SingleFailureAsync(route);

        Assert.Equal(expected, failure.Kind);
        Assert.True(failure.IsTransient);
    }

    [Theory]
    [InlineData("aigateway", FaultKind.TruncatedWav)]
    [InlineData("vtrix", FaultKind.MalformedWav)]
    [InlineData("pixazo", FaultKind.Silence)]
    [InlineData("segmind", FaultKind.TruncatedWav)]
    [InlineData("gemini", FaultKind.MalformedWav)]
    public async Task SynthesizeAsync_BrokenAudio_IsMalformedAudio(string route, FaultKind fault)
    {
        _emulator.Inject(route, new EmulatorFault(fault));

        TtsFailure failure = await SingleFailureAsync(route);

        Assert.Equal(TtsFailureKind.MalformedAudio, failure.Kind);
    }

    [Theory]
    [InlineData("aigateway")]
    [InlineData("openrouter")]
    [InlineData("segmind")]
    [InlineData("pixazo")]
    public async Task SynthesizeAsync_UndecodableMp3_RejectedNamingMp3(string route)
    {
        _emulator.Inject(route, new EmulatorFault(FaultKind.MalformedMp3));

        TtsFailure failure = await SingleFailureAsync(route);

        Assert.Equal(TtsFailureKind.MalformedAudio, failure.Kind);
        Assert.Contains("MP3", failure.Message, StringComparison.Ordinal);
    }

    // Real files from ffmpeg's encoders: recognised by their bytes, refused, and named (only MP3 is decoded).
    [SkippableTheory]
    [InlineData("aigateway", FaultKind.Flac, "FLAC")]
    [InlineData("aigateway", FaultKind.OggOpus, "Ogg")]
    [InlineData("openrouter", FaultKind.OggOpus, "Ogg")]
    [InlineData("segmind", FaultKind.Aac, "AAC")]
    [InlineData("pixazo", FaultKind.Flac, "FLAC")]
    [InlineData("gemini", FaultKind.Aac, "AAC")]
    public async Task SynthesizeAsync_OtherCompressedFormat_RejectedNamingIt(string route, FaultKind fault, string named)
    {
        IvrVoice.Testing.ExternalTools.Require(IvrVoice.Testing.ExternalTools.Ffmpeg);
        _emulator.Inject(route, new EmulatorFault(fault));

        TtsFailure failure = await SingleFailureAsync(route);

        Assert.Equal(TtsFailureKind.MalformedAudio, failure.Kind);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MP3", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aigateway")]
    [InlineData("vtrix")]
    [InlineData("gemini")]
    public async Task SynthesizeAsync_OversizeBody_StopsReadingAtTheLimit(string route)
    {
        _emulator.Inject(route, new EmulatorFault(FaultKind.Oversize));

        TtsFailure failure = await SingleFailureAsync(route, ("MaxResponseBytes", "1048576"));

        Assert.Equal(TtsFailureKind.MalformedAudio, failure.Kind);
        Assert.Contains("MaxResponseBytes", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemini")]
    [InlineData("openrouter")]
    [InlineData("vtrix")]
    [InlineData("pixazo")]
    [InlineData("segmind")]
    public async Task SynthesizeAsync_ContentRefused_IsContentBlocked(string route)
    {
        _emulator.Inject(route, new EmulatorFault(FaultKind.ContentBlocked));
        (string, string)[] extra = route == "segmind" ? [("Mode", "Async")] : [];

        TtsFailure failure = await SingleFailureAsync(route, extra);

        Assert.Equal(TtsFailureKind.ContentBlocked, failure.Kind);
        Assert.False(failure.IsTransient);
    }

    [Theory]
    [InlineData("vtrix")]
    [InlineData("pixazo")]
    public async Task SynthesizeAsync_ResultUrlPlainHttpOffThisMachine_IsNotDownloaded(string route)
    {
        _emulator.ResultUrlRoot = "http://media.example.test";
        try
        {
            TtsFailure failure = await SingleFailureAsync(route);

            Assert.Equal(TtsFailureKind.TransientUpstream, failure.Kind);
            Assert.Contains("not https", failure.Message, StringComparison.Ordinal);
            Assert.Empty(_emulator.RequestsTo(route, FaultPhase.Result));
        }
        finally
        {
            _emulator.ResultUrlRoot = null;
        }
    }

    [Fact]
    public async Task SynthesizeAsync_SegmindNoCredits406_IsInsufficientCredit()
    {
        _emulator.Inject("segmind", EmulatorFault.Http(406) with { Message = "Insufficient credits or spend limit reached" });

        TtsFailure failure = await SingleFailureAsync("segmind");

        Assert.Equal(TtsFailureKind.InsufficientCredit, failure.Kind);
    }

    [Fact]
    public async Task SynthesizeAsync_SegmindAsyncJobFailed_Is422InvalidRequest()
    {
        _emulator.Inject("segmind", new EmulatorFault(FaultKind.JobFailed) { Message = "Generation failed: upstream error" });

        TtsFailure failure = await SingleFailureAsync("segmind", ("Mode", "Async"));

        Assert.Equal(TtsFailureKind.InvalidRequest, failure.Kind);
        Assert.Contains("Generation failed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_PixazoSystemError_IsTransientAndTheJobIsForgotten()
    {
        _emulator.Inject("pixazo", new EmulatorFault(FaultKind.JobError));
        using RouterHarness harness = Harness("pixazo");
        TtsRequest request = RouterHarness.Request() with { IdempotencyKey = "prompt-error" };

        RoutedTts result = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal(TtsFailureKind.TransientUpstream, Assert.Single(result.Failures).Kind);
        // ERROR is not charged, so a later try submits afresh instead of polling the dead job.
        Assert.Null(await harness.Journal.FindAsync("pixazo", "prompt-error", CancellationToken.None));
    }

    [Fact]
    public async Task SynthesizeAsync_WrongKey_IsAuthenticationAndTheEchoedKeyIsRedacted()
    {
        Dictionary<string, string?> settings = _emulator.Settings("aigateway");
        settings["Providers:AIgateway:ApiKey"] = "sk-aig-wrong-key-123456";
        settings["Providers:AIgateway:MaxRetryAttempts"] = "0";
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        TtsFailure failure = Assert.Single(result.Failures);
        Assert.Equal(TtsFailureKind.Authentication, failure.Kind);
        Assert.Contains("***", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-aig-wrong-key-123456", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_SegmindWithBearerInsteadOfApiKey_WouldBeRejected()
    {
        // The adapter must use x-api-key; prove the emulator refuses Bearer so the happy path really checks the header.
        using HttpClient client = new();
        using HttpRequestMessage message = new(HttpMethod.Post, _emulator.BaseUrl("segmind") + "/v1/gemini-3.1-flash-tts");
        message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TtsEmulator.ApiKey("segmind"));
        message.Content = new StringContent("{\"text\":\"hi\"}", System.Text.Encoding.UTF8, "application/json");

        using HttpResponseMessage response = await client.SendAsync(message);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private RouterHarness Harness(string route, params (string Key, string Value)[] extra)
    {
        Dictionary<string, string?> settings = _emulator.Settings(route);
        string section = settings.Keys.First(k => k.EndsWith(":BaseUrl", StringComparison.Ordinal))[..^":BaseUrl".Length];
        settings[$"{section}:MaxRetryAttempts"] = "0";
        foreach ((string key, string value) in extra)
        {
            settings[$"{section}:{key}"] = value;
        }

        return new RouterHarness(settings);
    }

    private async Task<TtsFailure> SingleFailureAsync(string route, params (string Key, string Value)[] extra)
    {
        using RouterHarness harness = Harness(route, extra);
        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Failures);
    }
}
