using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IvrVoice.Audio;
using IvrVoice.Providers.Configuration;
using IvrVoice.Providers.Routing;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Providers.Adapters;

/// <summary>
/// What every HTTP route shares: its own auth header only, bounded bodies, https-only downloads, error
/// classification (docs/providers.md), audio identified by content, polling with backoff, and key redaction.
/// </summary>
internal abstract partial class HttpTtsProvider : ITtsProvider, ISpeakerCapability
{
    // Gemini TTS audio tokens per second of audio (Google's current figure; older pages said 32).
    private const double AudioTokensPerSecond = 25;
    private const int MaxPollHiccups = 5;

    private readonly IHttpClientFactory _httpClientFactory;

    /// <summary>The route's settings come from <c>Providers:&lt;name&gt;</c>; its log category is the adapter's type.</summary>
    protected HttpTtsProvider(string name, HttpRouteServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Name = name;
        _httpClientFactory = services.HttpClientFactory;
        Options = services.Routes.Get(name);
        Models = new ModelMap(name, Options);
        TimeProvider = services.TimeProvider;
        Logger = services.LoggerFactory.CreateLogger(GetType());
    }

    public string Name { get; }

    protected RouteOptions Options { get; }

    protected ModelMap Models { get; }

    protected TimeProvider TimeProvider { get; }

    protected ILogger Logger { get; }

    protected string Section => RouteNames.SectionOf(Name);

    public virtual bool Supports(string model) => Models.Supports(model);

    public async Task<TtsOutcome> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? modelId = Models.RouteIdOf(request.Model);
        if (modelId is null)
        {
            return Fail(TtsFailureKind.InvalidRequest, $"this route does not serve model {request.Model}");
        }

        if (string.IsNullOrWhiteSpace(Options.ApiKey))
        {
            return Fail(TtsFailureKind.Unavailable, $"{Section}:ApiKey is not set");
        }

        if (request.Speakers.Count == 2 && !SupportsTwoSpeakers)
        {
            return Fail(TtsFailureKind.InvalidRequest, "this route cannot render two speakers");
        }

        long started = TimeProvider.GetTimestamp();
        try
        {
            return await SynthesizeCoreAsync(request, modelId, started, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(TtsFailureKind.TransientUpstream, $"connection failed: {Redact(ex.Message)}");
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(TtsFailureKind.TransientUpstream, $"connection broke: {Redact(ex.Message)}");
        }
        catch (Exception ex) when (IsUnreadableAnswer(ex) && !cancellationToken.IsCancellationRequested)
        {
            // JSON of the wrong shape (a number where an object belongs), invalid UTF-8 or bad base64 in a provider's
            // answer: the provider's fault, so a failure value that retry and failover handle, never a crash.
            return Fail(TtsFailureKind.TransientUpstream, $"the answer could not be read: {Redact(ex.Message)}");
        }
    }

    private static bool IsUnreadableAnswer(Exception ex) =>
        ex is System.Text.Json.JsonException or InvalidOperationException or FormatException or KeyNotFoundException or IndexOutOfRangeException
            && ex is not ObjectDisposedException;

    /// <summary>Whether the route passes two speakers on; routes that cannot are skipped for dialogue prompts.</summary>
    public virtual bool SupportsTwoSpeakers => false;

    protected abstract Task<TtsOutcome> SynthesizeCoreAsync(TtsRequest request, string modelId, long started, CancellationToken cancellationToken);

    /// <summary>
    /// Adds this route's auth header, and only that one: <c>Authorization: Bearer</c> with the route's key unless the
    /// route overrides it with its own header.
    /// </summary>
    protected virtual void Authenticate(HttpRequestMessage message) =>
        message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Options.ApiKey);

    protected Uri Endpoint(string path) => new(Options.BaseUrl.TrimEnd('/') + path, UriKind.Absolute);

    protected TtsFailure Fail(TtsFailureKind kind, string message, TimeSpan? retryAfter = null) =>
        new(Name, kind, Redact(message), retryAfter);

    /// <summary>Sends a request (with a JSON body when given) and reads the answer, refusing bodies over MaxResponseBytes.</summary>
    protected async Task<(HttpReply? Reply, TtsFailure? Failure)> SendAsync(
        HttpMethod method, Uri uri, JsonNode? body, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        using HttpRequestMessage message = new(method, uri);
        if (body is not null)
        {
            message.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        Authenticate(message);
        configure?.Invoke(message);
        return await ExchangeAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request and keeps only a successful answer: a transport failure or an HTTP error (classified by
    /// <see cref="Classify"/>) comes back as the failure instead.
    /// </summary>
    protected async Task<(HttpReply? Reply, TtsFailure? Failure)> SendCheckedAsync(
        HttpMethod method, Uri uri, JsonNode? body, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        (HttpReply? reply, TtsFailure? failure) = await SendAsync(method, uri, body, configure, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, failure);
        }

        return reply!.IsSuccess ? (reply, null) : (null, Classify(reply));
    }

    /// <summary>
    /// A synchronous route's whole exchange: POSTs <paramref name="body"/>, classifies an HTTP error, refuses a JSON answer
    /// on a 200 (routes report errors mid-generation that way: only an audio body counts), and decodes the audio, taking the
    /// request id from <paramref name="requestIdHeader"/> and a reported cost from <paramref name="reportedCost"/>.
    /// </summary>
    protected async Task<TtsOutcome> PostForAudioAsync(
        Uri uri, JsonNode body, Action<HttpRequestMessage>? configure, TtsRequest request, long started,
        string requestIdHeader, RawPcmFormat? fallbackRaw, Func<HttpReply, decimal?>? reportedCost, CancellationToken cancellationToken)
    {
        (HttpReply? reply, TtsFailure? failure) = await SendCheckedAsync(HttpMethod.Post, uri, body, configure, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (reply!.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Fail(TtsFailureKind.TransientUpstream, $"the answer is JSON, not audio: {ErrorDetail(reply)}");
        }

        return Audio(reply.Body, reply.ContentType, fallbackRaw, request, started, reply.Header(requestIdHeader), null, null, reportedCost?.Invoke(reply));
    }

    /// <summary>Fetches a result URL without any key: only https, or http to this machine (tests).</summary>
    protected async Task<(HttpReply? Reply, TtsFailure? Failure)> DownloadAsync(string? url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || !SafeUrl.IsAllowed(uri))
        {
            return (null, Fail(TtsFailureKind.TransientUpstream, "the result URL is missing or not https; refusing to download it"));
        }

        using HttpRequestMessage message = new(HttpMethod.Get, uri);
        (HttpReply? reply, TtsFailure? failure) = await ExchangeAsync(message, cancellationToken).ConfigureAwait(false);
        if (reply is { IsSuccess: false })
        {
            // A result URL that fails is the job's problem, not the request's: polling or submitting again may fix it.
            return (null, Fail(TtsFailureKind.TransientUpstream, $"downloading the audio failed with HTTP {(int)reply.Status}",
                RetryHints.From(reply.Headers, null, TimeProvider.GetUtcNow())));
        }

        return (reply, failure);
    }

    private async Task<(HttpReply? Reply, TtsFailure? Failure)> ExchangeAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        HttpClient client = _httpClientFactory.CreateClient(HttpClientNames.For(Name));
        using HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        long max = Options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > max)
        {
            return (null, TooLarge(response.Content.Headers.ContentLength.Value));
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        ArrayBufferWriter<byte> buffer = new((int)Math.Min(max, response.Content.Headers.ContentLength ?? 64 * 1024) + 1);
        while (true)
        {
            Memory<byte> chunk = buffer.GetMemory(64 * 1024);
            int read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                return (null, TooLarge(buffer.WrittenCount));
            }
        }

        string? contentType = response.Content.Headers.ContentType?.ToString();
        return (new HttpReply(response.StatusCode, response.Headers, contentType, buffer.WrittenSpan.ToArray()), null);
    }

    private TtsFailure TooLarge(long bytes) =>
        Fail(TtsFailureKind.MalformedAudio, $"the answer is over {Section}:MaxResponseBytes ({Options.MaxResponseBytes} bytes; got at least {bytes})");

    /// <summary>Classifies an HTTP error answer (docs/providers.md §9 rule 5). Routes refine the overloaded codes.</summary>
    protected virtual TtsFailure Classify(HttpReply reply)
    {
        string detail = ErrorDetail(reply);
        TimeSpan? wait = RetryHints.From(reply.Headers, reply.Text, TimeProvider.GetUtcNow());
        int status = (int)reply.Status;
        TtsFailureKind kind = status switch
        {
            401 or 403 => TtsFailureKind.Authentication,
            402 => TtsFailureKind.InsufficientCredit,
            408 or 504 => TtsFailureKind.Timeout,
            429 => TtsFailureKind.RateLimited,
            >= 500 => TtsFailureKind.TransientUpstream,
            _ => TtsFailureKind.InvalidRequest,
        };
        string meaning = status switch
        {
            404 => "model or endpoint not found (renamed or retired?)",
            405 => "method not allowed",
            410 => "model retired",
            _ => "",
        };
        return Fail(kind, $"HTTP {status}{(meaning.Length > 0 ? $" ({meaning})" : "")}: {detail}", wait);
    }

    /// <summary>The provider's own error message from a JSON or text body, shortened and with the key removed.</summary>
    protected string ErrorDetail(HttpReply reply)
    {
        string? message = null;
        using (JsonDocument? json = reply.TryJson())
        {
            if (json is not null)
            {
                message = FindMessage(json.RootElement);
            }
        }

        if (message is null)
        {
            string text = reply.Text.Trim();
            message = text.StartsWith('<') ? "an HTML error page" : text.Length == 0 ? "no details" : text;
        }

        message = message.ReplaceLineEndings(" ");
        return Redact(message.Length > 300 ? message[..300] + "…" : message);
    }

    private static string? FindMessage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("error", out JsonElement error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                string? title = error.GetString();
                return root.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? $"{title}: {m.GetString()}" : title;
            }

            if (error.ValueKind == JsonValueKind.Object)
            {
                foreach (string field in (string[])["message", "error_message", "detail"])
                {
                    if (error.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString();
                    }
                }
            }
        }

        foreach (string field in (string[])["message", "detail", "error_message"])
        {
            if (root.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }

    /// <summary>Decodes and validates audio, building the result with usage and cost.</summary>
    protected TtsOutcome Audio(
        byte[] bytes, string? contentType, RawPcmFormat? fallbackRaw, TtsRequest request, long started,
        string? requestId, int? inputTokens, int? outputTokens, decimal? reportedCost)
    {
        PcmAudio pcm;
        try
        {
            pcm = AudioPayload.Decode(bytes, contentType, fallbackRaw, Options.MaxResponseBytes);
        }
        catch (AudioFormatException ex)
        {
            return Fail(TtsFailureKind.MalformedAudio, $"{ex.Kind}: {ex.Message}");
        }

        TtsUsage usage = new(inputTokens, outputTokens, request.Text.Length);
        return new TtsAudio
        {
            Provider = Name,
            Bytes = bytes,
            ContentType = contentType,
            Pcm = pcm,
            RequestId = requestId,
            Usage = usage,
            CostUsd = reportedCost ?? EstimateCost(request, usage, pcm.Duration),
            Latency = TimeProvider.GetElapsedTime(started),
        };
    }

    /// <summary>Per-request price when the route has one, else tokens (reported or estimated) at the model's list price.</summary>
    protected virtual decimal? EstimateCost(TtsRequest request, TtsUsage usage, TimeSpan duration)
    {
        if (Options.PricePerRequestUsd is { } perRequest)
        {
            return perRequest;
        }

        (decimal Input, decimal Output)? list = RouteDefaults.ListPrice(request.Model);
        decimal? inputPrice = Options.InputPricePerMillionTokensUsd ?? list?.Input;
        decimal? outputPrice = Options.OutputPricePerMillionTokensUsd ?? list?.Output;
        if (inputPrice is null || outputPrice is null)
        {
            return null;
        }

        // About four characters a text token; 25 audio tokens a second.
        long input = usage.InputTokens ?? (usage.Characters + 3) / 4;
        long output = usage.OutputTokens ?? (long)Math.Round(duration.TotalSeconds * AudioTokensPerSecond);
        return Math.Round(((input * inputPrice.Value) + (output * outputPrice.Value)) / 1_000_000m, 6);
    }

    /// <summary>
    /// Polls until the job ends, starting at PollInterval and backing off by half each time up to MaxPollInterval.
    /// Poll hiccups (5xx, network) are tolerated a few times in a row: the job keeps running meanwhile.
    /// The attempt timeout ends the loop through <paramref name="cancellationToken"/>.
    /// </summary>
    protected async Task<PollStep<T>> PollAsync<T>(Func<CancellationToken, Task<PollStep<T>>> poll, bool waitFirst, CancellationToken cancellationToken)
    {
        TimeSpan interval = Options.PollInterval;
        int hiccups = 0;
        if (waitFirst)
        {
            await Task.Delay(interval, TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            PollStep<T> step;
            try
            {
                step = await poll(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                step = PollStep<T>.Hiccup(Fail(TtsFailureKind.TransientUpstream, $"polling failed: {Redact(ex.Message)}"));
            }

            if (step.Terminal)
            {
                return step;
            }

            if (step.Failure is { } hiccup)
            {
                if (++hiccups >= MaxPollHiccups)
                {
                    return PollStep<T>.Failed(hiccup);
                }

                Log.PollHiccup(Logger, Name, hiccup.Message);
            }
            else
            {
                hiccups = 0;
            }

            TimeSpan wait = step.Failure?.RetryAfter is { } asked && asked > interval ? asked : interval;
            await Task.Delay(wait, TimeProvider, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(Options.MaxPollInterval.Ticks, (long)(interval.Ticks * 1.5)));
        }
    }

    /// <summary>The style instruction as a natural-language preamble, for routes without a style field.</summary>
    protected static string WithStylePreamble(TtsRequest request) => StyleText.Compose(request.Style, request.Text);

    /// <summary>Removes the key from any text that could reach a log or an error message.</summary>
    protected string Redact(string text)
    {
        string? key = Options.ApiKey;
        return string.IsNullOrEmpty(key) || key.Length < 4 ? text : text.Replace(key, "***", StringComparison.Ordinal);
    }

    protected static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    protected static int? GetInt(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out int number)
            ? number
            : null;

    protected static bool IsStatus(HttpReply reply, HttpStatusCode status) => reply.Status == status;

    private static partial class Log
    {
        [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "TTS route {Provider}: poll failed, still waiting: {Reason}")]
        public static partial void PollHiccup(ILogger logger, string provider, string reason);
    }
}
