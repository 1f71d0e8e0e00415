using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace IvrVoice.Prompts;

/// <summary>Limits and defaults for prompt requests, bound from the <c>Prompts</c> section.</summary>
public sealed class PromptOptions
{
    public const string SectionName = "Prompts";

    /// <summary>Above Twilio's own &lt;Say&gt; limits' spirit for a phone prompt; long texts belong in several prompts.</summary>
    public const int DefaultMaxTextLength = 2_000;

    [Range(1, 8_000)]
    public int MaxTextLength { get; set; } = DefaultMaxTextLength;

    [Required(AllowEmptyStrings = false)]
    public string DefaultVoice { get; set; } = "Kore";

    public string? DefaultLanguage { get; set; } = "en-US";
}

/// <summary>Checks <see cref="PromptOptions"/>' annotations; generated at compile time, so it needs no reflection.</summary>
[OptionsValidator]
internal sealed partial class PromptOptionsValidator : IValidateOptions<PromptOptions>;
