using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Xml.Linq;
using IvrVoice.Audio;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>
/// What the callers of a fault run saw: every webhook's latency, every way an answer could have left a caller in silence
/// (<see cref="Problems"/>), and answers that came later than Twilio waits (<see cref="Late"/>). Lateness is measured on the
/// real clock of a machine other work shares, so the run reports it rather than failing on it; an answer that never comes
/// (within four times Twilio's wait) is a problem.
/// </summary>
internal sealed class CallObservations
{
    public ConcurrentBag<double> WebhookSeconds { get; } = [];

    public ConcurrentQueue<string> Problems { get; } = new();

    public ConcurrentQueue<string> Late { get; } = new();

    public int Webhooks;
    public int Plays;
    public int Says;
    public int AudioFetches;

    public double Percentile(double p)
    {
        double[] sorted = [.. WebhookSeconds.Order()];
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}

/// <summary>
/// Plays the part of Twilio for one call: posts the signed voice webhook, follows the &lt;Gather&gt; actions with a seeded
/// choice of key presses, silence and wrong keys, asks for a dynamic announcement with text of its own, and fetches every
/// &lt;Play&gt; URL (signed, as Twilio's media fetches are) to prove it is playable audio.
/// </summary>
internal sealed class CallSimulator(HttpClient client, CallObservations observations, TimeSpan twilioTimeout)
{
    private static readonly string[] Flows = ["main", "main", "main", "after-hours"];
    private static readonly string?[] Keys = ["1", "2", "3", "9", "0", null, "7", "*"];

    private readonly ConcurrentDictionary<string, bool> _fetched = new(StringComparer.Ordinal);

    public async Task CallAsync(int n, Random random)
    {
        string callSid = Twilio.CallSid(n);
        string flow = Flows[random.Next(Flows.Length)];
        XDocument? answer = await WebhookAsync($"/twilio/voice/{flow}", Twilio.CallParameters(callSid), $"call {n} entry");

        // Language menu, then up to three more steps through the flow.
        for (int step = 0; step < 4 && answer is not null; step++)
        {
            string? next = answer.Root!.Element("Gather")?.Attribute("action")?.Value
                ?? answer.Root.Element("Redirect")?.Value;
            if (next is null || !next.StartsWith(ServiceSettings.PublicBaseUrl + "/", StringComparison.Ordinal))
            {
                break;   // a dial, a hang-up, or a redirect to another service
            }

            string? digits = step == 0 ? (random.Next(2) == 0 ? "1" : "2") : Keys[random.Next(Keys.Length)];
            answer = await WebhookAsync(Twilio.LocalPath(next), Twilio.CallParameters(callSid, digits), $"call {n} step {step + 1}");
        }

        // A dynamic announcement whose text no other call shares, so every call makes the providers work.
        string text = $"Caller {n}, your appointment number is {100_000 + n} on {DateTime.UnixEpoch.AddDays(n % 365):MMMM d}.";
        string announce = $"/twilio/announce?text={Uri.EscapeDataString(text)}&voice=Kore&language=en-US&next=%2Ftwilio%2Fvoice%2Fmain";
        await WebhookAsync(announce, Twilio.CallParameters(callSid), $"call {n} announcement");
    }

    private async Task<XDocument?> WebhookAsync(string pathAndQuery, Dictionary<string, string> form, string what)
    {
        Interlocked.Increment(ref observations.Webhooks);
        Stopwatch elapsed = Stopwatch.StartNew();
        HttpResponseMessage response;
        string body;
        try
        {
            using HttpRequestMessage request = Twilio.SignedPost(pathAndQuery, form);
            using CancellationTokenSource hung = new(4 * twilioTimeout);
            response = await client.SendAsync(request, hung.Token);
            body = await response.Content.ReadAsStringAsync(hung.Token);
        }
        catch (OperationCanceledException)
        {
            observations.Problems.Enqueue($"{what}: no answer within {4 * twilioTimeout.TotalSeconds:0} s");
            return null;
        }

        observations.WebhookSeconds.Add(elapsed.Elapsed.TotalSeconds);
        if (elapsed.Elapsed > twilioTimeout)
        {
            observations.Late.Enqueue($"{what}: answered after {elapsed.Elapsed.TotalSeconds:0.0} s");
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "application/xml")
            {
                observations.Problems.Enqueue($"{what}: HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType}: {body}");
                return null;
            }
        }

        XDocument document;
        try
        {
            document = Twilio.AssertSpeaks(body);
        }
        catch (Exception exception) when (exception is System.Xml.XmlException or Xunit.Sdk.XunitException)
        {
            observations.Problems.Enqueue($"{what}: {exception.Message}");
            return null;
        }

        foreach (XElement element in document.Root!.Descendants())
        {
            if (element.Name.LocalName == "Say")
            {
                Interlocked.Increment(ref observations.Says);
            }
            else if (element.Name.LocalName == "Play")
            {
                Interlocked.Increment(ref observations.Plays);
                await FetchAudioAsync(element.Value.Trim(), what);
            }
        }

        return document;
    }

    /// <summary>A &lt;Play&gt; whose URL does not give audio is silence on the line.</summary>
    private async Task FetchAudioAsync(string url, string what)
    {
        if (!_fetched.TryAdd(url, true))
        {
            return;
        }

        Interlocked.Increment(ref observations.AudioFetches);
        using HttpRequestMessage request = new(HttpMethod.Get, Twilio.LocalPath(url));
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServiceSettings.AuthToken, url));
        using CancellationTokenSource hung = new(4 * twilioTimeout);
        Stopwatch elapsed = Stopwatch.StartNew();
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, hung.Token);
            byte[] audio = await response.Content.ReadAsByteArrayAsync(hung.Token);
            if (elapsed.Elapsed > twilioTimeout)
            {
                observations.Late.Enqueue($"{what}: <Play> {url} answered after {elapsed.Elapsed.TotalSeconds:0.0} s");
            }

            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "audio/wav")
            {
                observations.Problems.Enqueue($"{what}: <Play> {url} answered HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType}");
                return;
            }

            PcmAudio pcm = AudioDecoder.Decode(audio);
            if (pcm.SampleRate != 8_000 || pcm.Duration < TimeSpan.FromMilliseconds(200))
            {
                observations.Problems.Enqueue($"{what}: <Play> {url} is {pcm.Duration.TotalMilliseconds:0} ms at {pcm.SampleRate} Hz");
            }
        }
        catch (OperationCanceledException)
        {
            observations.Problems.Enqueue($"{what}: <Play> {url} gave no audio within {4 * twilioTimeout.TotalSeconds:0} s");
        }
        catch (AudioFormatException exception)
        {
            observations.Problems.Enqueue($"{what}: <Play> {url} is not playable: {exception.Message}");
        }
    }
}
