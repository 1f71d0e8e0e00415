using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using IvrVoice.Audio;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Streaming;

/// <summary>What a stream plays: one prompt spec, and the text &lt;Say&gt; would speak for it.</summary>
internal sealed record StreamItem(PromptSpec Spec, string SayText);

/// <summary>Why signed stream parameters were refused.</summary>
internal enum StreamTicketCheck
{
    Valid,
    Missing,
    Malformed,
    SignatureMismatch,
    Expired,
}

/// <summary>
/// Signs and checks what a Media Stream plays. The prompts travel in the <c>&lt;Parameter&gt;</c>s of the TwiML (Twilio hands
/// them back in the stream's <c>start</c> message): <c>p0</c>…<c>pN</c> hold Base64url of the Brotli-compressed JSON of the
/// prompt specs, split in pieces under Twilio's 500-character limit per parameter; <c>exp</c> is the expiry in Unix seconds;
/// <c>sig</c> is Base64url(HMAC-SHA256(Service:UrlSigningKey, "stream\n" + CallSid + "\n" + exp + "\n" + payload)). The
/// signature binds the parameters to the call they were made for: replayed in another call's stream they are refused.
/// </summary>
internal sealed class StreamTickets
{
    /// <summary>Characters per payload parameter, leaving room for the name within Twilio's 500 per parameter.</summary>
    public const int PieceLength = 450;

    /// <summary>The most pieces a ticket may have; a larger answer is not streamed.</summary>
    public const int MaxPieces = 16;

    private const int MaxPayloadBytes = 64 * 1024;
    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public StreamTickets(IOptions<ServiceOptions> service, IOptions<StreamingOptions> streaming, TimeProvider time)
    {
        string? key = service.Value.UrlSigningKey;
        // Without a configured key the announcement signer's rule applies: a random key that dies with the process.
        _key = string.IsNullOrWhiteSpace(key) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
        _lifetime = streaming.Value.TicketLifetime;
        _time = time;
    }

    /// <summary>The signed parameters for <paramref name="callSid"/>, or null when the prompts do not fit in <see cref="MaxPieces"/> parameters.</summary>
    public List<KeyValuePair<string, string>>? Create(IReadOnlyList<StreamItem> items, string callSid)
    {
        string payload = Encode(items);
        int pieces = (payload.Length + PieceLength - 1) / PieceLength;
        if (pieces > MaxPieces)
        {
            return null;
        }

        string expires = (_time.GetUtcNow() + _lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        List<KeyValuePair<string, string>> parameters = [];
        for (int i = 0; i < pieces; i++)
        {
            parameters.Add(new("p" + i.ToString(CultureInfo.InvariantCulture), payload.Substring(i * PieceLength, Math.Min(PieceLength, payload.Length - (i * PieceLength)))));
        }

        parameters.Add(new("exp", expires));
        parameters.Add(new("sig", Sign(callSid, expires, payload)));
        return parameters;
    }

    /// <summary>Checks the parameters of a <c>start</c> message against its CallSid and reads the prompts.</summary>
    public StreamTicketCheck Verify(IReadOnlyDictionary<string, string> parameters, string callSid, out IReadOnlyList<StreamItem> items)
    {
        items = [];
        if (!parameters.TryGetValue("sig", out string? signature) || !parameters.TryGetValue("exp", out string? expires) || !parameters.ContainsKey("p0"))
        {
            return StreamTicketCheck.Missing;
        }

        StringBuilder payload = new();
        for (int i = 0; i < MaxPieces && parameters.TryGetValue("p" + i.ToString(CultureInfo.InvariantCulture), out string? piece); i++)
        {
            payload.Append(piece);
        }

        string joined = payload.ToString();
        byte[] expected = Mac(callSid, expires, joined);
        Span<byte> given = stackalloc byte[32];
        if (!Base64Url.TryDecodeFromChars(signature, given, out int written) || written != 32 || !CryptographicOperations.FixedTimeEquals(given, expected))
        {
            return StreamTicketCheck.SignatureMismatch;
        }

        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || _time.GetUtcNow().ToUnixTimeSeconds() > seconds)
        {
            return StreamTicketCheck.Expired;
        }

        IReadOnlyList<StreamItem>? decoded = Decode(joined);
        if (decoded is null)
        {
            return StreamTicketCheck.Malformed;
        }

        items = decoded;
        return StreamTicketCheck.Valid;
    }

    private string Sign(string callSid, string expires, string payload) => Base64Url.EncodeToString(Mac(callSid, expires, payload));

    private byte[] Mac(string callSid, string expires, string payload) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"stream\n{callSid}\n{expires}\n{payload}"));

    internal static string Encode(IReadOnlyList<StreamItem> items)
    {
        List<TicketPrompt> prompts = [.. items.Select(item => new TicketPrompt(
            item.Spec.Text, item.Spec.Voice, item.Spec.Style, item.Spec.Language, item.Spec.Model, item.Spec.Temperature,
            item.Spec.Speakers.Count == 0 ? null : [.. item.Spec.Speakers.Select(s => new TicketSpeaker(s.Name, s.Voice))],
            item.Spec.Mastering.Enabled,
            item.Spec.Mastering.PadMilliseconds, item.Spec.Mastering.TargetLevelDbfs, item.Spec.Mastering.PeakCeilingDbfs, item.Spec.Mastering.MaxGainDb,
            item.Spec.OutputFormat, item.SayText))];
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
            }, p.Say))];
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
    bool Mastered, int Pad, double Level, double Ceiling, double MaxGain, string Format, string Say);

[JsonSerializable(typeof(List<TicketPrompt>))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class TicketJsonContext : JsonSerializerContext;
