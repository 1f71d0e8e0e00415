using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IvrVoice.Caching;

/// <summary>
/// The cache key of a rendered prompt: a SHA-256 written as exactly 64 lowercase hexadecimal characters.
/// Parsing accepts nothing else, so a key is always safe as a file name and as a URL path segment.
/// </summary>
[JsonConverter(typeof(PromptKeyJsonConverter))]
public readonly record struct PromptKey
{
    /// <summary>Characters in a key: two per byte of a SHA-256.</summary>
    public const int Length = 64;

    private readonly string? _value;

    private PromptKey(string value) => _value = value;

    /// <summary>True for <c>default(PromptKey)</c>, which names no prompt.</summary>
    public bool IsDefault => _value is null;

    /// <summary>Makes a key from the 32 bytes of a SHA-256 digest.</summary>
    public static PromptKey FromSha256(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != Length / 2)
        {
            throw new ArgumentException($"A prompt key is a SHA-256 digest of {Length / 2} bytes; got {digest.Length}.", nameof(digest));
        }

        return new PromptKey(Convert.ToHexStringLower(digest));
    }

    /// <summary>Parses a key, throwing <see cref="FormatException"/> for anything but 64 lowercase hex characters.</summary>
    public static PromptKey Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out PromptKey key)
            ? key
            : throw new FormatException($"A prompt key is exactly {Length} lowercase hexadecimal characters (0-9, a-f).");
    }

    /// <summary>Parses a key; false for null, wrong length, upper case, or any character outside 0-9 and a-f.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out PromptKey key)
    {
        key = default;
        if (value is null || !IsValid(value))
        {
            return false;
        }

        key = new PromptKey(value);
        return true;
    }

    /// <summary>The 64 lowercase hex characters; an empty string for <c>default(PromptKey)</c>.</summary>
    public override string ToString() => _value ?? string.Empty;

    public bool Equals(PromptKey other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    internal string Value => _value ?? throw new ArgumentException("default(PromptKey) names no prompt.");

    internal static void ThrowIfDefault(PromptKey key, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(key))] string? parameterName = null)
    {
        if (key.IsDefault)
        {
            throw new ArgumentException("default(PromptKey) names no prompt.", parameterName);
        }
    }

    private static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length != Length)
        {
            return false;
        }

        // Only ASCII 0-9 and a-f: no upper case, so each prompt has exactly one spelling (one file, one URL).
        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Writes a <see cref="PromptKey"/> as its hex string and refuses anything else on read.</summary>
public sealed class PromptKeyJsonConverter : JsonConverter<PromptKey>
{
    public override PromptKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !PromptKey.TryParse(reader.GetString(), out PromptKey key))
        {
            throw new JsonException($"A prompt key is a string of exactly {PromptKey.Length} lowercase hexadecimal characters.");
        }

        return key;
    }

    public override void Write(Utf8JsonWriter writer, PromptKey value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
