using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Streaming;

/// <summary>
/// What a stream plays: one prompt spec, and the text &lt;Say&gt; would speak for it. <paramref name="CachedKey"/> names audio
/// already in the cache under another key (a joined announcement), sent at once; the spec streams if it has left the cache.
/// </summary>
internal sealed record StreamItem(PromptSpec Spec, string SayText, string? CachedKey = null);

/// <summary>
/// The key presses a stream listens for, as the flow's menu (its &lt;Gather&gt;) would: none (an announcement a caller cannot
/// skip), or up to <see cref="NumDigits"/> digits, ended early by one of <see cref="FinishOnKey"/>, or by
/// <see cref="TimeoutSeconds"/> without a key after the first. The first digit clears the audio (barge-in).
/// </summary>
internal sealed record StreamInput(int NumDigits, string FinishOnKey, int TimeoutSeconds)
{
    /// <summary>No barge-in: digits are ignored until the playout ends.</summary>
    public static readonly StreamInput None = new(0, "", 0);

    public bool Listens => NumDigits > 0;

    /// <summary>The signed parameter's text: <c>numDigits,finishOnKey,timeout</c>.</summary>
    public string Encode() => string.Create(CultureInfo.InvariantCulture, $"{NumDigits},{FinishOnKey},{TimeoutSeconds}");

    public static StreamInput? Decode(string? text)
    {
        string[] parts = text?.Split(',') ?? [];
        return parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int digits) && digits is >= 0 and <= 20
            && parts[1].Length <= 1 && parts[1].All(c => char.IsAsciiDigit(c) || c is '*' or '#')
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int timeout) && timeout is >= 0 and <= 60
            ? new StreamInput(digits, parts[1], timeout)
            : null;
    }
}

/// <summary>Why signed stream parameters were refused.</summary>
internal enum StreamTicketCheck
{
    Valid,
    Missing,
    Malformed,
    SignatureMismatch,
    Expired,

    /// <summary>Signed and current, but the prompts kept server-side are no longer held or the store did not answer.</summary>
    Unavailable,
}

/// <summary>What checking a stream's parameters found: the prompts and the key presses listened for when <see cref="Check"/> is valid.</summary>
internal readonly record struct StreamTicket(StreamTicketCheck Check, IReadOnlyList<StreamItem> Items, StreamInput Input);

/// <summary>
/// Signs and checks what a Media Stream plays. The prompts travel in the <c>&lt;Parameter&gt;</c>s of the TwiML (Twilio hands
/// them back in the stream's <c>start</c> message): <c>p0</c>…<c>pN</c> hold Base64url of the Brotli-compressed JSON of the
/// prompt specs, split in pieces under Twilio's 500-character limit per parameter; <c>exp</c> is the expiry in Unix seconds;
/// <c>in</c> the key presses the stream listens for (<see cref="StreamInput"/>); <c>sig</c> is
/// Base64url(HMAC-SHA256(Service:UrlSigningKey, "stream\n" + CallSid + "\n" + exp + "\n" + in + "\n" + payload)). The
/// signature binds the parameters to the call they were made for: replayed in another call's stream they are refused.
/// Prompts too long for <see cref="MaxPieces"/> parameters (a long announcement) are kept server-side in the hand-off store
/// (PostgreSQL's table when nodes share it, so the stream may reach any node) until the parameters expire: then <c>ref</c>
/// holds their random id in place of <c>p0</c>…, and the signed payload is <c>"ref:" + id</c>.
/// </summary>
internal sealed partial class StreamTickets
{
    /// <summary>Characters per payload parameter, leaving room for the name within Twilio's 500 per parameter.</summary>
    public const int PieceLength = 450;

    /// <summary>The most pieces carried in the parameters; a larger payload is kept server-side.</summary>
    public const int MaxPieces = 16;

    private const string ReferenceParameter = "ref";
    private const string KeyPrefix = "stream-ticket:";
    private const int MaxPayloadBytes = 256 * 1024;
    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private readonly IHandoffStore _store;
    private readonly ILogger _logger;

    public StreamTickets(IOptions<ServiceOptions> service, IOptions<StreamingOptions> streaming, TimeProvider time, IHandoffStore store, ILogger<StreamTickets> logger)
    {
        string? key = service.Value.UrlSigningKey;
        // Without a configured key the announcement signer's rule applies: a random key that dies with the process.
        _key = string.IsNullOrWhiteSpace(key) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
        _lifetime = streaming.Value.TicketLifetime;
        _time = time;
        _store = store;
        _logger = logger;
    }

    /// <summary>
    /// The signed parameters for <paramref name="callSid"/>; prompts too long to carry are kept server-side. Null when they
    /// cannot be kept (the store did not answer, or they are beyond any prompt's size): the caller answers without a stream.
    /// </summary>
    public async Task<List<KeyValuePair<string, string>>?> CreateAsync(IReadOnlyList<StreamItem> items, string callSid, StreamInput input, CancellationToken cancellationToken)
    {
        string listen = input.Encode();
        string payload = Encode(items);
        int pieces = (payload.Length + PieceLength - 1) / PieceLength;
        string expires = (_time.GetUtcNow() + _lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        List<KeyValuePair<string, string>> parameters = [];
        string signed = payload;
        if (pieces > MaxPieces)
        {
            string id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            try
            {
                await _store.PutAsync(KeyPrefix + id, payload, _lifetime, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or ArgumentException or System.Data.Common.DbException)
            {
                Log.NotKept(_logger, exception);
                return null;
            }

            parameters.Add(new(ReferenceParameter, id));
            signed = "ref:" + id;
        }
        else
        {
            for (int i = 0; i < pieces; i++)
            {
                parameters.Add(new("p" + i.ToString(CultureInfo.InvariantCulture), payload.Substring(i * PieceLength, Math.Min(PieceLength, payload.Length - (i * PieceLength)))));
            }
        }

        parameters.Add(new("exp", expires));
        parameters.Add(new("in", listen));
        parameters.Add(new("sig", Sign(callSid, expires, listen, signed)));
        return parameters;
    }

    /// <summary>Checks the parameters of a <c>start</c> message against its CallSid and reads the prompts (from the store when kept there).</summary>
    public async ValueTask<StreamTicket> VerifyAsync(IReadOnlyDictionary<string, string> parameters, string callSid, CancellationToken cancellationToken)
    {
        StreamTicket refused = new(StreamTicketCheck.Missing, [], StreamInput.None);
        bool kept = parameters.TryGetValue(ReferenceParameter, out string? reference);
        if (!parameters.TryGetValue("sig", out string? signature) || !parameters.TryGetValue("exp", out string? expires)
            || !parameters.TryGetValue("in", out string? listen) || (!kept && !parameters.ContainsKey("p0")))
        {
            return refused;
        }

        string joined;
        if (kept)
        {
            joined = "ref:" + reference;
        }
        else
        {
            StringBuilder payload = new();
            for (int i = 0; i < MaxPieces && parameters.TryGetValue("p" + i.ToString(CultureInfo.InvariantCulture), out string? piece); i++)
            {
                payload.Append(piece);
            }

            joined = payload.ToString();
        }

        if (!SignatureMatches(signature, callSid, expires, listen, joined))
        {
            return refused with { Check = StreamTicketCheck.SignatureMismatch };
        }

        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || _time.GetUtcNow().ToUnixTimeSeconds() > seconds)
        {
            return refused with { Check = StreamTicketCheck.Expired };
        }

        if (kept)
        {
            try
            {
                if (reference!.Length != 22 || await _store.GetAsync(KeyPrefix + reference, cancellationToken).ConfigureAwait(false) is not { } stored)
                {
                    return refused with { Check = StreamTicketCheck.Unavailable };
                }

                joined = stored;
            }
            catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or System.Data.Common.DbException)
            {
                Log.NotRead(_logger, exception);
                return refused with { Check = StreamTicketCheck.Unavailable };
            }
        }

        IReadOnlyList<StreamItem>? decoded = Decode(joined);
        if (decoded is null || StreamInput.Decode(listen) is not { } listens)
        {
            return refused with { Check = StreamTicketCheck.Malformed };
        }

        return new StreamTicket(StreamTicketCheck.Valid, decoded, listens);
    }

    private bool SignatureMatches(string signature, string callSid, string expires, string listen, string payload)
    {
        byte[] expected = Mac(callSid, expires, listen, payload);
        Span<byte> given = stackalloc byte[32];
        return Base64Url.TryDecodeFromChars(signature, given, out int written) && written == 32 && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private string Sign(string callSid, string expires, string listen, string payload) => Base64Url.EncodeToString(Mac(callSid, expires, listen, payload));

    private byte[] Mac(string callSid, string expires, string listen, string payload) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"stream\n{callSid}\n{expires}\n{listen}\n{payload}"));

    internal static string Encode(IReadOnlyList<StreamItem> items)
    {
        List<TicketPrompt> prompts = [.. items.Select(item => new TicketPrompt(
            item.Spec.Text, item.Spec.Voice, item.Spec.Style, item.Spec.Language, item.Spec.Model, item.Spec.Temperature,
            item.Spec.Speakers.Count == 0 ? null : [.. item.Spec.Speakers.Select(s => new TicketSpeaker(s.Name, s.Voice))],
            item.Spec.Mastering.Enabled,
            item.Spec.Mastering.PadMilliseconds, item.Spec.Mastering.TargetLevelDbfs, item.Spec.Mastering.PeakCeilingDbfs, item.Spec.Mastering.MaxGainDb,
            item.Spec.OutputFormat, item.SayText, item.CachedKey))];
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(prompts, TicketJsonContext.Default.ListTicketPrompt);
        using MemoryStream compressed = new();
        using (BrotliStream brotli = new(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            brotli.Write(json);
        }

        return Base64Url.EncodeToString(compressed.ToArray());
    }

    internal static IReadOnlyList<StreamItem>? Decode(string payload)
    {
        try
        {
            byte[] compressed = Base64Url.DecodeFromChars(payload);
            using BrotliStream brotli = new(new MemoryStream(compressed), CompressionMode.Decompress);
            using MemoryStream json = new();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = brotli.Read(buffer)) > 0)
            {
                json.Write(buffer, 0, read);
                if (json.Length > MaxPayloadBytes)
                {
                    return null;
                }
            }

            List<TicketPrompt>? prompts = JsonSerializer.Deserialize(json.ToArray(), TicketJsonContext.Default.ListTicketPrompt);
            if (prompts is null || prompts.Count == 0)
            {
                return null;
            }

            return [.. prompts.Select(p => new StreamItem(new PromptSpec
            {
                Text = p.Text,
                Voice = p.Voice,
                Style = p.Style,
                Language = p.Language,
                Model = p.Model,
                Temperature = p.Temperature,
                Speakers = p.Speakers is null ? [] : [.. p.Speakers.Select(s => new TtsSpeaker(s.Name, s.Voice))],
                Mastering = p.Mastered
                    ? new MasteringOptions { PadMilliseconds = p.Pad, TargetLevelDbfs = p.Level, PeakCeilingDbfs = p.Ceiling, MaxGainDb = p.MaxGain }
                    : MasteringOptions.Disabled,
                OutputFormat = p.Format,
            }, p.Say, p.Key is { } key && PromptKey.TryParse(key, out _) ? key : null))];
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or JsonException or IOException)
        {
            return null;
        }
    }
}

internal sealed record TicketSpeaker(string Name, string Voice);

internal sealed record TicketPrompt(
    string Text, string Voice, string? Style, string? Language, string Model, double? Temperature, List<TicketSpeaker>? Speakers,
    bool Mastered, int Pad, double Level, double Ceiling, double MaxGain, string Format, string Say, string? Key);

[JsonSerializable(typeof(List<TicketPrompt>))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class TicketJsonContext : JsonSerializerContext;

internal sealed partial class StreamTickets
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 5830, Level = LogLevel.Warning, Message = "Prompts too long for a stream's parameters could not be kept in the store; answering without a stream")]
        public static partial void NotKept(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 5831, Level = LogLevel.Warning, Message = "The store did not give a stream's kept prompts; refusing the stream so the flow's fallback plays")]
        public static partial void NotRead(ILogger logger, Exception exception);
    }
}
