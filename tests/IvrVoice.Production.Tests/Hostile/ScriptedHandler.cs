using System.Net;
using System.Net.Http.Headers;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>One HTTP answer of a recorded provider conversation.</summary>
internal sealed record RecordedAnswer(HttpMethod Method, string Path, HttpStatusCode Status, IReadOnlyList<KeyValuePair<string, string[]>> Headers, string? ContentType, byte[] Body);

/// <summary>
/// The provider side of one route's HTTP conversation. Recording: passes requests to the real emulator and keeps each answer.
/// Replaying: answers the n-th request with the n-th recorded answer, except that one chosen answer is swapped for a mutant;
/// requests past the recording get the last answer, and past three times its length a 500, so no adapter can loop forever on
/// a script. Requests to anything but loopback http or https are counted as violations.
/// </summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly HttpMessageInvoker? _real;
    private readonly List<RecordedAnswer> _recording = [];
    private IReadOnlyList<RecordedAnswer> _script = [];
    private int _mutatedStep = -1;
    private RecordedAnswer? _mutant;
    private int _requests;

    public ScriptedHandler(HttpMessageHandler? real) => _real = real is null ? null : new HttpMessageInvoker(real);

    public IReadOnlyList<RecordedAnswer> Recording => _recording;

    public List<string> Violations { get; } = [];

    public int Requests => _requests;

    /// <summary>Replays <paramref name="script"/> with answer <paramref name="step"/> replaced by <paramref name="mutant"/>.</summary>
    public void Replay(IReadOnlyList<RecordedAnswer> script, int step, RecordedAnswer mutant)
    {
        _script = script;
        _mutatedStep = step;
        _mutant = mutant;
        _requests = 0;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri uri = request.RequestUri!;
        if (!(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            lock (Violations)
            {
                Violations.Add($"{request.Method} {uri}");
            }
        }

        if (_real is not null)
        {
            HttpResponseMessage real = await _real.SendAsync(request, cancellationToken).ConfigureAwait(false);
            byte[] body = await real.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            _recording.Add(new RecordedAnswer(request.Method, uri.AbsolutePath, real.StatusCode,
                [.. real.Headers.Select(h => new KeyValuePair<string, string[]>(h.Key, [.. h.Value]))],
                real.Content.Headers.ContentType?.ToString(), body));
            real.Dispose();
            return Build(_recording[^1], request);
        }

        int n = _requests++;
        if (n >= 3 * _script.Count)
        {
            return new HttpResponseMessage(HttpStatusCode.InternalServerError)
            {
                RequestMessage = request,
                Content = new StringContent("{\"error\":{\"message\":\"script over\"}}", System.Text.Encoding.UTF8, "application/json"),
            };
        }

        RecordedAnswer answer = n == _mutatedStep ? _mutant! : _script[Math.Min(n, _script.Count - 1)];
        return Build(answer, request);
    }

    private static HttpResponseMessage Build(RecordedAnswer answer, HttpRequestMessage request)
    {
        HttpResponseMessage response = new(answer.Status) { RequestMessage = request, Content = new ByteArrayContent(answer.Body) };
        if (answer.ContentType is not null && MediaTypeHeaderValue.TryParse(answer.ContentType, out MediaTypeHeaderValue? type))
        {
            response.Content.Headers.ContentType = type;
        }
        else if (answer.ContentType is not null)
        {
            response.Content.Headers.TryAddWithoutValidation("Content-Type", answer.ContentType);
        }

        foreach ((string name, string[] values) in answer.Headers)
        {
            response.Headers.TryAddWithoutValidation(name, values);
        }

        return response;
    }

    protected override void Dispose(bool disposing)
    {
        // The client factory disposes its handler chains when they expire; the script outlives them.
    }
}
