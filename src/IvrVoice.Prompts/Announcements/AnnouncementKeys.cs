using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IvrVoice.Audio;
using IvrVoice.Audio.Joining;
using IvrVoice.Caching;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Prompts.Announcements;

/// <summary>
/// The cache key of a joined announcement: SHA-256 over a versioned, length-prefixed encoding of the ordered piece keys
/// with the gap before each, the join settings, the joiner's version and the mastering the result is brought to. The
/// same pieces joined the same way always give the same key (the audio is immutable); any change gives a new one. A
/// piece key already covers its text, voice, language, model, style and mastering.
/// </summary>
public static class AnnouncementKeys
{
    private const string EncodingTag = "ivrvoice.join-key/1";

    /// <summary>The key of the join of <paramref name="pieces"/> (in speaking order).</summary>
    public static PromptKey ForJoin(IReadOnlyList<(PromptKey Piece, JoinGap GapBefore)> pieces, JoinOptions options, MasteringOptions mastering)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mastering);
        List<(string, string)> fields =
        [
            ("encoding", EncodingTag),
            ("joiner", AudioJoiner.Version.ToString(CultureInfo.InvariantCulture)),
            ("pipeline", PromptKeys.PipelineVersion.ToString(CultureInfo.InvariantCulture)),
            ("join", options.CanonicalForm()),
            ("mastering", mastering.CanonicalForm()),
            ("output", PromptMetadata.MuLawWavFormat),
            ("pieces", pieces.Count.ToString(CultureInfo.InvariantCulture)),
        ];
        foreach ((PromptKey piece, JoinGap gap) in pieces)
        {
            if (piece.IsDefault)
            {
                throw new ArgumentException("default(PromptKey) names no piece.", nameof(pieces));
            }

            fields.Add(("gap", gap.ToString()));
            fields.Add(("piece", piece.ToString()));
        }

        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach ((string name, string value) in fields)
        {
            foreach (string part in (ReadOnlySpan<string>)[name, value])
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(part);
                BinaryPrimitives.WriteInt32BigEndian(length, utf8.Length);
                hash.AppendData(length);
                hash.AppendData(utf8);
            }
        }

        return PromptKey.FromSha256(hash.GetHashAndReset());
    }
}
