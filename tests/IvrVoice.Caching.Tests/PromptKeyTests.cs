using System.Text.Json;

namespace IvrVoice.Caching.Tests;

public sealed class PromptKeyTests
{
    private const string Valid = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Parse_LowercaseHex_RoundTripsThroughToString()
    {
        PromptKey key = PromptKey.Parse(Valid);

        Assert.Equal(Valid, key.ToString());
        Assert.Equal(key, PromptKey.Parse(new string(Valid.ToCharArray())));
        Assert.False(key.IsDefault);
    }

    public static TheoryData<string?> HostileKeys() => new()
    {
        null,
        "",
        Valid[..63],
        Valid + "0",
        Valid.ToUpperInvariant(),
        "ABCDEF" + Valid[6..],
        "../" + Valid[3..],
        "..%2f" + Valid[5..],
        "%2e%2e" + Valid[6..],
        "/" + Valid[1..],
        "\\" + Valid[1..],
        Valid[..63] + "\0",
        "\0" + Valid[1..],
        " " + Valid[1..],
        Valid[..63] + "\n",
        Valid[..63] + "g",
        Valid[..63] + "-",
        "０" + Valid[1..],              // full-width digit zero
        "٠" + Valid[1..],              // Arabic-Indic digit zero
        "ａ" + Valid[1..],              // full-width small a
        "a\u0301" + Valid[2..],        // a + combining acute accent, still 64 UTF-16 units
        "\u200b" + Valid[1..],         // zero-width space
        Valid[..62] + "\ud83d\ude00",  // emoji as a surrogate pair
        Valid[..60] + ".wav",
    };

    [Theory]
    [MemberData(nameof(HostileKeys))]
    public void TryParse_HostileOrMalformed_ReturnsFalse(string? candidate)
    {
        Assert.False(PromptKey.TryParse(candidate, out PromptKey key));
        Assert.True(key.IsDefault);
    }

    [Theory]
    [MemberData(nameof(HostileKeys))]
    public void Parse_HostileOrMalformed_ThrowsTypedError(string? candidate)
    {
        if (candidate is null)
        {
            Assert.Throws<ArgumentNullException>(() => PromptKey.Parse(candidate!));
        }
        else
        {
            FormatException error = Assert.Throws<FormatException>(() => PromptKey.Parse(candidate));
            Assert.Contains("64 lowercase hexadecimal", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromSha256_Digest_IsItsLowercaseHex()
    {
        byte[] digest = System.Security.Cryptography.SHA256.HashData("Thanks for calling."u8);

        PromptKey key = PromptKey.FromSha256(digest);

        Assert.Equal(TestPrompts.Sha256Hex("Thanks for calling."u8), key.ToString());
    }

    [Fact]
    public void FromSha256_WrongLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => PromptKey.FromSha256(new byte[20]));
    }

    [Fact]
    public void Default_HasEmptyTextAndIsDefault()
    {
        PromptKey key = default;

        Assert.True(key.IsDefault);
        Assert.Equal("", key.ToString());
    }

    [Fact]
    public void Json_PromptKeyProperty_IsWrittenAsHexAndReadBack()
    {
        PromptMetadata metadata = TestPrompts.Create(PromptKey.Parse(Valid)).Metadata;

        string json = JsonSerializer.Serialize(metadata, CachingJsonContext.Default.PromptMetadata);
        PromptMetadata? back = JsonSerializer.Deserialize(json, CachingJsonContext.Default.PromptMetadata);

        Assert.Contains($"\"key\":\"{Valid}\"", json, StringComparison.Ordinal);
        Assert.Equal(metadata, back);
    }

    [Theory]
    [InlineData("\"../../etc/passwd\"")]
    [InlineData("\"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Json_InvalidKey_ThrowsJsonException(string keyJson)
    {
        string json = $$"""{"key":{{keyJson}},"text":"t","voice":"v","model":"m","provider":"p","sha256":"x"}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, CachingJsonContext.Default.PromptMetadata));
    }
}
