using System.Security.Cryptography;
using System.Text;
using IvrVoice.Audio;
using IvrVoice.Prompts;
using IvrVoice.Providers;

namespace IvrVoice.Prompts.Tests;

public sealed class PromptKeysTests
{
    private static readonly PromptSpec s_baseline = new()
    {
        Text = "Thank you for calling Northwind Dental.",
        Voice = "Kore",
        Style = "calm, warm",
        Language = "en-US",
        Model = "gemini-3.1-flash-tts",
        Mastering = MasteringOptions.Disabled,
    };

    // Pinned values come from scripts/prompt-key-oracle.py, written apart from the C# encoder.
    // A change here means every cached prompt in every deployment is re-rendered. If it is intended,
    // bump PromptKeys.PipelineVersion or the encoding tag and update these values in the same commit.
    [Fact]
    public void For_Baseline_MatchesPinnedGoldenKey() =>
        Assert.Equal("6bbf9bec6d5c0964dd48471c53367c6e6a211d90127cdedf5dcb03853863942c", PromptKeys.For(s_baseline).ToString());

    [Fact]
    public void For_TwoSpeakersAndTemperature_MatchesPinnedGoldenKey() =>
        Assert.Equal("def07909240c9e931af87af1248351874fe5b120512fbc2a13f218197357b282", PromptKeys.For(s_baseline with
        {
            Temperature = 1.0,
            Speakers = [new TtsSpeaker("Agent", "Kore"), new TtsSpeaker("Caller", "Puck")],
        }).ToString());

    [Fact]
    public void CanonicalBytes_Baseline_EqualIndependentEncoding()
    {
        // Built here field by field, independently of the production encoder: 4-byte big-endian length, then UTF-8.
        string[] parts =
        [
            "encoding", "ivrvoice.prompt-key/1", "pipeline", "1", "text", "Thank you for calling Northwind Dental.",
            "voice", "Kore", "style", "calm, warm", "language", "en-US", "model", "gemini-3.1-flash-tts",
            "temperature", "", "speakers", "0", "mastering", "off", "output", "mulaw-wav",
        ];
        List<byte> expected = [];
        foreach (string part in parts)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(part);
            expected.AddRange([(byte)(utf8.Length >> 24), (byte)(utf8.Length >> 16), (byte)(utf8.Length >> 8), (byte)utf8.Length]);
            expected.AddRange(utf8);
        }

        Assert.Equal(expected.ToArray(), PromptKeys.CanonicalBytes(s_baseline));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected.ToArray())), PromptKeys.For(s_baseline).ToString());
    }

    [Theory]
    [InlineData("Thank you for calling   Northwind Dental.")]
    [InlineData("  Thank you for calling Northwind Dental.\n")]
    [InlineData("Thank you\tfor calling\u00A0Northwind Dental.")]
    public void For_WhitespaceVariants_SameKey(string text) =>
        Assert.Equal(PromptKeys.For(s_baseline), PromptKeys.For(s_baseline with { Text = text }));

    [Fact]
    public void NormalizeText_LineBreaksOfAnyKind_OneNewlinePerTurn()
    {
        const string expected = "Agent: Thank you for calling.\nCaller: Hi, I need to reschedule.";
        Assert.Equal(expected, PromptKeys.NormalizeText("Agent:  Thank you for calling. \r\n\r\n  Caller: Hi, I need to reschedule.\n"));
        Assert.Equal(expected, PromptKeys.NormalizeText("Agent: Thank you for calling.\u2028Caller: Hi, I need to reschedule."));
        Assert.NotEqual(PromptKeys.For(s_baseline with { Text = "a b" }), PromptKeys.For(s_baseline with { Text = "a\nb" }));
    }

    [Fact]
    public void For_DecomposedUnicode_SameKeyAsComposed()
    {
        PromptSpec composed = s_baseline with { Text = "Gracias por llamar a la cl\u00EDnica." };
        PromptSpec decomposed = s_baseline with { Text = "Gracias por llamar a la cli\u0301nica." };

        Assert.NotEqual(composed.Text, decomposed.Text);
        Assert.Equal(PromptKeys.For(composed), PromptKeys.For(decomposed));
    }

    [Fact]
    public void For_LanguageCasing_SameKey() =>
        Assert.Equal(PromptKeys.For(s_baseline), PromptKeys.For(s_baseline with { Language = "en_us" }));

    public static TheoryData<PromptSpec> SoundChanges() =>
    [
        s_baseline with { Text = "Thank you for calling Northwind Dental!" },
        s_baseline with { Voice = "Puck" },
        s_baseline with { Style = "cheerful" },
        s_baseline with { Style = null },
        s_baseline with { Language = "en-GB" },
        s_baseline with { Language = null },
        s_baseline with { Model = "gemini-3.8-flash-tts" },
        s_baseline with { Temperature = 0.9 },
        s_baseline with { Mastering = MasteringOptions.Default },
        s_baseline with { Mastering = MasteringOptions.Default with { TargetLevelDbfs = -18 } },
        s_baseline with { OutputFormat = "alaw-wav" },
        s_baseline with { Speakers = [new TtsSpeaker("A", "Kore"), new TtsSpeaker("B", "Puck")] },
        s_baseline with { Speakers = [new TtsSpeaker("A", "Puck"), new TtsSpeaker("B", "Kore")] },
    ];

    [Theory]
    [MemberData(nameof(SoundChanges))]
    public void For_AnythingThatChangesTheSound_ChangesTheKey(PromptSpec changed) =>
        Assert.NotEqual(PromptKeys.For(s_baseline), PromptKeys.For(changed));

    [Fact]
    public void For_FieldBoundariesShifted_DifferentKeys()
    {
        // "ab" + "c" must not collide with "a" + "bc" across adjacent fields.
        PromptSpec a = s_baseline with { Voice = "Kore", Style = "x" };
        PromptSpec b = s_baseline with { Voice = "Korex", Style = null };
        Assert.NotEqual(PromptKeys.For(a), PromptKeys.For(b));
    }
}
